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
        // a wildcard that matches nothing yet: the directory above it
        if (matches.empty()) watch_nearest_dir(pattern.substr(0, pattern.find_first_of("*?[")));
        for (const auto &p : matches) {
            struct stat st{};
            if (stat((host_root_ + p).c_str(), &st) != 0) {
                watch_nearest_dir(p);
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

// The nearest existing directory at or above `path` (not "/" itself: a rule
// that names a missing file is not a reason to send every open of the host).
void HostFiles::watch_nearest_dir(std::string path) {
    while (!path.empty() && path.back() == '/') path.pop_back();
    while (!path.empty()) {
        struct stat st{};
        if (stat((host_root_ + path).c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
            dirs_.push_back({uint64_t(st.st_dev), uint64_t(st.st_ino)});
            return;
        }
        const size_t cut = path.rfind('/');
        if (cut == std::string::npos) return;
        path.resize(cut);
    }
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
