#include "engine/line_file.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace crowsnest {

namespace {

constexpr size_t kFlushAt = 256 * 1024;

}  // namespace

LineFile::LineFile(int fd) : fd_(fd) {
    struct stat st {};
    regular_ = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

LineFile::LineFile(OutputFile *file) : LineFile(file->fd()) { file_ = file; }

void LineFile::add(std::string_view line) {
    if (fd_ < 0) return;
    buffer_.append(line);
    buffer_.push_back('\n');
    queued_++;
    if (buffer_.size() >= kFlushAt) flush();
}

bool LineFile::flush() {
    if (buffer_.empty()) return true;
    if (file_) {  // rotated between whole flushes: no line is split across files
        std::string error;
        if (!file_->before_write(buffer_.size(), error)) {
            last_error_ = error;  // written to the old file: kept, not lost
            errors_++;
        }
        fd_ = file_->fd();
    }
    // where the last whole line ends, to cut a partial write back to
    const off_t before = regular_ ? lseek(fd_, 0, SEEK_END) : -1;
    size_t done = 0;
    while (done < buffer_.size()) {
        size_t chunk = buffer_.size() - done;
        if (!regular_) {
            // a pipe, FIFO or terminal: its room is waited for in steps, so a
            // reader that never reads cannot hold a stopping sensor for ever
            pollfd room{fd_, POLLOUT, 0};
            const bool give_up = give_up_ && *give_up_;
            const int ready = poll(&room, 1, give_up ? 0 : 200);
            if (ready < 0 && errno == EINTR) continue;
            if (ready == 0) {
                if (!give_up) continue;
                last_error_ = "the reader does not read: given up when stopping";
                errors_++;
                lost_ += queued_;
                buffer_.clear();
                queued_ = 0;
                return false;
            }
            chunk = std::min<size_t>(chunk, PIPE_BUF);  // what POLLOUT promises fits without blocking
        }
        const ssize_t n = write(fd_, buffer_.data() + done, chunk);
        if (n > 0) {
            done += size_t(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        last_error_ = n < 0 ? std::strerror(errno) : "short write";
        errors_++;
        lost_ += queued_;
        if (before >= 0 && done > 0 && ftruncate(fd_, before) != 0) last_error_ += " (and could not cut the partial line)";
        buffer_.clear();
        queued_ = 0;
        return false;
    }
    written_ += queued_;
    buffer_.clear();
    queued_ = 0;
    return true;
}

bool LineFile::reopen() {
    if (!file_) return false;
    flush();
    std::string error;
    if (!file_->reopen(error)) {
        last_error_ = error;
        errors_++;
        return false;
    }
    fd_ = file_->fd();
    return true;
}

}  // namespace crowsnest
