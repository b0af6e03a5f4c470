// Where a path lies in a process's filesystems, through its own mount table
// (/proc/<pid>/mountinfo): for an open that was refused, which reached no
// file whose filesystem the kernel could read. Lexical: links in the path
// are not followed, so only the mounts it names count.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace crowsnest {

class ProcessMounts {
public:
    explicit ProcessMounts(std::string proc = "/proc") : proc_(std::move(proc)) {}

    // The filesystem (userspace dev_t) and the path within it of `path`,
    // absolute and normalised, as process `pid` sees it. False when the
    // process is gone or its table cannot be read.
    bool locate(uint32_t pid, std::string_view path, uint64_t &dev, std::string &fs_path);

private:
    std::string proc_;
    std::string text_, error_;  // reused between calls
};

}  // namespace crowsnest
