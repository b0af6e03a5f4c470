// What GetStatus, /metrics, /healthz and /readyz report about the engine:
// the counter table and the pipeline's gauges, copied by the engine thread
// every 50 ms, its readiness, sampled once a second, and a heartbeat of its
// loop, so that gRPC and HTTP threads never read the engine's own state.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "engine/counter_table.h"
#include "engine/lag_histogram.h"
#include "engine/readiness.h"

namespace crowsnest {

// The pipeline beyond the counter table.
struct PipelineGauges {
    std::map<std::pair<std::string, std::string>, uint64_t> verdicts_by_rule;  // (rule, category)
    LagHistogram lag;
    double ring_fill = 0;  // the fullest the engine found the ring buffer in the last second, 0..1
    uint32_t ring_bytes = 0;
    uint64_t rules_enabled = 0;
};

class StatusBoard {
public:
    void update(std::vector<CounterRow> rows, PipelineGauges gauges) {
        std::lock_guard lock(mu_);
        rows_ = std::move(rows);
        gauges_ = std::move(gauges);
    }
    std::vector<CounterRow> read() const {
        std::lock_guard lock(mu_);
        return rows_;
    }
    PipelineGauges gauges() const {
        std::lock_guard lock(mu_);
        return gauges_;
    }

    void set_readiness(Readiness r) {
        std::lock_guard lock(mu_);
        readiness_ = std::move(r);
    }
    Readiness readiness() const {
        std::lock_guard lock(mu_);
        return readiness_;
    }

    // The engine loop, every turn.
    void beat() { beat_ns_.store(steady_ns(), std::memory_order_relaxed); }
    // Since the last turn of the engine loop (since construction before the first).
    std::chrono::nanoseconds since_beat() const {
        return std::chrono::nanoseconds(steady_ns() - beat_ns_.load(std::memory_order_relaxed));
    }

    const std::chrono::system_clock::time_point started = std::chrono::system_clock::now();

private:
    static int64_t steady_ns() {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count();
    }

    mutable std::mutex mu_;
    std::vector<CounterRow> rows_;
    PipelineGauges gauges_;
    Readiness readiness_{false, {"the sensor is starting"}};
    std::atomic<int64_t> beat_ns_{steady_ns()};
};

}  // namespace crowsnest
