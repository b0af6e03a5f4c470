// Whether the sensor is ready: programs attached, rules loaded and the
// engine keeping up with the kernel (the ring buffer not nearly full when
// read, no ring-buffer losses second after second, outputs writing). The
// daemon samples the pipeline once a second; /readyz and the gRPC health
// service report the result, and say why when it is not ready.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace crowsnest {

struct ReadinessLimits {
    unsigned max_ring_fill_pct = 90;  // fuller than this when read: behind
    unsigned drop_seconds = 3;        // losses in each of this many seconds in a row: behind
    unsigned stall_seconds = 10;      // the engine loop still for this long: not alive
    unsigned output_quiet_seconds = 10;  // a failing output counts until it has written this long without error
};

// What the daemon sees of the pipeline, at every status update.
struct PipelineSample {
    bool attached = false;
    uint64_t rules_enabled = 0;
    double ring_fill = 0;           // the fullest the engine found the ring buffer since the last sample, 0..1
    uint64_t ringbuf_drops = 0;     // events lost for want of ring space, so far
    uint64_t output_errors = 0;     // write errors of every output, so far
    std::string output_error;       // the last one
};

struct Readiness {
    bool ready = false;
    std::vector<std::string> reasons;  // why not, one sentence each
};

// Samples may come at any rate: losses and fill are kept per second of
// `now_s` (monotonic seconds), so "each of the last N seconds" means N whole
// seconds before the current one.
class ReadinessTracker {
public:
    explicit ReadinessTracker(ReadinessLimits limits) : limits_(limits) {}

    Readiness sample(const PipelineSample &s, uint64_t now_s);
    // The fullest the ring buffer was found in this second and the last, 0..1.
    double recent_ring_fill() const;

private:
    struct Second {
        uint64_t at = 0, drops = 0;
        double fill = 0;
    };
    ReadinessLimits limits_;
    bool first_ = true;
    uint64_t last_drops_ = 0, last_output_errors_ = 0;
    std::deque<Second> seconds_;  // the current second and the drop_seconds before it
    uint64_t output_failed_at_ = 0;
    bool output_failing_ = false;
};

}  // namespace crowsnest
