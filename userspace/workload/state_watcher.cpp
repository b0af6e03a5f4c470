#include "workload/state_watcher.h"

#include <dirent.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace crowsnest {
namespace {

constexpr uint32_t kMask = IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE;

// The container id that `path` (below a runtime's root) belongs to: its
// first 64-hex component.
std::string container_of(const std::string &path) {
    size_t start = 0;
    while (start < path.size()) {
        size_t end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        const std::string_view part(path.data() + start, end - start);
        if (is_container_id(part)) return std::string(part);
        start = end + 1;
    }
    return {};
}

}  // namespace

StateWatcher::StateWatcher(std::vector<const RuntimeState *> runtimes)
    : runtimes_(std::move(runtimes)), root_watched_(runtimes_.size(), false) {}

StateWatcher::~StateWatcher() {
    if (thread_.joinable()) {
        const uint64_t one = 1;
        if (write(stop_fd_, &one, sizeof(one)) < 0) { /* the thread also wakes once a second */ }
        thread_.join();
    }
    if (inotify_fd_ >= 0) close(inotify_fd_);
    if (stop_fd_ >= 0) close(stop_fd_);
}

bool StateWatcher::start(std::string &error) {
    inotify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    stop_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (inotify_fd_ < 0 || stop_fd_ < 0) {
        error = std::string("inotify: ") + std::strerror(errno);
        return false;
    }
    add_missing_roots();  // and reads what is there already
    thread_ = std::thread([this] { run(); });
    return true;
}

// A runtime installed or started after the sensor: its root appears later.
void StateWatcher::add_missing_roots() {
    for (size_t i = 0; i < runtimes_.size(); i++) {
        if (root_watched_[i]) continue;
        const size_t before = watches_.size();
        watch_tree(runtimes_[i], runtimes_[i]->containers_root(), 0);
        root_watched_[i] = watches_.size() > before;
    }
}

// Watches `dir` and the directories below it down to the runtime's depth, reading
// the record of every container found on the way.
void StateWatcher::watch_tree(const RuntimeState *runtime, const std::string &dir, int depth) {
    const int wd = inotify_add_watch(inotify_fd_, dir.c_str(), kMask | IN_ONLYDIR);
    if (wd < 0) return;  // gone already, or not there yet
    watches_[wd] = Watch{runtime, dir, depth};
    // what was made before the watch: read now, or it would never be seen
    std::unique_ptr<DIR, int (*)(DIR *)> d(opendir(dir.c_str()), closedir);
    if (!d) return;
    std::vector<std::string> subdirs;
    bool has_files = false;
    while (const dirent *e = readdir(d.get())) {
        if (e->d_name[0] == '.') continue;
        if (e->d_type == DT_DIR) subdirs.push_back(e->d_name);
        else has_files = true;
    }
    const std::string root = runtime->containers_root();
    if (has_files) {
        const std::string id = container_of(dir.substr(root.size()));
        if (!id.empty()) read_record(runtime, id);
    }
    if (depth < runtime->watch_depth())
        for (const auto &s : subdirs) watch_tree(runtime, dir + "/" + s, depth + 1);
}

void StateWatcher::on_change(const Watch &w, const std::string &name, bool is_dir, bool removed) {
    const std::string path = w.dir + "/" + name;
    const std::string id = container_of(path.substr(w.runtime->containers_root().size()));
    if (removed) {
        // the container's own directory: its record is kept a while for events in flight
        if (is_dir && is_container_id(name)) {
            const std::lock_guard<std::mutex> lock(mu_);
            if (auto it = records_.find(name); it != records_.end())
                it->second.removed_at = std::chrono::steady_clock::now();
        }
        return;
    }
    if (is_dir) {
        if (w.depth < w.runtime->watch_depth()) watch_tree(w.runtime, path, w.depth + 1);
        return;
    }
    if (!id.empty()) read_record(w.runtime, id);
}

void StateWatcher::read_record(const RuntimeState *runtime, const std::string &id) {
    WorkloadInfo info;
    std::string error;  // a file caught mid-write is read again at its next change
    reads_.fetch_add(1, std::memory_order_relaxed);
    if (runtime->read(id, info, error) != ReadStatus::Ok) return;
    const std::lock_guard<std::mutex> lock(mu_);
    if (records_.size() >= kMaxRecords && !records_.count(id)) {
        prune();
        if (records_.size() >= kMaxRecords) records_.erase(records_.begin());  // bounded: any one goes
    }
    records_[id] = Record{std::move(info), {}};
}

// Drops records whose container went more than kKeepRemoved ago (mu_ held).
void StateWatcher::prune() {
    const auto now = std::chrono::steady_clock::now();
    for (auto it = records_.begin(); it != records_.end();) {
        const auto gone = it->second.removed_at;
        if (gone != std::chrono::steady_clock::time_point{} && now - gone > kKeepRemoved)
            it = records_.erase(it);
        else
            ++it;
    }
}

void StateWatcher::run() {
    alignas(inotify_event) char buf[64 * 1024];
    auto last_upkeep = std::chrono::steady_clock::now();
    for (;;) {
        pollfd fds[2] = {{inotify_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
        const int n = poll(fds, 2, 1000);
        if (n < 0 && errno != EINTR) return;
        if (fds[1].revents) return;
        if (fds[0].revents & POLLIN) {
            ssize_t len;
            while ((len = read(inotify_fd_, buf, sizeof(buf))) > 0) {
                for (char *p = buf; p < buf + len;) {
                    const auto *ev = reinterpret_cast<const inotify_event *>(p);
                    p += sizeof(inotify_event) + ev->len;
                    if (ev->mask & IN_IGNORED) {  // its directory went: a root is looked for again
                        if (const auto w = watches_.find(ev->wd); w != watches_.end() && w->second.depth == 0)
                            for (size_t i = 0; i < runtimes_.size(); i++)
                                if (runtimes_[i] == w->second.runtime) root_watched_[i] = false;
                        watches_.erase(ev->wd);
                        continue;
                    }
                    const auto w = watches_.find(ev->wd);
                    if (w == watches_.end() || ev->len == 0) continue;
                    const Watch watch = w->second;  // on_change may add watches
                    on_change(watch, ev->name, ev->mask & IN_ISDIR, ev->mask & IN_DELETE);
                }
            }
        }
        if (std::chrono::steady_clock::now() - last_upkeep > std::chrono::seconds(5)) {
            last_upkeep = std::chrono::steady_clock::now();
            add_missing_roots();
            const std::lock_guard<std::mutex> lock(mu_);
            prune();
        }
    }
}

bool StateWatcher::find(const std::string &id, WorkloadInfo &out) const {
    const std::lock_guard<std::mutex> lock(mu_);
    const auto it = records_.find(id);
    if (it == records_.end()) return false;
    out = it->second.info;
    return true;
}

size_t StateWatcher::records() const {
    const std::lock_guard<std::mutex> lock(mu_);
    return records_.size();
}

}  // namespace crowsnest
