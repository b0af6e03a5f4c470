#include "engine/counter_table.h"

#include "event/event_format.h"

namespace crowsnest {

namespace {

const std::vector<CounterDoc> kDocs = {
    {"events.<type>", "events the engine received, by type (exec, open, connect, exit)"},
    {"verdicts.<category>", "verdicts printed, by category"},
    {"malformed.<reason>",
     "ring-buffer records that failed validation and were skipped (`too_short`, `bad_version`, `bad_type`, "
     "`size_mismatch`, `bad_length`)"},
    {"ringbuf_drops", "events lost in the kernel because the ring buffer was full"},
    {"ringbuf_drops.<type>", "the same, by event type"},
    {"inflight_drops", "execs whose enter could not be stored until their exit"},
    {"exit_without_enter", "exec exits with no stored enter (started before the sensor, or evicted)"},
    {"unresolved_cgroups", "events whose cgroup id matched no cgroup directory (the cgroup was already gone)"},
    {"truncated", "events whose path or argv was cut to fit (256-byte paths, 64 args, 256 bytes per arg, 2 KiB in all)"},
    {"threshold_evictions",
     "threshold groups (port scan, sweep) dropped while still counting because `max_groups` were tracked"},
};

constexpr EventType kTypes[] = {EventType::Exec, EventType::Connect, EventType::Open, EventType::Exit};

std::string_view meaning_of(std::string_view family) {
    for (const auto &d : kDocs)
        if (d.name == family) return d.meaning;
    return {};
}

}  // namespace

const std::vector<CounterDoc> &counter_docs() { return kDocs; }

std::vector<CounterRow> counter_table(const SensorCounters &sensor, const EngineCounters &engine,
                                      uint64_t threshold_evictions) {
    std::vector<CounterRow> rows;
    auto add = [&rows](std::string_view family, std::string name, uint64_t value) {
        rows.push_back({std::move(name), value, meaning_of(family)});
    };
    for (auto t : kTypes) add("events.<type>", std::string("events.") + event_type_name(t), engine.events[size_t(t)]);
    for (const auto &[category, n] : engine.verdicts) add("verdicts.<category>", "verdicts." + category, n);
    for (const auto &[reason, n] : sensor.malformed) add("malformed.<reason>", "malformed." + reason, n);
    uint64_t ringbuf_drops = 0;
    for (uint64_t n : sensor.ringbuf_full) ringbuf_drops += n;
    add("ringbuf_drops", "ringbuf_drops", ringbuf_drops);
    for (auto t : kTypes)
        add("ringbuf_drops.<type>", std::string("ringbuf_drops.") + event_type_name(t), sensor.ringbuf_full[size_t(t)]);
    add("inflight_drops", "inflight_drops", sensor.inflight_full);
    add("exit_without_enter", "exit_without_enter", sensor.exit_without_enter);
    add("unresolved_cgroups", "unresolved_cgroups", engine.unresolved_cgroups);
    add("truncated", "truncated", engine.truncated);
    add("threshold_evictions", "threshold_evictions", threshold_evictions);
    return rows;
}

}  // namespace crowsnest
