#include "enrich/host_mounts.h"

#include <algorithm>
#include <set>

#include "enrich/mountinfo.h"
#include "util/path_util.h"

namespace crowsnest {

namespace {

// Filesystems that hold containers' images: a file on one is the
// container's own, unless it is the host's root.
bool is_layer_fs(const std::string &type) {
    return type == "overlay" || type == "aufs" || type == "fuse.fuse-overlayfs";
}

// The kernel's interface filesystems: a container's /proc or /sys shows the
// same names as the host's, and rules judge them by those names.
bool is_interface_fs(const std::string &type) {
    static const std::set<std::string> types = {
        "proc",   "sysfs",       "cgroup",  "cgroup2",   "devpts",     "mqueue", "debugfs",
        "tracefs", "securityfs", "bpf",     "pstore",    "configfs",   "fusectl", "binfmt_misc",
        "autofs", "hugetlbfs",   "nsfs",    "efivarfs",  "rpc_pipefs", "selinuxfs"};
    return types.count(type) != 0;
}

}  // namespace

bool HostMounts::refresh() {
    std::string text, error;
    problems_.clear();
    if (!read_whole_file(mountinfo_, text, error)) {
        problems_.push_back(mountinfo_ + ": " + error);
        errors_++;
        return false;
    }
    std::vector<MountEntry> found;
    std::vector<std::string> layer_roots;  // where containers' images are mounted
    parse_mountinfo(
        text,
        [&](MountEntry &m) {
            if (is_layer_fs(m.fs_type) && m.mount_point != "/") layer_roots.push_back(m.mount_point);
            found.push_back(std::move(m));
        },
        [&](size_t line, size_t column, const std::string &why) {
            problems_.push_back(mountinfo_ + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + why);
            errors_++;
        });
    auto in_container = [&](const std::string &mount_point) {
        return std::any_of(layer_roots.begin(), layer_roots.end(),
                           [&](const std::string &r) { return path_holds(r, mount_point); });
    };
    by_dev_.clear();
    mounts_ = 0;
    for (auto &m : found) {
        auto &mounts = by_dev_[m.dev];
        const bool host_fs = m.mount_point == "/" || (!is_layer_fs(m.fs_type) && !is_interface_fs(m.fs_type));
        if (!host_fs || in_container(m.mount_point)) continue;
        mounts.push_back({std::move(m.root), std::move(m.mount_point)});
        mounts_++;
    }
    // table order is kept among equal roots
    for (auto &[dev, mounts] : by_dev_)
        std::stable_sort(mounts.begin(), mounts.end(),
                         [](const Mount &a, const Mount &b) { return a.root.size() < b.root.size(); });
    return true;
}

void HostMounts::host_path(uint64_t dev, std::string_view fs_path, std::string &out) const {
    out.clear();
    auto it = by_dev_.find(dev);
    if (it == by_dev_.end()) return;
    for (const Mount &m : it->second) {
        if (!path_holds(m.root, fs_path)) continue;
        const std::string_view rest = m.root == "/" ? fs_path : fs_path.substr(m.root.size());
        if (m.mount_point != "/") out = m.mount_point;
        if (!rest.empty() && rest != "/") out.append(rest);
        else if (out.empty()) out = "/";
        return;
    }
}

}  // namespace crowsnest
