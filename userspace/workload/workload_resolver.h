// Container id -> what its runtime recorded (WorkloadInfo), cached. Runtimes
// write their state before a container's first process starts, and a
// StateWatcher (when started) reads it then, off the engine thread; at the
// first event of a container the engine takes that record, or reads the
// state itself (a few opens of small files under --host-root, see
// workload.lookup_us). A miss is retried at most once a second, as a
// runtime may write its state a moment after the cgroup appears.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "event/container_info.h"
#include "workload/runtime_state.h"
#include "workload/state_watcher.h"

namespace crowsnest {

struct WorkloadCounters {
    uint64_t lookups = 0;    // containers looked up in the runtimes' state (first sight and retries)
    uint64_t watched = 0;    // lookups answered by the records StateWatcher read ahead
    uint64_t found = 0;      // lookups that found the container
    uint64_t missing = 0;    // lookups that found no record (retried)
    uint64_t errors = 0;     // state files that could not be read or parsed
    uint64_t lookup_ns = 0;  // time spent looking up, in all
};

class WorkloadResolver {
public:
    explicit WorkloadResolver(std::vector<std::unique_ptr<RuntimeState>> runtimes, size_t max_entries = 16384);
    // Follows the runtimes' state as it is written (see StateWatcher).
    // False with the reason when it cannot: lookups then read at first sight.
    bool watch(std::string &error);

    // What the runtimes recorded about `container`, or nullptr: a host
    // process, or no runtime knows the container (yet).
    const WorkloadInfo *resolve(const ContainerInfo &container);
    // The container is gone: its record is dropped.
    void forget(const std::string &container_id);

    size_t cached() const { return entries_.size(); }
    const WorkloadCounters &counters() const { return counters_; }

private:
    struct Entry {
        bool found = false;
        bool error_logged = false;
        std::chrono::steady_clock::time_point retry_at{};
        WorkloadInfo info;
    };
    void look_up(const ContainerInfo &container, Entry &entry);
    void read_state(const ContainerInfo &container, Entry &entry);

    std::vector<std::unique_ptr<RuntimeState>> runtimes_;
    std::unique_ptr<StateWatcher> watcher_;
    size_t max_entries_;
    std::unordered_map<std::string, Entry> entries_;
    WorkloadCounters counters_;
};

}  // namespace crowsnest
