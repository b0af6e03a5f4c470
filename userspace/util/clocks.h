// The two clocks events carry: the kernel's boot-time clock (BPF's
// bpf_ktime_get_boot_ns) and the wall clock, in nanoseconds.
#pragma once

#include <time.h>

#include <cstdint>

namespace crowsnest {

inline uint64_t clock_ns(clockid_t id) {
    timespec ts{};
    clock_gettime(id, &ts);
    return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}
inline uint64_t boot_clock_ns() { return clock_ns(CLOCK_BOOTTIME); }
inline uint64_t wall_clock_ns() { return clock_ns(CLOCK_REALTIME); }

}  // namespace crowsnest
