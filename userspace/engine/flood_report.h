// Turns the kernel's per-cgroup rate-limit drops (Flood events) into
// verdicts: one at once when a cgroup starts flooding, then, while it goes
// on, one per window with what was dropped meanwhile. Every dropped event is
// in exactly one verdict's counts: a flood is never silent, and never a
// flood of verdicts itself.
#pragma once

#include <array>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "event/event.h"

namespace crowsnest {

class FloodReport {
public:
    using Counts = std::array<uint64_t, kEventTypeCount>;
    struct Due {
        uint64_t cgroup_id;
        Counts dropped;
        bool first;  // the flood's first report; else what a window added
    };

    explicit FloodReport(uint64_t window_ns) : window_ns_(window_ns) {}
    uint64_t window_ns() const { return window_ns_; }

    // A cgroup's drops since the last Flood event: true, with `now` set,
    // when they are to be reported at once.
    bool add(uint64_t cgroup_id, const Counts &dropped, uint64_t now_ns, Due &now);
    // The windows that ended by now_ns with drops to report.
    void close_windows(uint64_t now_ns, std::vector<Due> &due);

private:
    struct Window {
        uint64_t end_ns;
        Counts pending{};
    };
    const uint64_t window_ns_;
    std::unordered_map<uint64_t, Window> windows_;  // by cgroup id
};

}  // namespace crowsnest
