// Flood control of one output: a miner in a loop must not send ten
// thousand Slack messages. Two stages, as Falco's outputs.rate/max_burst and
// deduplication: a token bucket (rate per second and burst), and identical
// verdicts (same rule, container and executable) within a window, of which
// only the first passes. Everything held back is counted, per key, and when
// the key's window closes one summary verdict carries the exact count.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "crowsnest.pb.h"

namespace crowsnest {

struct FloodLimits {
    double rate = 0;                 // verdicts per second; 0: no token bucket
    double burst = 0;                // the bucket's size (at least 1 when rate is set)
    std::chrono::seconds window{0};  // deduplication window; 0: none
    size_t max_keys = 4096;          // tracked (rule, container, exe) keys, bounded
};

class FloodControl {
public:
    using Clock = std::chrono::steady_clock;
    explicit FloodControl(FloodLimits limits);

    // True if `v` goes out now; false if it is held back (and counted).
    bool admit(const v1::Verdict &v, Clock::time_point now);
    // Summaries of the windows closed by `now`: a copy of each key's first
    // verdict, with aggregate.count the verdicts held back and the output
    // saying so. With `all`, every window is closed (at shutdown).
    std::vector<v1::Verdict> closed_windows(Clock::time_point now, bool all = false);

    uint64_t suppressed() const { return suppressed_; }
    bool active() const { return limits_.rate > 0 || limits_.window.count() > 0; }

private:
    struct Window {
        Clock::time_point opened;
        v1::Verdict first;
        uint64_t held = 0;
    };
    bool take_token(Clock::time_point now);
    void hold(const std::string &key, const v1::Verdict &v, Clock::time_point now);
    static v1::Verdict summary(const Window &w);

    FloodLimits limits_;
    double tokens_;
    Clock::time_point refilled_{};
    std::unordered_map<std::string, Window> windows_;
    std::vector<v1::Verdict> closed_;  // summaries of windows that a new verdict reopened
    uint64_t suppressed_ = 0;
};

}  // namespace crowsnest
