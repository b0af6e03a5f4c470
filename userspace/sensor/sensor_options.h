// How the kernel side is set up: the ring buffer and when it wakes the reader.
#pragma once

#include <cstdint>

namespace crowsnest {

struct SensorOptions {
    uint32_t ringbuf_bytes = 8u << 20;   // power of two, >= page size
    uint32_t wakeup_bytes = 256u << 10;  // wake the consumer once this much is pending
    // Opens and connects a second that one cgroup may send from one CPU
    // (bursts of a second's worth); the excess is dropped in the kernel,
    // counted and reported as a flood. 0: no limit.
    uint32_t flood_rate = 50000;
    bool no_prefilter = false;           // send every event, not only what a rule could match
    bool verbose = false;                // libbpf debug output
};

}  // namespace crowsnest
