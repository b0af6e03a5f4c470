#include "sensor/flood_counts.h"

#include <algorithm>

namespace crowsnest {

FloodCounts::Counts FloodCounts::advance(const Holder &h, const Counts &cumulative, uint64_t now_ns) {
    Seen &s = seen_[h];
    Counts delta{};
    for (size_t t = 0; t < delta.size(); t++) {
        // counts only grow while a holder keeps its slot
        delta[t] = cumulative[t] >= s.counts[t] ? cumulative[t] - s.counts[t] : 0;
        s.counts[t] = std::max(s.counts[t], cumulative[t]);
    }
    s.last_seen_ns = now_ns;
    return delta;
}

FloodCounts::Counts FloodCounts::observe(uint32_t cpu, uint32_t slot, uint64_t cgroup, uint64_t since,
                                         const Counts &cumulative, uint64_t now_ns) {
    return advance({cpu, slot, cgroup, since}, cumulative, now_ns);
}

FloodCounts::Counts FloodCounts::evicted(uint32_t cpu, uint32_t slot, uint64_t cgroup, uint64_t since,
                                         const Counts &cumulative) {
    const Holder h{cpu, slot, cgroup, since};
    Counts delta = advance(h, cumulative, 0);
    seen_.erase(h);
    return delta;
}

void FloodCounts::forget_older_than(uint64_t before_ns) {
    for (auto it = seen_.begin(); it != seen_.end();)
        it = it->second.last_seen_ns < before_ns ? seen_.erase(it) : std::next(it);
}

}  // namespace crowsnest
