// Where the host has each filesystem mounted, from the host's mount table.
// The kernel reads an opened file's superblock (device) and its path within
// that filesystem; this gives the path the host knows the file by, whatever
// mount, bind, chroot or /proc/<pid>/root led a container to it, for files
// created since too.
//
// A container's image is not the host's: layer filesystems (overlay, aufs,
// fuse-overlayfs) other than the host's own root, and the kernel's interface
// filesystems (proc, sysfs, cgroup...), whose files rules judge by name, are
// left out.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace crowsnest {

class HostMounts {
public:
    // mountinfo: the host's mount table, e.g. /proc/self/mountinfo on the
    // host, /proc/1/mountinfo in a container sharing the host's pids.
    explicit HostMounts(std::string mountinfo) : mountinfo_(std::move(mountinfo)) {}

    // Reads the table again (pods' volumes come and go). False, keeping the
    // table it had, when the file cannot be read; lines that are not well
    // formed are left out. Either is counted, and told in problems().
    bool refresh();
    // The last read's problems, each "file:line:col: why" or "file: why".
    const std::vector<std::string> &problems() const { return problems_; }
    // Problems in all reads.
    uint64_t errors() const { return errors_; }

    // Sets `out` to the host path of the file at `fs_path` in the filesystem
    // on `dev` (userspace dev_t), or "" when that is no host filesystem, or
    // the host has none of its directories holding it mounted. `out` keeps
    // its capacity: no allocation once it has grown.
    void host_path(uint64_t dev, std::string_view fs_path, std::string &out) const;
    // The table names the device, as a host filesystem or not.
    bool knows(uint64_t dev) const { return by_dev_.count(dev) != 0; }
    // Host filesystems' mounts in the table.
    size_t size() const { return mounts_; }

private:
    struct Mount {
        std::string root;         // the filesystem's directory mounted
        std::string mount_point;  // where the host has it
    };
    std::string mountinfo_;
    // by device, best first: mounts of more of the filesystem (shorter
    // root), then table order. Mounts inside a container's root are left
    // out; a device the table has that is not the host's has none.
    std::unordered_map<uint64_t, std::vector<Mount>> by_dev_;
    size_t mounts_ = 0;
    std::vector<std::string> problems_;
    uint64_t errors_ = 0;
};

}  // namespace crowsnest
