// The pipeline after the decoder: enrich (container, process, paths, host
// files) -> match -> output. Single-threaded: the poll loop calls
// handle_event() for every decoded record.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "crowsnest.pb.h"
#include "engine/flood_report.h"
#include "engine/lag_histogram.h"
#include "engine/output.h"
#include "engine/verdict_aggregator.h"
#include "enrich/cgroup_resolver.h"
#include "enrich/host_mounts.h"
#include "enrich/process_mounts.h"
#include "enrich/pipe_join.h"
#include "enrich/process_table.h"
#include "event/event_context.h"
#include "profile/profiler.h"
#include "workload/workload_resolver.h"
#include "rules/detection.h"

namespace crowsnest {

struct EngineCounters {
    std::array<uint64_t, kEventTypeCount> events{};  // by EventType value (index 0 unused)
    std::map<std::string, uint64_t> verdicts;       // by category
    std::map<std::pair<std::string, std::string>, uint64_t> verdicts_by_rule;  // by (rule, category)
    LagHistogram lag;                               // event time to match time
    uint64_t unresolved_cgroups = 0;                // events whose cgroup id was not found
    uint64_t truncated = 0;                         // events with a cut path or argv
    uint64_t aggregated = 0;                        // verdicts counted into a summary, not sent one by one
    // sizes now, not counts: what the engine holds (bounded, and watched by scripts/soak.sh)
    uint64_t processes = 0, cgroups = 0, aggregation_groups = 0, workloads = 0, pipe_ends = 0;
    uint64_t pipe_evictions = 0;                    // pipe join entries dropped at its capacity
    uint64_t host_mounts = 0;                       // size now: host filesystems' mounts known
    uint64_t host_mount_errors = 0;                 // the host's mount table: failed reads and bad lines
    WorkloadCounters workload;                      // runtime state lookups
    ProfileCounters profiles;                       // learned profiles (zero when they are off)
};

// Where verdict numbers are kept safe across restarts (the verdict journal):
// the engine asks before it uses a number past what was reserved.
class SequenceGuard {
public:
    virtual ~SequenceGuard() = default;
    // Makes `sequence` safe to use; returns the last number reserved now.
    virtual uint64_t reserve(uint64_t sequence) = 0;
};

struct EngineConfig {
    uint32_t host_pid_ns = 0;                        // inode of the host's pid namespace
    std::string node_name;                           // in every verdict and event
    uint64_t verdict_window_ns = 10'000'000'000ull;  // identical verdicts within it are aggregated (0: never)
    uint64_t flood_window_ns = 10'000'000'000ull;    // a flooding cgroup is reported once per window
    uint64_t last_verdict_sequence = 0;              // numbering goes on after it (a journal's last run)
    SequenceGuard *sequences = nullptr;              // none: numbers are not kept across restarts
    Profiler *profiler = nullptr;                    // learned profiles (--profiles); none: off
};

class Engine {
public:
    Engine(const Matcher &matcher, CgroupResolver &cgroups, WorkloadResolver &workloads, ProcessTable &processes,
           HostMounts &host_mounts, Output &output, EngineConfig config);

    // Before the events of one read of the ring buffer: the boot-time
    // clock now. Lag is measured against it, read again every kClockEvery
    // events (a clock read costs about as much as matching an event).
    void start_batch(uint64_t boot_ns) {
        now_boot_ns_ = boot_ns;
        since_clock_ = 0;
    }
    // One decoded event.
    void handle_event(const Event &event);
    // Periodic upkeep: re-read host file identities, forget removed
    // cgroups and their containers, keep the process table within bounds.
    void maintain();
    // Every loop turn: sends the summaries of aggregation windows and the
    // flood reports that are due (clocks: boot time, and wall time now).
    void tick(uint64_t boot_ns, uint64_t wall_ns);

    uint64_t last_verdict_sequence() const { return verdict_sequence_; }

    EngineCounters counters() const {
        EngineCounters c = counters_;
        c.aggregated = aggregator_.counted();
        c.processes = processes_.size();
        c.pipe_ends = pipes_.size();
        c.host_mounts = host_mounts_.size();
        c.host_mount_errors = host_mounts_.errors();
        c.pipe_evictions = pipes_.evictions();
        c.cgroups = cgroups_.cached();
        c.aggregation_groups = aggregator_.groups();
        c.workloads = workloads_.cached();
        c.workload = workloads_.counters();
        if (config_.profiler) c.profiles = config_.profiler->counters();
        return c;
    }
    // Engine thread only: later events are matched by `matcher`, which
    // must outlive its use.
    void set_matcher(const Matcher &matcher) { matcher_ = &matcher; }

private:
    const Event &complete_argv(const Event &e);
    void resolve_open_path(const Event &e, EventContext &ctx) const;
    void host_path_of(const Event &e, EventContext &ctx);
    void publish(v1::Verdict &v);
    void observe_profile(EventContext &ctx);
    void handle_flood(const Event &e);
    void publish_flood(const FloodReport::Due &due, uint64_t wall_ns);

    const Matcher *matcher_;
    CgroupResolver &cgroups_;
    WorkloadResolver &workloads_;
    ProcessTable &processes_;
    PipeJoin pipes_;  // who writes and reads the pipes of processes' stdin and stdout
    HostMounts &host_mounts_;
    uint64_t next_mounts_read_ns_ = 0;  // a device the host's mount table lacks has it read again, once a second
    ProcessMounts process_mounts_;      // where a refused open's path lies
    std::string refused_fs_path_;       // reused
    Output &output_;
    EngineConfig config_;
    EngineCounters counters_;
    VerdictAggregator aggregator_;
    FloodReport floods_;
    std::vector<v1::Verdict> summaries_;
    std::vector<FloodReport::Due> flood_due_;
    std::vector<std::string> gone_containers_;
    Event full_exec_;  // an exec whose arguments were completed from /proc
    // reused for every event so the steady state allocates little
    EventContext ctx_;
    std::vector<Detection> detections_;
    std::vector<Novelty> novelties_;
    Detection anomaly_;
    v1::Event event_msg_;
    v1::Verdict verdict_msg_;
    // what stream subscribers resume after; events are numbered only when wanted
    uint64_t verdict_sequence_ = 0, event_sequence_ = 0;
    uint64_t reserved_sequence_ = 0;  // what config_.sequences has made safe
    static constexpr unsigned kClockEvery = 64;
    uint64_t now_boot_ns_ = 0;  // for the lag histogram
    unsigned since_clock_ = 0;
};

}  // namespace crowsnest
