// One line of /proc/<pid>/mountinfo, parsed: which filesystem (device) is
// mounted where, and which of its directories is the mount's root.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace crowsnest {

struct MountEntry {
    uint32_t id = 0, parent = 0;
    uint64_t dev = 0;         // userspace dev_t (makedev) of the superblock
    std::string root;         // the directory of the filesystem mounted, e.g. "/" or "/var/lib/x"
    std::string mount_point;  // where, from the reader's root
    std::string fs_type;      // "ext4", "overlay", "fuse.sshfs"...
    std::string source;       // "/dev/sda1", "overlay", "tmpfs"...
};

// "<id> <parent> <maj:min> <root> <mount point> <options> [optional...] -
// <fstype> <source> <super options>", with octal escapes undone. False, with
// the 1-based column and the reason, when the line is not well formed.
bool parse_mountinfo_line(std::string_view line, MountEntry &out, size_t &column, std::string &error);

// Each line of a mountinfo text: `each` for a well-formed one, `bad` (with
// its 1-based line and column, and why) for another. Empty lines are skipped.
void parse_mountinfo(std::string_view text, const std::function<void(MountEntry &)> &each,
                     const std::function<void(size_t line, size_t column, const std::string &why)> &bad);

}  // namespace crowsnest
