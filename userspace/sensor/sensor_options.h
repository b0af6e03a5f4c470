// How the kernel side is set up: the ring buffer and when it wakes the reader.
#pragma once

#include <cstdint>

namespace crowsnest {

struct SensorOptions {
    uint32_t ringbuf_bytes = 8u << 20;   // power of two, >= page size
    uint32_t wakeup_bytes = 256u << 10;  // wake the consumer once this much is pending
    bool verbose = false;                // libbpf debug output
};

}  // namespace crowsnest
