#include "sensor_process.h"

#include <google/protobuf/util/json_util.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

namespace crowsnest::test {

bool SensorProcess::start(const std::string &binary, const std::vector<std::string> &args, std::string &error) {
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
        error = std::strerror(errno);
        return false;
    }
    char ready_dir[] = "/tmp/crowsnest-ready-XXXXXX";
    if (!mkdtemp(ready_dir)) {
        error = std::strerror(errno);
        return false;
    }
    ready_file_ = std::string(ready_dir) + "/ready";
    pid_ = fork();
    if (pid_ == 0) {
        dup2(out[1], 1);
        dup2(err[1], 2);
        std::vector<char *> argv;
        argv.push_back(const_cast<char *>(binary.c_str()));
        for (const auto &a : args) argv.push_back(const_cast<char *>(a.c_str()));
        argv.push_back(const_cast<char *>("--ready-file"));
        argv.push_back(const_cast<char *>(ready_file_.c_str()));
        argv.push_back(nullptr);
        execv(binary.c_str(), argv.data());
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    out_reader_ = std::thread(&SensorProcess::read_stdout, this, out[0]);
    err_reader_ = std::thread(&SensorProcess::read_stderr, this, err[0]);

    // ready: the file exists once the programs are attached, the rules
    // loaded, gRPC served and the signal handlers installed
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        if (access(ready_file_.c_str(), F_OK) == 0) return true;
        if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
            pid_ = -1;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::lock_guard<std::mutex> lock(mu_);
    error = "crowsnest did not start: " + stderr_;
    return false;
}

void SensorProcess::read_stdout(int fd) {
    std::string buf;
    char chunk[65536];
    ssize_t n;
    google::protobuf::util::JsonParseOptions strict;  // unknown fields are errors
    while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
        buf.append(chunk, size_t(n));
        size_t nl;
        while ((nl = buf.find('\n')) != std::string::npos) {
            std::string line = buf.substr(0, nl);
            buf.erase(0, nl + 1);
            std::lock_guard<std::mutex> lock(mu_);
            if (line.find("\"rule\":") != std::string::npos) {
                v1::Verdict v;
                if (google::protobuf::util::JsonStringToMessage(line, &v, strict).ok())
                    verdicts_.push_back(std::move(v));
                else
                    bad_lines_.push_back(line);
            } else {
                v1::Event e;
                if (google::protobuf::util::JsonStringToMessage(line, &e, strict).ok())
                    events_.push_back(std::move(e));
                else
                    bad_lines_.push_back(line);
            }
            changed_.notify_all();
        }
    }
    close(fd);
}

void SensorProcess::read_stderr(int fd) {
    char chunk[4096];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
        std::lock_guard<std::mutex> lock(mu_);
        stderr_.append(chunk, size_t(n));
        changed_.notify_all();
    }
    close(fd);
}

std::string SensorProcess::stop() {
    if (pid_ > 0) {
        kill(pid_, SIGTERM);
        waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }
    if (out_reader_.joinable()) out_reader_.join();
    if (err_reader_.joinable()) err_reader_.join();
    if (!ready_file_.empty()) {
        unlink(ready_file_.c_str());  // left behind when the sensor was killed
        rmdir(ready_file_.substr(0, ready_file_.rfind('/')).c_str());
        ready_file_.clear();
    }
    std::lock_guard<std::mutex> lock(mu_);
    return stderr_;
}

SensorProcess::~SensorProcess() { stop(); }

bool SensorProcess::wait_event(const std::function<bool(const v1::Event &)> &pred, v1::Event *found,
                               std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    size_t checked = 0;
    return changed_.wait_for(lock, timeout, [&] {
        for (; checked < events_.size(); checked++)
            if (pred(events_[checked])) {
                if (found) *found = events_[checked];
                return true;
            }
        return false;
    });
}

bool SensorProcess::wait_verdict(const std::function<bool(const v1::Verdict &)> &pred, v1::Verdict *found,
                                 std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    size_t checked = 0;
    return changed_.wait_for(lock, timeout, [&] {
        for (; checked < verdicts_.size(); checked++)
            if (pred(verdicts_[checked])) {
                if (found) *found = verdicts_[checked];
                return true;
            }
        return false;
    });
}

std::vector<v1::Event> SensorProcess::events() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
}

std::vector<v1::Verdict> SensorProcess::verdicts() {
    std::lock_guard<std::mutex> lock(mu_);
    return verdicts_;
}

std::vector<std::string> SensorProcess::bad_lines() {
    std::lock_guard<std::mutex> lock(mu_);
    return bad_lines_;
}

}  // namespace crowsnest::test
