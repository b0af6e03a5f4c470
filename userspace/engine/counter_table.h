// The one table of counters: every loss and every count the pipeline keeps,
// with its name and meaning. Printed on stderr at exit, returned by
// GetStatus (and so shown by `crowsnest status`), and documented in the
// README's "Counters" table, which a unit test keeps in step.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"
#include "profile/profile_writer.h"
#include "sensor/sensor_counters.h"

namespace crowsnest {

// A name or a family of names ("events.<type>"), what it counts, and its
// Prometheus family on /metrics, whose one label is the placeholder
// ("crowsnest_events_total{type=...}").
struct CounterDoc {
    std::string_view name;
    std::string_view meaning;  // Markdown, as in the README
    std::string_view metric;
    bool gauge = false;        // a size now, not a count
    double scale = 1;          // the metric's value per unit of the counter (to base units)
};
const std::vector<CounterDoc> &counter_docs();

struct CounterRow {
    std::string name;
    uint64_t value = 0;
    const CounterDoc *doc = nullptr;  // its family's
};

// Every counter, in the order of counter_docs(): each event type; the
// verdict categories and malformed reasons that occurred.
// What an output did with what it was given.
struct OutputCounters {
    std::string name;  // json: the JSON lines on stdout or the output file
    uint64_t sent = 0, lost = 0, errors = 0;
    uint64_t suppressed = 0, queued = 0;  // alert outputs: held back by flood control; waiting now
};

std::vector<CounterRow> counter_table(const SensorCounters &sensor, const EngineCounters &engine,
                                      uint64_t threshold_evictions, const std::vector<OutputCounters> &outputs,
                                      const ProfileWriterCounters &profile_db = {});

}  // namespace crowsnest
