#include "rules/threshold_tracker.h"

#include <algorithm>

namespace crowsnest {

ThresholdTracker::ThresholdTracker(size_t at_least, uint64_t window_ns, bool distinct, size_t max_groups)
    : at_least_(std::max<size_t>(at_least, 1)), window_ns_(window_ns), distinct_(distinct),
      max_groups_(std::max<size_t>(max_groups, 1)) {}

// Drops the groups with nothing in their window; if none, the group idle
// the longest (an eviction: its count is lost).
void ThresholdTracker::make_room(uint64_t now_ns) {
    for (auto it = groups_.begin(); it != groups_.end();)
        it = now_ns - it->second.last > window_ns_ ? groups_.erase(it) : std::next(it);
    if (groups_.size() < max_groups_) return;
    auto oldest = std::min_element(groups_.begin(), groups_.end(),
                                   [](const auto &a, const auto &b) { return a.second.last < b.second.last; });
    groups_.erase(oldest);
    evictions_++;
}

bool ThresholdTracker::observe(uint64_t group, uint64_t value, uint64_t now_ns) {
    auto it = groups_.find(group);
    if (it == groups_.end()) {
        if (groups_.size() >= max_groups_) make_room(now_ns);
        it = groups_.emplace(group, Group{}).first;
        it->second.seen.reserve(at_least_);
    }
    Group &g = it->second;
    g.last = now_ns;
    if (now_ns < g.quiet_until) return false;
    // slide the window
    auto &seen = g.seen;
    seen.erase(std::remove_if(seen.begin(), seen.end(),
                              [&](const auto &s) { return now_ns - s.second > window_ns_; }),
               seen.end());
    auto same = distinct_ ? std::find_if(seen.begin(), seen.end(), [&](const auto &s) { return s.first == value; })
                          : seen.end();
    if (same != seen.end()) {
        same->second = now_ns;
        return false;
    }
    seen.emplace_back(value, now_ns);
    if (seen.size() < at_least_) return false;
    seen.clear();
    g.quiet_until = now_ns + window_ns_;
    return true;
}

}  // namespace crowsnest
