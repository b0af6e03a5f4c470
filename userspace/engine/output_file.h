// The output file (--output FILE): appended to, created 0600 (verdicts
// quote command lines, which can hold secrets), rotated by size
// (FILE -> FILE.1 -> ... -> FILE.keep, the oldest dropped) or opened anew
// on request (SIGUSR1, once logrotate has moved it). Both happen only
// between two writes of whole lines, so no line is split, lost or written
// twice across files.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace crowsnest {

class OutputFile {
public:
    // max_bytes 0: never rotated. nullptr with the reason in `error`.
    static std::unique_ptr<OutputFile> open(const std::string &path, uint64_t max_bytes, unsigned keep,
                                            std::string &error);
    ~OutputFile();
    OutputFile(const OutputFile &) = delete;
    OutputFile &operator=(const OutputFile &) = delete;

    int fd() const { return fd_; }
    // Before `bytes` are written: rotates if the file would pass its size.
    // False (with the reason) if the new file cannot be opened; the old one
    // is written to then.
    bool before_write(size_t bytes, std::string &error);
    // The path opened anew.
    bool reopen(std::string &error);
    uint64_t rotations() const { return rotations_; }

private:
    OutputFile(std::string path, uint64_t max_bytes, unsigned keep) : path_(std::move(path)), max_bytes_(max_bytes), keep_(keep) {}
    bool rotate(std::string &error);

    std::string path_;
    uint64_t max_bytes_;
    unsigned keep_;
    int fd_ = -1;
    uint64_t rotations_ = 0;
};

}  // namespace crowsnest
