// The kernel side counts each cgroup's rate-limited drops per CPU, in a
// slot of a direct-mapped table (bpf/events.h, flood_bucket): cumulative
// counts since the cgroup took the slot. This turns them into what was
// dropped since the last report, per cgroup, whether they were read from
// the table or came in the record a slot sends when another cgroup takes it.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <tuple>

#include "event/event.h"

namespace crowsnest {

class FloodCounts {
public:
    using Counts = std::array<uint64_t, kEventTypeCount>;

    // A slot as read from the table at `now_ns`. Returns the drops since the
    // last report of the same holder (cpu, slot, cgroup, since).
    Counts observe(uint32_t cpu, uint32_t slot, uint64_t cgroup, uint64_t since, const Counts &cumulative,
                   uint64_t now_ns);

    // The final counts of a holder that lost its slot: its last increment,
    // after which the holder is forgotten.
    Counts evicted(uint32_t cpu, uint32_t slot, uint64_t cgroup, uint64_t since, const Counts &cumulative);

    // Forgets holders last seen before `before_ns`: gone from the table,
    // and their eviction record lost (which is counted as a ring-buffer drop).
    void forget_older_than(uint64_t before_ns);

    size_t holders() const { return seen_.size(); }

private:
    using Holder = std::tuple<uint32_t, uint32_t, uint64_t, uint64_t>;  // cpu, slot, cgroup, since
    struct Seen {
        Counts counts{};
        uint64_t last_seen_ns = 0;
    };
    Counts advance(const Holder &h, const Counts &cumulative, uint64_t now_ns);

    std::map<Holder, Seen> seen_;
};

}  // namespace crowsnest
