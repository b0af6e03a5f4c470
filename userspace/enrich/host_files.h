// Protected host files, known by identity (device and inode) rather than by
// name, so an open from a container is recognised whatever path led to the
// file: a bind mount of the host root at any mount point, a relative path, a
// symlink, /proc/<pid>/root.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crowsnest {

class HostFiles {
public:
    // host_root: the host's root directory as the sensor sees it ("/" on the
    // host, "/proc/1/root" in a container that shares the host pid namespace).
    // paths: absolute host paths; one ending in '/' protects the files in that
    // directory, e.g. "/etc/cron.d/"; wildcards stand for what they match at
    // each refresh, e.g. "/home/*/.ssh/".
    HostFiles(std::string host_root, std::vector<std::string> paths);

    // Re-reads the identities (files are replaced, e.g. by passwd). Returns
    // how many of the paths exist.
    size_t refresh();

    // The protected host path of the file with this identity, or "".
    // `opened_path` names the file inside a protected directory.
    std::string match(uint64_t dev, uint64_t ino, uint64_t parent_ino, std::string_view opened_path) const;

    const std::vector<std::string> &paths() const { return paths_; }
    // The identities (device, inode) read at the last refresh: the files,
    // and the directories whose files are protected.
    using Identities = std::vector<std::pair<uint64_t, uint64_t>>;
    void identities(Identities &files, Identities &dirs) const;
    // New paths (after a rule reload), read at once.
    void set_paths(std::vector<std::string> paths) {
        paths_ = std::move(paths);
        refresh();
    }

private:
    std::vector<std::string> expand(const std::string &pattern) const;

    using Identity = std::pair<uint64_t, uint64_t>;  // dev, inode
    std::string host_root_;
    std::vector<std::string> paths_;
    std::map<Identity, std::string> files_;
    std::map<Identity, std::string> dirs_;
};

}  // namespace crowsnest
