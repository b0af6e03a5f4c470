// Whole lines to a file descriptor, or none: a write error (a full disk,
// /dev/full, a closed pipe) is counted and reported, never silent, and a
// regular file is cut back to its last whole line, so a reader never sees a
// partial one.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/output_file.h"

namespace crowsnest {

class LineFile {
public:
    // `fd` is written to, not owned; -1 writes nothing.
    explicit LineFile(int fd);
    // An output file, rotated by size between flushes (not owned).
    explicit LineFile(OutputFile *file);

    // Queues one line (a newline is added); written at the next flush, or
    // at once when the buffer is large.
    void add(std::string_view line);
    // Writes what is queued. False on an error: the queued lines are lost,
    // counted in lost(), and the file keeps only whole lines.
    bool flush();

    uint64_t written() const { return written_; }  // lines written
    uint64_t lost() const { return lost_; }        // lines not written
    uint64_t errors() const { return errors_; }    // failed flushes
    const std::string &last_error() const { return last_error_; }
    // What is queued is written, then the output file is opened anew
    // (SIGUSR1, after logrotate moved it). False without an output file.
    bool reopen();
    // Once `*flag` is set (by another thread, when stopping), a pipe or
    // terminal with no room is not waited for any more: what cannot be
    // written is lost, and counted.
    void give_up_when(const std::atomic<bool> *flag) { give_up_ = flag; }

private:
    OutputFile *file_ = nullptr;
    int fd_;
    bool regular_ = false;  // a regular file: cut back on a partial write
    std::string buffer_;
    uint64_t queued_ = 0, written_ = 0, lost_ = 0, errors_ = 0;
    std::string last_error_;
    const std::atomic<bool> *give_up_ = nullptr;
};


}  // namespace crowsnest
