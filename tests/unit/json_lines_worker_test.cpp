// stdout and the output file as a subscriber of the hubs: a reader that
// stalls holds back only this output, and loses nothing it can keep.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "outputs/json_lines_worker.h"

using namespace crowsnest;
using namespace std::chrono_literals;

namespace {

v1::Verdict numbered(uint64_t n) {
    v1::Verdict v;
    v.set_rule("write_below_etc");
    v.set_priority("Error");
    v.set_output("File below /etc opened for writing");
    v.set_sequence(n);
    v.mutable_time()->set_seconds(1796000523);
    return v;
}

// Every line from `fd` until it closes.
std::vector<std::string> read_lines(int fd) {
    std::vector<std::string> lines;
    std::string buffer;
    char chunk[65536];
    for (ssize_t n; (n = read(fd, chunk, sizeof(chunk))) > 0;) {
        buffer.append(chunk, size_t(n));
        for (size_t nl; (nl = buffer.find('\n')) != std::string::npos; buffer.erase(0, nl + 1))
            lines.push_back(buffer.substr(0, nl));
    }
    return lines;
}

}  // namespace

TEST_CASE("json lines: a stdout nobody reads holds back no publisher, and every line comes once it is read",
          "[json_lines]") {
    int pipe_fds[2];
    REQUIRE(pipe2(pipe_fds, O_CLOEXEC) == 0);
    VerdictHub verdicts({});
    constexpr uint64_t kVerdicts = 20000;  // about 3 MB: the pipe holds 64 KiB
    {
        JsonLinesWorker worker(LineFile(pipe_fds[1]), JsonLinesWorker::Format::Crowsnest, verdicts, nullptr);
        const auto t0 = std::chrono::steady_clock::now();
        for (uint64_t i = 1; i <= kVerdicts; i++) {
            verdicts.publish(numbered(i));
            if (i % 1000 == 0) verdicts.wait_dispatched();  // within the hub's inbox
        }
        // the engine's side is done although the writer is stuck in write()
        CHECK(std::chrono::steady_clock::now() - t0 < 10s);
        CHECK(worker.stats().written < kVerdicts);

        std::vector<std::string> lines;
        std::thread reader([&] { lines = read_lines(pipe_fds[0]); });
        worker.finish();
        close(pipe_fds[1]);
        reader.join();
        REQUIRE(lines.size() == kVerdicts);
        for (uint64_t i = 0; i < kVerdicts; i++)
            if (nlohmann::json::parse(lines[i])["sequence"] != std::to_string(i + 1)) FAIL("line " << i);
        CHECK(worker.stats().written == kVerdicts);
        CHECK(worker.stats().lost == 0);
    }
    close(pipe_fds[0]);
}

TEST_CASE("json lines: Falco's format for verdicts, events in the protobuf mapping, on one stream",
          "[json_lines]") {
    int pipe_fds[2];
    REQUIRE(pipe2(pipe_fds, O_CLOEXEC) == 0);
    VerdictHub verdicts({});
    EventHub events({});
    JsonLinesWorker worker(LineFile(pipe_fds[1]), JsonLinesWorker::Format::Falco, verdicts, &events);
    v1::Event e;
    e.set_sequence(1);
    e.set_cgroup_id(42);
    events.publish(e);
    events.wait_dispatched();
    verdicts.publish(numbered(1));
    verdicts.wait_dispatched();
    worker.finish();
    close(pipe_fds[1]);
    const auto lines = read_lines(pipe_fds[0]);
    close(pipe_fds[0]);
    REQUIRE(lines.size() == 2);
    // two queues: a verdict's line may come before its event's
    const bool event_first = lines[0].find("cgroup_id") != std::string::npos;
    const auto event = nlohmann::json::parse(lines[event_first ? 0 : 1]);
    const auto alert = nlohmann::json::parse(lines[event_first ? 1 : 0]);
    CHECK(event["cgroup_id"] == "42");
    CHECK(alert["rule"] == "write_below_etc");
    CHECK(alert["priority"] == "Error");
    CHECK(alert["source"] == "syscall");
    CHECK(worker.stats().written == 2);
}

TEST_CASE("json lines: what overflows its queue is counted as lost, never silent", "[json_lines]") {
    int pipe_fds[2];
    REQUIRE(pipe2(pipe_fds, O_CLOEXEC) == 0);
    VerdictHub verdicts({.ring = 0, .queue = 4096, .bytes = 1u << 20});  // a small budget, to overflow soon
    uint64_t lines_read = 0;
    {
        JsonLinesWorker worker(LineFile(pipe_fds[1]), JsonLinesWorker::Format::Crowsnest, verdicts, nullptr);
        constexpr uint64_t kVerdicts = 50000;
        for (uint64_t i = 1; i <= kVerdicts; i++) verdicts.publish(numbered(i));
        verdicts.wait_dispatched();
        std::thread reader([&] { lines_read = read_lines(pipe_fds[0]).size(); });
        worker.finish();
        close(pipe_fds[1]);
        reader.join();
        const JsonLinesStats s = worker.stats();
        CHECK(s.lost > 0);
        CHECK(s.written == lines_read);
        CHECK(s.written + s.lost == kVerdicts);  // each one written, or counted
    }
    close(pipe_fds[0]);
}

TEST_CASE("json lines: a reader that never reads is given up at stop, and what it did not take is counted",
          "[json_lines]") {
    int pipe_fds[2];
    REQUIRE(pipe2(pipe_fds, O_CLOEXEC) == 0);
    VerdictHub verdicts({});
    constexpr uint64_t kVerdicts = 5000;  // far more than the pipe holds
    JsonLinesWorker worker(LineFile(pipe_fds[1]), JsonLinesWorker::Format::Crowsnest, verdicts, nullptr);
    for (uint64_t i = 1; i <= kVerdicts; i++) verdicts.publish(numbered(i));
    verdicts.wait_dispatched();
    const auto t0 = std::chrono::steady_clock::now();
    worker.finish();  // nobody ever reads
    CHECK(std::chrono::steady_clock::now() - t0 < 15s);
    const JsonLinesStats s = worker.stats();
    CHECK(s.lost > 0);
    CHECK(s.written + s.lost == kVerdicts);
    CHECK(s.last_error.find("does not read") != std::string::npos);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
}
