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
#include "sensor/sensor_counters.h"

namespace crowsnest {

// A name or a family of names ("events.<type>") and what it counts.
struct CounterDoc {
    std::string_view name;
    std::string_view meaning;  // Markdown, as in the README
};
const std::vector<CounterDoc> &counter_docs();

struct CounterRow {
    std::string name;
    uint64_t value = 0;
    std::string_view meaning;  // of its family, from counter_docs()
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
                                      uint64_t threshold_evictions, const std::vector<OutputCounters> &outputs);

}  // namespace crowsnest
