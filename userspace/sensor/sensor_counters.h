// What the sensor could not deliver: records it rejected as malformed, and
// the kernel side's own losses.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "event/event.h"

namespace crowsnest {

struct SensorCounters {
    std::map<std::string, uint64_t> malformed;              // records skipped, by decode_status_name
    std::array<uint64_t, kEventTypeCount> ringbuf_full{};  // lost for want of ring space, by EventType
    std::array<uint64_t, kEventTypeCount> ring_reserved{}; // refused: the ring's reserve was reached, by EventType
    std::array<uint64_t, kEventTypeCount> prefiltered{};   // no rule could match: dropped in the kernel, by EventType
    uint32_t prefilter_types = 0;  // bits 1 << EventType: filtered in the kernel now
    uint64_t inflight_full = 0;                             // enters that could not be stored until their exit
    uint64_t exit_without_enter = 0;                        // exec exits with no stored enter
};

}  // namespace crowsnest
