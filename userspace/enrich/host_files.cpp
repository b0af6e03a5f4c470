#include "enrich/host_files.h"

#include <glob.h>
#include <sys/stat.h>

#include "util/path_util.h"

namespace crowsnest {

HostFiles::HostFiles(std::string host_root, std::vector<std::string> paths)
    : host_root_(host_root == "/" ? "" : std::move(host_root)), paths_(std::move(paths)) {
    refresh();
}

size_t HostFiles::refresh() {
    files_.clear();
    dirs_.clear();
    size_t found = 0;
    for (const auto &pattern : paths_)
        for (const auto &p : expand(pattern)) {
            struct stat st{};
            if (stat((host_root_ + p).c_str(), &st) != 0) continue;
            found++;
            const Identity id{uint64_t(st.st_dev), uint64_t(st.st_ino)};
            if (!p.empty() && p.back() == '/')
                dirs_[id] = p.substr(0, p.size() - 1);
            else
                files_[id] = p;
        }
    return found;
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

void HostFiles::identities(Identities &files, Identities &dirs) const {
    files.clear();
    dirs.clear();
    for (const auto &f : files_) files.push_back(f.first);
    for (const auto &d : dirs_) dirs.push_back(d.first);
}

std::string HostFiles::match(uint64_t dev, uint64_t ino, uint64_t parent_ino, std::string_view opened_path) const {
    auto f = files_.find({dev, ino});
    if (f != files_.end()) return f->second;
    auto d = dirs_.find({dev, parent_ino});
    if (d != dirs_.end()) return d->second + "/" + std::string(base_name(opened_path));
    return "";
}

}  // namespace crowsnest
