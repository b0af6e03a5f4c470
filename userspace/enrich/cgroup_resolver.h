// Maps a cgroup v2 id (the inode number of the cgroup's directory, as
// bpf_get_current_cgroup_id() returns it) to its path and container.
#pragma once

#include <chrono>
#include <cstdint>
#include <istream>
#include <string>
#include <unordered_map>
#include <vector>

#include "enrich/cgroup_path.h"

namespace crowsnest {

// The mount point of the cgroup2 filesystem in a /proc/<pid>/mountinfo
// listing, or "" when there is none.
std::string find_cgroup2_mount(std::istream &mountinfo);

class CgroupResolver {
public:
    // mount_point: where cgroup2 is mounted (see find_cgroup2_mount).
    explicit CgroupResolver(std::string mount_point);
    ~CgroupResolver();
    CgroupResolver(const CgroupResolver &) = delete;
    CgroupResolver &operator=(const CgroupResolver &) = delete;

    // The cgroup with this id, or nullptr when it cannot be found (it may
    // already be gone). Cached; a miss looks the id up in the kernel, and an
    // id that stays unknown is retried at most once a second.
    const CgroupEntry *resolve(uint64_t id);

    // The path of cgroup `id`, as the kernel side read it at the cgroup's
    // first exec: known from then on, even if the cgroup is removed before
    // a lookup could find it.
    void learn(uint64_t id, const std::string &path);

    // Drops cached cgroups whose directory no longer exists, and appends
    // the ids of the containers they stood for to `gone`.
    void forget_removed(std::vector<std::string> &gone);

    // The cgroups resolved as the host's (no container) since the last
    // call: the kernel's prefilter is told of them.
    std::vector<uint64_t> take_new_host_cgroups() { return std::move(new_host_); }

    const std::string &mount_point() const { return mount_point_; }
    size_t cached() const { return cache_.size(); }

private:
    const CgroupEntry &remember(uint64_t id, const std::string &path);
    bool lookup_by_handle(uint64_t id, std::string &path);
    bool lookup_by_scan(uint64_t id, std::string &path);

    std::string mount_point_;
    int mount_fd_ = -1;
    bool handles_work_ = true;
    std::unordered_map<uint64_t, CgroupEntry> cache_;
    std::vector<uint64_t> new_host_;
    std::unordered_map<uint64_t, std::chrono::steady_clock::time_point> misses_;
};

}  // namespace crowsnest
