#include "enrich/host_files.h"

#include <glob.h>
#include <sys/stat.h>

#include <algorithm>

namespace crowsnest {

HostFiles::HostFiles(std::string host_root, std::vector<std::string> paths)
    : host_root_(host_root == "/" ? "" : std::move(host_root)), paths_(std::move(paths)) {
    refresh();
}

size_t HostFiles::refresh() {
    files_.clear();
    dirs_.clear();
    size_t found = 0;
    for (const auto &pattern : paths_) {
        const auto matches = expand(pattern);
        // A path missing yet is watched through its directory, so that its
        // creation is seen; a wildcard that matches nothing yet, through the
        // directory its component is in. Only that one: watching /var for a
        // missing /var/lib/kubelet/pki/ would send every open below /var.
        if (matches.empty()) {
            const std::string before = pattern.substr(0, pattern.find_first_of("*?["));
            watch_dir(before.substr(0, before.rfind('/') + 1));
        }
        for (const auto &p : matches) {
            struct stat st{};
            if (stat((host_root_ + p).c_str(), &st) != 0) {
                const size_t end = p.find_last_not_of('/');
                watch_dir(p.substr(0, end == std::string::npos ? 0 : p.rfind('/', end) + 1));
                continue;
            }
            found++;
            const std::pair<uint64_t, uint64_t> id{uint64_t(st.st_dev), uint64_t(st.st_ino)};
            if (S_ISDIR(st.st_mode)) dirs_.push_back(id);
            else files_.push_back(id);
        }
    }
    for (auto *ids : {&files_, &dirs_}) {
        std::sort(ids->begin(), ids->end());
        ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
    }
    return found;
}

// Watches `dir` when it is an existing directory other than the root.
void HostFiles::watch_dir(std::string dir) {
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    struct stat st{};
    if (dir.size() > 1 && stat((host_root_ + dir).c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        dirs_.push_back({uint64_t(st.st_dev), uint64_t(st.st_ino)});
}

// A path with wildcards ("/home/*/.ssh/") stands for the host paths it
// matches now; a trailing '/' is kept.
std::vector<std::string> HostFiles::expand(const std::string &pattern) const {
    if (pattern.find_first_of("*?[") == std::string::npos) return {pattern};
    std::vector<std::string> out;
    glob_t g{};
    if (glob((host_root_ + pattern).c_str(), GLOB_NOSORT, nullptr, &g) == 0)
        for (size_t i = 0; i < g.gl_pathc; i++) out.push_back(std::string(g.gl_pathv[i]).substr(host_root_.size()));
    globfree(&g);
    return out;
}

}  // namespace crowsnest
