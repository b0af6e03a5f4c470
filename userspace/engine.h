// The pipeline after the ring buffer: decode -> enrich (container, process,
// paths, host files) -> match -> output. Single-threaded: the poll loop calls
// handle() for every record.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cgroup_resolver.h"
#include "crowsnest.pb.h"
#include "decoder.h"
#include "detection.h"
#include "event_context.h"
#include "host_files.h"
#include "process_table.h"

namespace crowsnest {

// Where events and verdicts go (JSON lines now, gRPC subscribers later).
class Output {
public:
    virtual ~Output() = default;
    virtual bool wants_events() const = 0;
    virtual void on_event(const v1::Event &event) = 0;
    virtual void on_verdict(const v1::Verdict &verdict) = 0;
};

struct Counters {
    std::array<uint64_t, 5> events{};                  // by EventType value (index 0 unused)
    std::map<std::string, uint64_t> malformed;         // records skipped, by reason
    std::map<std::string, uint64_t> verdicts;          // by category
    uint64_t unresolved_cgroups = 0;                   // events whose cgroup id was not found
    uint64_t truncated = 0;                            // events with a cut path or argv
    uint64_t threshold_evictions = 0;                  // threshold groups dropped while counting (set by main)
};

struct EngineConfig {
    int64_t boot_to_wall_ns = 0;
    uint32_t host_pid_ns = 0;  // inode of the host's pid namespace
};

class Engine {
public:
    Engine(const Matcher &matcher, CgroupResolver &cgroups, ProcessTable &processes, HostFiles &host_files,
           Output &output, EngineConfig config);

    // One ring-buffer record. Malformed records are counted and skipped.
    void handle(const void *data, size_t len);
    // One decoded event (also the entry point for tests).
    void handle_event(const Event &event);
    // Periodic upkeep: follow the wall clock, re-read host file identities,
    // forget removed cgroups, keep the process table within bounds.
    void maintain();

    const Counters &counters() const { return counters_; }
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
    Decoder decoder_;
    Counters counters_;
    // reused for every record so the steady state allocates little
    Event event_;
    EventContext ctx_;
    std::vector<Detection> detections_;
    v1::Event event_msg_;
    v1::Verdict verdict_msg_;
    // what stream subscribers resume after; events are numbered only when wanted
    uint64_t verdict_sequence_ = 0, event_sequence_ = 0;
};

// Prints events and verdicts as JSON lines to a stdio stream (nullptr:
// prints nothing, for a sensor that only serves gRPC).
class JsonLinesOutput final : public Output {
public:
    JsonLinesOutput(FILE *out, bool print_events) : out_(out), print_events_(print_events && out) {}
    bool wants_events() const override { return print_events_; }
    void on_event(const v1::Event &event) override;
    void on_verdict(const v1::Verdict &verdict) override;
    void flush();

private:
    FILE *out_;
    bool print_events_;
};

}  // namespace crowsnest
