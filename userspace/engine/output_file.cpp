#include "engine/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace crowsnest {
namespace {

int open_for_append(const std::string &path, std::string &error) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) error = "cannot open " + path + ": " + std::strerror(errno);
    return fd;
}

}  // namespace

std::unique_ptr<OutputFile> OutputFile::open(const std::string &path, uint64_t max_bytes, unsigned keep,
                                             std::string &error) {
    std::unique_ptr<OutputFile> f(new OutputFile(path, max_bytes, keep < 1 ? 1 : keep));
    f->fd_ = open_for_append(path, error);
    if (f->fd_ < 0) return nullptr;
    return f;
}

OutputFile::~OutputFile() {
    if (fd_ >= 0) close(fd_);
}

bool OutputFile::before_write(size_t bytes, std::string &error) {
    if (max_bytes_ == 0) return true;
    struct stat st {};
    if (fstat(fd_, &st) != 0 || st.st_size == 0 || uint64_t(st.st_size) + bytes <= max_bytes_) return true;
    return rotate(error);
}

bool OutputFile::rotate(std::string &error) {
    // the oldest goes; each moves one up; the file becomes FILE.1
    for (unsigned i = keep_; i > 1; i--) {
        const std::string from = path_ + "." + std::to_string(i - 1), to = path_ + "." + std::to_string(i);
        if (std::rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT) {
            error = "cannot rotate " + from + ": " + std::strerror(errno);
            return false;
        }
    }
    if (std::rename(path_.c_str(), (path_ + ".1").c_str()) != 0) {
        error = "cannot rotate " + path_ + ": " + std::strerror(errno);
        return false;
    }
    rotations_++;
    return reopen(error);
}

bool OutputFile::reopen(std::string &error) {
    const int fd = open_for_append(path_, error);
    if (fd < 0) return false;  // the old descriptor stays: written to rather than lost
    close(fd_);
    fd_ = fd;
    return true;
}

}  // namespace crowsnest
