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

    // Where the process is: its pid, its mount namespace's inode, and its
    // cgroup's directory. When the process is gone (a shell whose redirection
    // failed exits at once), another of its cgroup in the same mount
    // namespace answers for it.
    struct Process {
        uint32_t pid = 0, mnt_ns = 0;
        std::string cgroup_dir;
    };
    // The filesystem (userspace dev_t) and the path within it of `path`,
    // absolute and normalised, as the process sees it. False when no table
    // of its mount namespace can be read.
    bool locate(const Process &p, std::string_view path, uint64_t &dev, std::string &fs_path);

private:
    bool read_table(uint32_t pid);
    bool read_table_of(const Process &p);

    std::string proc_;
    std::string text_, error_;  // reused between calls
};

}  // namespace crowsnest
