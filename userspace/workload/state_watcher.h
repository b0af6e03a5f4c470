// Follows the runtimes' state directories with inotify, on a thread of its
// own, and reads each container's record as soon as the runtime writes it.
// A container that lives a few milliseconds (a CronJob's, an attacker's
// `docker run --rm`) may be removed, state and all, before the engine
// reaches its first event: its record is still here then. Records stay for
// kKeepRemoved after their container's directory goes, for events still in
// flight.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "workload/runtime_state.h"

namespace crowsnest {

class StateWatcher {
public:
    static constexpr std::chrono::seconds kKeepRemoved{300};
    static constexpr size_t kMaxRecords = 16384;

    // `runtimes` outlive the watcher.
    explicit StateWatcher(std::vector<const RuntimeState *> runtimes);
    ~StateWatcher();
    StateWatcher(const StateWatcher &) = delete;
    StateWatcher &operator=(const StateWatcher &) = delete;

    // Reads what exists now and starts following changes. False with the
    // reason when inotify is unavailable (the engine then reads at first
    // sight alone).
    bool start(std::string &error);

    // The record of container `id`, if its runtime wrote one.
    bool find(const std::string &id, WorkloadInfo &out) const;
    size_t records() const;
    uint64_t reads() const { return reads_.load(std::memory_order_relaxed); }

private:
    struct Watch {
        const RuntimeState *runtime;
        std::string dir;
        int depth;  // below the runtime's containers_root()
    };
    void run();
    void watch_tree(const RuntimeState *runtime, const std::string &dir, int depth);
    void on_change(const Watch &w, const std::string &name, bool is_dir, bool removed);
    void read_record(const RuntimeState *runtime, const std::string &id);
    void add_missing_roots();
    void prune();

    std::vector<const RuntimeState *> runtimes_;
    int inotify_fd_ = -1, stop_fd_ = -1;
    std::thread thread_;
    std::unordered_map<int, Watch> watches_;  // watcher thread only
    std::vector<bool> root_watched_;

    struct Record {
        WorkloadInfo info;
        std::chrono::steady_clock::time_point removed_at{};  // zero: its directory still exists
    };
    mutable std::mutex mu_;
    std::unordered_map<std::string, Record> records_;
    std::atomic<uint64_t> reads_{0};
};

}  // namespace crowsnest
