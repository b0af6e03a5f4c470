#include "enrich/process_mounts.h"

#include <sys/stat.h>

#include <algorithm>

#include "enrich/mountinfo.h"
#include "util/path_util.h"

namespace crowsnest {

namespace {

constexpr size_t kMaxTableBytes = 4 << 20;  // a table past this is cut: its last mounts are not seen
constexpr size_t kMaxProcsBytes = 64 << 10;  // the first processes of a cgroup are enough
constexpr size_t kMaxOthersTried = 16;       // processes of the cgroup looked at for one that lives

}  // namespace

bool ProcessMounts::read_table(uint32_t pid) {
    return read_whole_file(proc_ + "/" + std::to_string(pid) + "/mountinfo", text_, error_, kMaxTableBytes);
}

bool ProcessMounts::read_table_of(const Process &p) {
    if (read_table(p.pid)) return true;
    std::string procs;
    if (p.cgroup_dir.empty() || !read_whole_file(p.cgroup_dir + "/cgroup.procs", procs, error_, kMaxProcsBytes))
        return false;
    size_t tried = 0;
    for (size_t start = 0; start < procs.size() && tried < kMaxOthersTried;) {
        const size_t end = std::min(procs.find('\n', start), procs.size());
        const std::string pid = procs.substr(start, end - start);
        start = end + 1;
        struct stat st{};
        if (pid.empty() || stat((proc_ + "/" + pid + "/ns/mnt").c_str(), &st) != 0) continue;
        tried++;
        if (st.st_ino == p.mnt_ns && read_table(uint32_t(std::stoul(pid)))) return true;
    }
    return false;
}

bool ProcessMounts::locate(const Process &p, std::string_view path, uint64_t &dev, std::string &fs_path) {
    if (path.empty() || path[0] != '/' || !read_table_of(p)) return false;
    // the mount that holds the path: the deepest mount point, and of mounts
    // on the same point the last, which hides the others
    MountEntry best;
    bool found = false;
    parse_mountinfo(
        text_,
        [&](MountEntry &m) {
            if (path_holds(m.mount_point, path) && (!found || m.mount_point.size() >= best.mount_point.size())) {
                best = std::move(m);
                found = true;
            }
        },
        [](size_t, size_t, const std::string &) {});  // a line that is not well formed names no mount
    if (!found) return false;
    const std::string_view rest = best.mount_point == "/" ? path : path.substr(best.mount_point.size());
    dev = best.dev;
    fs_path = best.root == "/" ? std::string(rest.empty() ? "/" : rest) : best.root + std::string(rest == "/" ? "" : rest);
    return true;
}

}  // namespace crowsnest
