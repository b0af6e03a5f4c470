#include "workload/workload_resolver.h"

#include <cstdio>

#include "util/text_escape.h"

namespace crowsnest {

WorkloadResolver::WorkloadResolver(std::vector<std::unique_ptr<RuntimeState>> runtimes, size_t max_entries)
    : runtimes_(std::move(runtimes)), max_entries_(max_entries) {}

bool WorkloadResolver::watch(std::string &error) {
    std::vector<const RuntimeState *> runtimes;
    for (const auto &r : runtimes_) runtimes.push_back(r.get());
    watcher_ = std::make_unique<StateWatcher>(std::move(runtimes));
    if (watcher_->start(error)) return true;
    watcher_.reset();
    return false;
}

const WorkloadInfo *WorkloadResolver::resolve(const ContainerInfo &container) {
    if (!is_container_id(container.id)) return nullptr;  // a host process, or an id no runtime writes
    auto it = entries_.find(container.id);
    if (it == entries_.end()) {
        if (entries_.size() >= max_entries_) entries_.erase(entries_.begin());  // bounded: any one goes
        it = entries_.emplace(container.id, Entry{}).first;
        look_up(container, it->second);
    } else if (!it->second.found && std::chrono::steady_clock::now() >= it->second.retry_at) {
        look_up(container, it->second);
    }
    return it->second.found ? &it->second.info : nullptr;
}

void WorkloadResolver::look_up(const ContainerInfo &container, Entry &entry) {
    const auto start = std::chrono::steady_clock::now();
    counters_.lookups++;
    if (watcher_ && watcher_->find(container.id, entry.info)) {
        counters_.watched++;
        entry.found = true;
    } else {
        read_state(container, entry);
    }
    const auto end = std::chrono::steady_clock::now();
    if (entry.found) {
        counters_.found++;
    } else {
        counters_.missing++;
        entry.retry_at = end + std::chrono::seconds(1);
    }
    counters_.lookup_ns += uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count());
}

// The runtime the cgroup path names first, then the others (kubelet's
// cgroupfs paths name none, and a runtime may run another's containers).
void WorkloadResolver::read_state(const ContainerInfo &container, Entry &entry) {
    std::vector<const RuntimeState *> order;
    for (const auto &r : runtimes_)
        if (r->runtime() == container.runtime) order.push_back(r.get());
    for (const auto &r : runtimes_)
        if (r->runtime() != container.runtime) order.push_back(r.get());
    std::string error;
    for (const RuntimeState *r : order) {
        WorkloadInfo info;
        const ReadStatus status = r->read(container.id, info, error);
        if (status == ReadStatus::Absent) continue;
        if (status == ReadStatus::Ok) {
            entry.info = std::move(info);
            entry.found = true;
            return;
        }
        counters_.errors++;
        if (!entry.error_logged) {  // once per container: a retry a second must not flood the log
            entry.error_logged = true;
            std::fprintf(stderr, "crowsnest: %s state of container %s: %s\n", std::string(r->runtime()).c_str(),
                         container.id.c_str(), terminal_safe(utf8_escape(error)).c_str());
        }
    }
}

void WorkloadResolver::forget(const std::string &container_id) { entries_.erase(container_id); }

}  // namespace crowsnest
