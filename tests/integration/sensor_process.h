// Runs the real crowsnest binary as a child process with --events and
// collects the JSON lines it prints, parsed back into the proto messages
// (which also proves the output is the protobuf JSON mapping).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "crowsnest.pb.h"

namespace crowsnest::test {

class SensorProcess {
public:
    // Starts `binary` with `args` and waits until it is ready (its
    // --ready-file exists). Returns false with its stderr in `error` if it
    // exits or times out.
    bool start(const std::string &binary, const std::vector<std::string> &args, std::string &error);
    // SIGTERM, wait, and return everything it wrote on stderr.
    std::string stop();
    ~SensorProcess();

    pid_t pid() const { return pid_; }

    // Waits until an event / verdict satisfying `pred` has been printed
    // (returns as soon as it has; the timeout only bounds a failure).
    bool wait_event(const std::function<bool(const v1::Event &)> &pred, v1::Event *found = nullptr,
                    std::chrono::milliseconds timeout = std::chrono::seconds(20));
    bool wait_verdict(const std::function<bool(const v1::Verdict &)> &pred, v1::Verdict *found = nullptr,
                      std::chrono::milliseconds timeout = std::chrono::seconds(20));

    std::vector<v1::Event> events();
    std::vector<v1::Verdict> verdicts();
    // Lines that were neither a valid Event nor a valid Verdict.
    std::vector<std::string> bad_lines();

private:
    void read_stdout(int fd);
    void read_stderr(int fd);

    pid_t pid_ = -1;
    std::string ready_file_;
    std::thread out_reader_, err_reader_;
    std::mutex mu_;
    std::condition_variable changed_;
    std::vector<v1::Event> events_;
    std::vector<v1::Verdict> verdicts_;
    std::vector<std::string> bad_lines_;
    std::string stderr_;
};

}  // namespace crowsnest::test
