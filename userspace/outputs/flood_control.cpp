#include "outputs/flood_control.h"

#include <algorithm>

namespace crowsnest {
namespace {

// Without deduplication, what the bucket held back is summarised this often.
constexpr std::chrono::seconds kRateOnlySummary{10};

std::string key_of(const v1::Verdict &v) {
    return v.rule() + '\0' + v.container().id() + '\0' + v.process().exe();
}

}  // namespace

FloodControl::FloodControl(FloodLimits limits) : limits_(limits) {
    if (limits_.rate > 0) limits_.burst = std::max(limits_.burst, 1.0);
    tokens_ = limits_.burst;
}

bool FloodControl::take_token(Clock::time_point now) {
    if (limits_.rate <= 0) return true;
    if (refilled_ != Clock::time_point{}) {
        const double elapsed = std::chrono::duration<double>(now - refilled_).count();
        tokens_ = std::min(limits_.burst, tokens_ + elapsed * limits_.rate);
    }
    refilled_ = now;
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
}

void FloodControl::hold(const std::string &key, const v1::Verdict &v, Clock::time_point now) {
    suppressed_++;
    auto it = windows_.find(key);
    if (it == windows_.end()) {
        if (windows_.size() >= limits_.max_keys) return;  // counted, but too many keys to summarise each
        it = windows_.emplace(key, Window{now, v, 0}).first;
    }
    it->second.held++;
}

bool FloodControl::admit(const v1::Verdict &v, Clock::time_point now) {
    if (!active() || v.has_gap()) return true;
    const std::string key = key_of(v);
    if (limits_.window.count() > 0) {
        const auto it = windows_.find(key);
        if (it != windows_.end() && now - it->second.opened < limits_.window) {
            hold(key, v, now);
            return false;
        }
    }
    if (!take_token(now)) {
        hold(key, v, now);
        return false;
    }
    if (limits_.window.count() > 0) {
        auto it = windows_.find(key);
        if (it != windows_.end()) {  // its window is over: a new one opens, the old one's count is kept
            if (it->second.held) closed_.push_back(summary(it->second));
            it->second = Window{now, v, 0};
        } else if (windows_.size() < limits_.max_keys) {
            windows_.emplace(key, Window{now, v, 0});
        }
    }
    return true;
}

std::vector<v1::Verdict> FloodControl::closed_windows(Clock::time_point now, bool all) {
    const auto length = limits_.window.count() > 0 ? limits_.window : std::chrono::seconds(kRateOnlySummary);
    std::vector<v1::Verdict> out = std::move(closed_);
    closed_.clear();
    for (auto it = windows_.begin(); it != windows_.end();) {
        if (!all && now - it->second.opened < length) {
            ++it;
            continue;
        }
        if (it->second.held) out.push_back(summary(it->second));
        it = windows_.erase(it);
    }
    return out;
}

v1::Verdict FloodControl::summary(const Window &w) {
    v1::Verdict s = w.first;
    s.mutable_aggregate()->set_count(w.held);
    s.set_output(std::to_string(w.held) + " similar verdicts suppressed: " + w.first.output());
    return s;
}

}  // namespace crowsnest
