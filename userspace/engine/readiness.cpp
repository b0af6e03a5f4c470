#include "engine/readiness.h"

#include <algorithm>
#include <cmath>

namespace crowsnest {

double ReadinessTracker::recent_ring_fill() const {
    double fill = 0;
    for (size_t i = seconds_.size() >= 2 ? seconds_.size() - 2 : 0; i < seconds_.size(); i++)
        fill = std::max(fill, seconds_[i].fill);
    return fill;
}

Readiness ReadinessTracker::sample(const PipelineSample &s, uint64_t now_s) {
    if (!first_ && s.output_errors > last_output_errors_) {
        output_failing_ = true;
        output_failed_at_ = now_s;
    } else if (output_failing_ && now_s >= output_failed_at_ + limits_.output_quiet_seconds) {
        output_failing_ = false;
    }
    // seconds without a sample had no losses
    if (seconds_.empty()) seconds_.push_back({now_s});
    while (seconds_.back().at < now_s) seconds_.push_back({seconds_.back().at + 1});
    while (seconds_.size() > limits_.drop_seconds + 1) seconds_.pop_front();
    Second &current = seconds_.back();
    current.drops += first_ ? 0 : s.ringbuf_drops - last_drops_;
    current.fill = std::max(current.fill, s.ring_fill);
    first_ = false;
    last_drops_ = s.ringbuf_drops;
    last_output_errors_ = s.output_errors;

    Readiness r;
    if (!s.attached) r.reasons.push_back("the BPF programs are not attached yet");
    if (s.rules_enabled == 0) r.reasons.push_back("no rule is loaded and enabled");
    const unsigned fill_pct = unsigned(std::lround(recent_ring_fill() * 100));
    if (fill_pct > limits_.max_ring_fill_pct)
        r.reasons.push_back("the ring buffer was " + std::to_string(fill_pct) + "% full when the engine read it (limit " +
                            std::to_string(limits_.max_ring_fill_pct) + "%): the engine is falling behind");
    // the whole seconds before the current one
    bool sustained = seconds_.size() == limits_.drop_seconds + 1;
    uint64_t lost = 0;
    for (size_t i = 0; sustained && i + 1 < seconds_.size(); i++) {
        sustained = seconds_[i].drops > 0;
        lost += seconds_[i].drops;
    }
    if (sustained)
        r.reasons.push_back("the ring buffer lost events in each of the last " + std::to_string(limits_.drop_seconds) +
                            " s (" + std::to_string(lost) + " events): the engine is not keeping up");
    if (output_failing_)
        r.reasons.push_back("an output cannot write (" + s.output_error + "): verdicts are being lost");
    r.ready = r.reasons.empty();
    return r;
}

}  // namespace crowsnest
