#include "enrich/cgroup_resolver.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "enrich/mountinfo.h"
#include "util/path_util.h"

namespace crowsnest {

std::string find_cgroup2_mount(std::istream &mountinfo) {
    std::string line, error;
    MountEntry m;
    size_t column = 0;
    while (std::getline(mountinfo, line))
        if (parse_mountinfo_line(line, m, column, error) && m.fs_type == "cgroup2") return m.mount_point;
    return "";
}

CgroupResolver::CgroupResolver(std::string mount_point) : mount_point_(std::move(mount_point)) {
    mount_fd_ = open(mount_point_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

CgroupResolver::~CgroupResolver() {
    if (mount_fd_ >= 0) close(mount_fd_);
}

// cgroupfs (kernfs) accepts its node id as a file handle, so a cgroup can be
// opened from its id alone: one syscall instead of a walk of the whole tree.
bool CgroupResolver::lookup_by_handle(uint64_t id, std::string &path) {
    struct {
        file_handle fh;
        uint64_t id;
    } handle{};
    handle.fh.handle_bytes = sizeof(uint64_t);
    handle.fh.handle_type = 0xfe;  // FILEID_KERNFS
    std::memcpy(handle.fh.f_handle, &id, sizeof(id));
    int fd = open_by_handle_at(mount_fd_, &handle.fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        // not permitted or not supported: fall back to walking the tree for good
        if (errno == EPERM || errno == EOPNOTSUPP || errno == EINVAL || errno == ENOSYS) handles_work_ = false;
        return false;
    }
    std::string link = read_link("/proc/self/fd/" + std::to_string(fd));
    close(fd);
    if (link.compare(0, mount_point_.size(), mount_point_) != 0) return false;
    path = link.size() == mount_point_.size() ? "/" : link.substr(mount_point_.size());
    return true;
}

// Walks the cgroup tree for the directory whose inode is `id`.
bool CgroupResolver::lookup_by_scan(uint64_t id, std::string &path) {
    namespace fs = std::filesystem;
    struct stat st{};
    if (stat(mount_point_.c_str(), &st) == 0 && st.st_ino == id) {
        path = "/";
        return true;
    }
    std::error_code ec;
    fs::recursive_directory_iterator it(mount_point_, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        if (!it->is_directory(ec) || it->is_symlink(ec)) continue;
        if (stat(it->path().c_str(), &st) == 0 && st.st_ino == id) {
            path = it->path().string().substr(mount_point_.size());
            return true;
        }
    }
    return false;
}

const CgroupEntry *CgroupResolver::resolve(uint64_t id) {
    auto hit = cache_.find(id);
    if (hit != cache_.end()) return &hit->second;

    const auto now = std::chrono::steady_clock::now();
    auto miss = misses_.find(id);
    if (miss != misses_.end() && now - miss->second < std::chrono::seconds(1)) return nullptr;

    std::string path;
    bool found = (handles_work_ && mount_fd_ >= 0 && lookup_by_handle(id, path)) ||
                 (!handles_work_ && lookup_by_scan(id, path));
    if (!found) {
        misses_[id] = now;
        return nullptr;
    }
    misses_.erase(id);
    return &remember(id, path);
}

void CgroupResolver::learn(uint64_t id, const std::string &path) {
    if (cache_.count(id)) return;
    misses_.erase(id);
    remember(id, path);
}

const CgroupEntry &CgroupResolver::remember(uint64_t id, const std::string &path) {
    const CgroupEntry &e = cache_.emplace(id, CgroupEntry{path, parse_cgroup_path(path)}).first->second;
    if (e.container.id.empty()) new_host_.push_back(id);
    return e;
}

void CgroupResolver::forget_removed(std::vector<std::string> &gone) {
    for (auto it = cache_.begin(); it != cache_.end();) {
        struct stat st{};
        std::string dir = mount_point_ + (it->second.path == "/" ? "" : it->second.path);
        if (stat(dir.c_str(), &st) != 0 || st.st_ino != it->first) {
            if (!it->second.container.id.empty()) gone.push_back(it->second.container.id);
            it = cache_.erase(it);
        } else
            ++it;
    }
    misses_.clear();
}

}  // namespace crowsnest
