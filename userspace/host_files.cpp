#include "host_files.h"

#include <sys/stat.h>

#include "path_util.h"

namespace crowsnest {

HostFiles::HostFiles(std::string host_root, std::vector<std::string> paths)
    : host_root_(host_root == "/" ? "" : std::move(host_root)), paths_(std::move(paths)) {
    refresh();
}

size_t HostFiles::refresh() {
    files_.clear();
    dirs_.clear();
    size_t found = 0;
    for (const auto &p : paths_) {
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

std::string HostFiles::match(uint64_t dev, uint64_t ino, uint64_t parent_ino, std::string_view opened_path) const {
    auto f = files_.find({dev, ino});
    if (f != files_.end()) return f->second;
    auto d = dirs_.find({dev, parent_ino});
    if (d != dirs_.end()) return d->second + "/" + std::string(base_name(opened_path));
    return "";
}

}  // namespace crowsnest
