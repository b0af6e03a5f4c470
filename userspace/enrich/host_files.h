// The host files that rules name (host.path values), by identity (device
// and inode), for the kernel's prefilter: an open from a container is sent
// when it reaches one of these files, or a file below one of these
// directories, whatever path led to it (a bind mount of the host root at
// any mount point, a relative path, a symlink, /proc/<pid>/root). The host
// path itself is found in userspace (HostMounts).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace crowsnest {

class HostFiles {
public:
    // host_root: the host's root directory as the sensor sees it ("/" on the
    // host, "/proc/1/root" in a container that shares the host pid namespace).
    // paths: absolute host paths; one ending in '/' stands for what is below
    // that directory, e.g. "/etc/cron.d/"; wildcards stand for what they
    // match at each refresh, e.g. "/home/*/.ssh/".
    HostFiles(std::string host_root, std::vector<std::string> paths);

    // Re-reads the identities (files are replaced, e.g. by passwd, and
    // created). Returns how many of the paths exist.
    size_t refresh();

    const std::vector<std::string> &paths() const { return paths_; }
    // The identities (device, inode) read at the last refresh: the files,
    // and the directories whose every file below is watched. A path that
    // does not exist yet is watched through its directory, when that
    // exists, so that its creation is seen.
    using Identities = std::vector<std::pair<uint64_t, uint64_t>>;
    const Identities &files() const { return files_; }
    const Identities &dirs() const { return dirs_; }
    // New paths (after a rule reload), read at once.
    void set_paths(std::vector<std::string> paths) {
        paths_ = std::move(paths);
        refresh();
    }

private:
    std::vector<std::string> expand(const std::string &pattern) const;
    void watch_dir(std::string dir);

    std::string host_root_;
    std::vector<std::string> paths_;
    Identities files_, dirs_;
};

}  // namespace crowsnest
