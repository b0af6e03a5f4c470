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
#include "engine/output.h"
#include "enrich/cgroup_resolver.h"
#include "enrich/host_files.h"
#include "enrich/process_table.h"
#include "event/event_context.h"
#include "rules/detection.h"

namespace crowsnest {

struct EngineCounters {
    std::array<uint64_t, kEventTypeCount> events{};  // by EventType value (index 0 unused)
    std::map<std::string, uint64_t> verdicts;       // by category
    uint64_t unresolved_cgroups = 0;                // events whose cgroup id was not found
    uint64_t truncated = 0;                         // events with a cut path or argv
};

struct EngineConfig {
    uint32_t host_pid_ns = 0;  // inode of the host's pid namespace
};

class Engine {
public:
    Engine(const Matcher &matcher, CgroupResolver &cgroups, ProcessTable &processes, HostFiles &host_files,
           Output &output, EngineConfig config);

    // One decoded event.
    void handle_event(const Event &event);
    // Periodic upkeep: re-read host file identities, forget removed
    // cgroups, keep the process table within bounds.
    void maintain();

    const EngineCounters &counters() const { return counters_; }
    // Engine thread only: later events are matched by `matcher`, which
    // must outlive its use.
    void set_matcher(const Matcher &matcher) { matcher_ = &matcher; }

private:
    void resolve_open_path(const Event &e, EventContext &ctx) const;

    const Matcher *matcher_;
    CgroupResolver &cgroups_;
    ProcessTable &processes_;
    HostFiles &host_files_;
    Output &output_;
    EngineConfig config_;
    EngineCounters counters_;
    // reused for every event so the steady state allocates little
    EventContext ctx_;
    std::vector<Detection> detections_;
    v1::Event event_msg_;
    v1::Verdict verdict_msg_;
    // what stream subscribers resume after; events are numbered only when wanted
    uint64_t verdict_sequence_ = 0, event_sequence_ = 0;
};

}  // namespace crowsnest
