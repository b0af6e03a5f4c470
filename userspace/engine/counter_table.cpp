#include "engine/counter_table.h"

#include "event/event_format.h"

namespace crowsnest {

namespace {

const std::vector<CounterDoc> kDocs = {
    {"events.<type>",
     "events the engine received, by type (exec, open, connect, exit; syscall: ptrace, setns, unshare, module "
     "loads, bpf, socket, symlink, link, chmod, set*id, dup, mount, umount2, fsopen, mknod, memfd_create, unlink, "
     "accept, listen; "
     "connect_result: how a TCP connect attempt ended; flood: a cgroup's rate-limit drops; cgroup: a cgroup's "
     "path, read at its first exec)", "crowsnest_events_total"},
    {"verdicts.<category>", "verdicts sent, by category (summaries of aggregated verdicts included)", "crowsnest_verdicts_total"},
    {"aggregated", "identical verdicts counted into their window's summary instead of sent one by one", "crowsnest_verdicts_aggregated_total"},
    {"malformed.<reason>",
     "ring-buffer records that failed validation and were skipped (`too_short`, `bad_version`, `bad_type`, "
     "`size_mismatch`, `bad_length`)", "crowsnest_malformed_records_total"},
    {"ringbuf_drops", "events lost in the kernel because the ring buffer was full", "crowsnest_ringbuf_lost_events_total"},
    {"ringbuf_drops.<type>", "the same, by event type", "crowsnest_ringbuf_drops_total"},
    {"ring_reserved.<type>",
     "open, connect, connect_result and syscall events (socket, dup, symlink, link, chmod, set*id, memfd_create, unlink, "
     "accept, listen, mknod of a FIFO or file) refused because the ring buffer was three quarters full: the rest is kept for exec, exit, flood and "
     "escape records (ptrace, setns, unshare, module loads, bpf, mount, umount2, fsopen, mknod of a device)", "crowsnest_ring_reserved_drops_total"},
    {"prefiltered.<type>",
     "events no loaded rule could match, dropped in the kernel by the prefilter (`rules validate` shows what it "
     "tests); syscall: accepts of a listening socket past its first 8 a minute; seen by the kernel = events + prefiltered + ringbuf_drops + ring_reserved + rate-limit drops",
     "crowsnest_prefiltered_total"},
    {"prefilter.<type>",
     "1 while the type's events are filtered in the kernel now, 0 while all are sent (a rule the kernel cannot "
     "summarise, --no-prefilter, or a consumer of every event: --events, StreamEvents, learned profiles); "
     "connect_result: the outcomes the rules want (the shipped rules: connections not made)",
     "crowsnest_prefilter_active", true},
    {"inflight_drops", "execs whose enter could not be stored until their exit", "crowsnest_inflight_drops_total"},
    {"exit_without_enter", "exec exits with no stored enter (started before the sensor, or evicted)", "crowsnest_exit_without_enter_total"},
    {"unresolved_cgroups", "events whose cgroup id matched no cgroup directory (the cgroup was already gone)", "crowsnest_unresolved_cgroups_total"},
    {"truncated", "events whose path or argv was cut to fit (paths past 4096 bytes or 2048 directories; command lines past 256 KiB)", "crowsnest_truncated_events_total"},
    {"threshold_evictions",
     "threshold groups (port scan, sweep) dropped while still counting because `max_groups` were tracked", "crowsnest_threshold_evictions_total"},
    {"workload.lookups",
     "containers looked up in the runtimes' state files (at a container's first event, and retries of misses at "
     "most once a second)", "crowsnest_workload_lookups_total"},
    {"workload.found", "lookups that found the container's record (name, image, pod)", "crowsnest_workload_found_total"},
    {"workload.watched",
     "lookups answered by a record read as the runtime wrote it (inotify on its state, off the engine thread)",
     "crowsnest_workload_watched_total"},
    {"workload.missing", "lookups that found no record: the container keeps its id alone until a retry finds one", "crowsnest_workload_missing_total"},
    {"workload.errors", "runtime state files that could not be read or parsed (each container's first is logged)", "crowsnest_workload_errors_total"},
    {"workload.lookup_us", "microseconds spent in lookups, in all (divide by `workload.lookups` for the cost of one)", "crowsnest_workload_lookup_seconds_total", false, 1e-6},
    {"table.<name>",
     "entries the engine holds now, not a count: `processes` (the process table), `cgroups` (resolved cgroups), "
     "`workloads` (containers' runtime records), `aggregation_groups` (verdict groups in a window), `pipe_ends` "
     "(processes whose stdin or stdout is a pipe, for proc.stdin.writer.* and proc.stdout.reader.*), `host_mounts` "
     "(the host's mounts of its own filesystems, for host.path)",
     "crowsnest_table_entries", true},
    {"pipe_evictions",
     "processes the pipe join forgot to stay within its capacity (16384) while they ran: a rule may miss their "
     "pipe's other end", "crowsnest_pipe_evictions_total"},
    {"host_mount_errors",
     "reads of the host's mount table that failed, and its lines that were not well formed (left out): files on "
     "the filesystems they name get no host.path", "crowsnest_host_mount_errors_total"},
    {"profiles.<state>",
     "learned profiles held now, not a count, by state: `learning`, `locked`, and `overflow` (a set reached its cap; "
     "also counted in its state)", "crowsnest_profiles", true},
    {"profiles.entries", "entries held in all profiles now, not a count", "crowsnest_profile_entries", true},
    {"profiles.learned", "entries added to learning profiles", "crowsnest_profile_learned_total"},
    {"profiles.novelties", "what locked profiles never saw, each reported once as an `anomaly` verdict",
     "crowsnest_profile_novelties_total"},
    {"profiles.repeated", "novelties seen again, not reported again", "crowsnest_profile_repeated_total"},
    {"profiles.rate_anomalies", "windows far above a locked profile's learned rates, each feature reported once a window",
     "crowsnest_profile_rate_anomalies_total"},
    {"profiles.refused", "events of workloads not profiled because `max_profiles` profiles are held",
     "crowsnest_profile_refused_total"},
    {"profiles.db.batches", "transactions written to the profiles database", "crowsnest_profile_db_batches_total"},
    {"profiles.db.written", "profile changes written to the database", "crowsnest_profile_db_changes_total"},
    {"profiles.db.lost", "profile changes not kept: the writer's queue was full, or their batch failed",
     "crowsnest_profile_db_lost_total"},
    {"profiles.db.errors", "batches that failed (the first is logged with its reason)", "crowsnest_profile_db_errors_total"},
    {"output.<output>.sent",
     "lines or messages an output wrote (`json`: the JSON lines on stdout or the output file; `journal`: the verdict "
     "journal; `syslog`, `http`, `slack`: verdicts the destination took)", "crowsnest_output_sent_total"},
    {"output.<output>.lost",
     "lines or messages an output could not write, lost (alert outputs: refused or undeliverable after retries, and "
     "dropped from a full queue)", "crowsnest_output_lost_total"},
    {"output.<output>.errors",
     "write errors of an output (each is logged, at most once every 10 s; alert outputs: verdicts refused or "
     "undeliverable, the first logged with its reason)", "crowsnest_output_errors_total"},
    {"output.<output>.suppressed",
     "alert outputs (`syslog`, `http`, `slack`): verdicts held back by flood control (--rate, --burst, "
     "--dedup-window), each counted into a summary", "crowsnest_output_suppressed_total"},
    {"output.<output>.queued", "alert outputs: verdicts waiting in the output's queue now, not a count",
     "crowsnest_output_queued", true},
};

constexpr EventType kTypes[] = {EventType::Exec,  EventType::Connect,    EventType::Open,
                                 EventType::Exit,  EventType::Flood,      EventType::CgroupPath,
                                 EventType::Syscall, EventType::ConnectResult};

const CounterDoc *doc_of(std::string_view family) {
    for (const auto &d : kDocs)
        if (d.name == family) return &d;
    return nullptr;
}

}  // namespace

const std::vector<CounterDoc> &counter_docs() { return kDocs; }

std::vector<CounterRow> counter_table(const SensorCounters &sensor, const EngineCounters &engine,
                                      uint64_t threshold_evictions, const std::vector<OutputCounters> &outputs,
                                      const ProfileWriterCounters &profile_db) {
    std::vector<CounterRow> rows;
    auto add = [&rows](std::string_view family, std::string name, uint64_t value) {
        rows.push_back({std::move(name), value, doc_of(family)});
    };
    for (auto t : kTypes) add("events.<type>", std::string("events.") + event_type_name(t), engine.events[size_t(t)]);
    for (const auto &[category, n] : engine.verdicts) add("verdicts.<category>", "verdicts." + category, n);
    add("aggregated", "aggregated", engine.aggregated);
    for (const auto &[reason, n] : sensor.malformed) add("malformed.<reason>", "malformed." + reason, n);
    uint64_t ringbuf_drops = 0;
    for (uint64_t n : sensor.ringbuf_full) ringbuf_drops += n;
    add("ringbuf_drops", "ringbuf_drops", ringbuf_drops);
    for (auto t : kTypes)
        add("ringbuf_drops.<type>", std::string("ringbuf_drops.") + event_type_name(t), sensor.ringbuf_full[size_t(t)]);
    for (auto t : {EventType::Open, EventType::Connect, EventType::Syscall, EventType::ConnectResult})
        add("ring_reserved.<type>", std::string("ring_reserved.") + event_type_name(t), sensor.ring_reserved[size_t(t)]);
    for (auto t : {EventType::Open, EventType::Connect, EventType::Syscall, EventType::ConnectResult})
        add("prefiltered.<type>", std::string("prefiltered.") + event_type_name(t), sensor.prefiltered[size_t(t)]);
    for (auto t : {EventType::Open, EventType::Connect, EventType::ConnectResult})
        add("prefilter.<type>", std::string("prefilter.") + event_type_name(t), (sensor.prefilter_types >> unsigned(t)) & 1);
    add("inflight_drops", "inflight_drops", sensor.inflight_full);
    add("exit_without_enter", "exit_without_enter", sensor.exit_without_enter);
    add("unresolved_cgroups", "unresolved_cgroups", engine.unresolved_cgroups);
    add("truncated", "truncated", engine.truncated);
    add("threshold_evictions", "threshold_evictions", threshold_evictions);
    add("table.<name>", "table.processes", engine.processes);
    add("workload.lookups", "workload.lookups", engine.workload.lookups);
    add("workload.found", "workload.found", engine.workload.found);
    add("workload.watched", "workload.watched", engine.workload.watched);
    add("workload.missing", "workload.missing", engine.workload.missing);
    add("workload.errors", "workload.errors", engine.workload.errors);
    add("workload.lookup_us", "workload.lookup_us", engine.workload.lookup_ns / 1000);
    add("table.<name>", "table.cgroups", engine.cgroups);
    add("table.<name>", "table.workloads", engine.workloads);
    add("table.<name>", "table.aggregation_groups", engine.aggregation_groups);
    add("table.<name>", "table.pipe_ends", engine.pipe_ends);
    add("pipe_evictions", "pipe_evictions", engine.pipe_evictions);
    add("table.<name>", "table.host_mounts", engine.host_mounts);
    add("host_mount_errors", "host_mount_errors", engine.host_mount_errors);
    if (engine.profiles.enabled) {
        const ProfileCounters &p = engine.profiles;
        add("profiles.<state>", "profiles.learning", p.learning);
        add("profiles.<state>", "profiles.locked", p.locked);
        add("profiles.<state>", "profiles.overflow", p.overflow);
        for (const auto &[name, value] : {std::pair{"entries", p.entries}, {"learned", p.learned},
                                          {"novelties", p.novelties}, {"repeated", p.repeated}, {"rate_anomalies", p.rate_anomalies},
                                          {"refused", p.refused}, {"db.batches", profile_db.batches},
                                          {"db.written", profile_db.written}, {"db.lost", profile_db.lost},
                                          {"db.errors", profile_db.errors}})
            add(std::string("profiles.") + name, std::string("profiles.") + name, value);
    }
    for (const auto &o : outputs) {
        add("output.<output>.sent", "output." + o.name + ".sent", o.sent);
        add("output.<output>.lost", "output." + o.name + ".lost", o.lost);
        add("output.<output>.errors", "output." + o.name + ".errors", o.errors);
        if (o.name == "json" || o.name == "journal") continue;
        add("output.<output>.suppressed", "output." + o.name + ".suppressed", o.suppressed);
        add("output.<output>.queued", "output." + o.name + ".queued", o.queued);
    }
    return rows;
}

}  // namespace crowsnest
