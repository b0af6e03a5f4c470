#include "enrich/process_mounts.h"

#include "enrich/mountinfo.h"
#include "util/path_util.h"

namespace crowsnest {

namespace {

constexpr size_t kMaxTableBytes = 4 << 20;  // a table past this is cut: its last mounts are not seen

}  // namespace

bool ProcessMounts::locate(uint32_t pid, std::string_view path, uint64_t &dev, std::string &fs_path) {
    if (path.empty() || path[0] != '/') return false;
    if (!read_whole_file(proc_ + "/" + std::to_string(pid) + "/mountinfo", text_, error_, kMaxTableBytes)) return false;
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
