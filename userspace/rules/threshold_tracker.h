// The state of a rule's `threshold:` block: per group (the values of its
// group_by fields, hashed), the distinct values of one field (hashed), or
// the events, seen within a sliding window; says so once when the count
// reaches the threshold, then stays quiet for that group for one window.
// A port scan is "distinct fd.sport per (cgroup.id, fd.sip) >= 50 in 10 s"
// whatever the scanning program is called.
// Memory is bounded: a group holds at most `at_least` values, at most
// max_groups groups are tracked, expired ones are dropped first, and
// evictions of live ones are counted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

namespace crowsnest {

class ThresholdTracker {
public:
    // distinct: count distinct values (else every event counts).
    ThresholdTracker(size_t at_least, uint64_t window_ns, bool distinct, size_t max_groups = 8192);

    // One event of `group` at time now_ns (any monotonic clock), with the
    // hash of its distinct field's value. True only for the event that
    // makes the group reach the threshold.
    bool observe(uint64_t group, uint64_t value, uint64_t now_ns);

    size_t groups() const { return groups_.size(); }
    uint64_t evictions() const { return evictions_; }

private:
    struct Group {
        std::vector<std::pair<uint64_t, uint64_t>> seen;  // value, last time seen (within the window)
        uint64_t last = 0;                                // the group's latest event
        uint64_t quiet_until = 0;                         // reported: silent until then
    };
    void make_room(uint64_t now_ns);

    size_t at_least_;
    uint64_t window_ns_;
    bool distinct_;
    size_t max_groups_;
    uint64_t evictions_ = 0;
    std::unordered_map<uint64_t, Group> groups_;
};

}  // namespace crowsnest
