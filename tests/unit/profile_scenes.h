// What the profile tests share: a profiler's settings with short times, and
// one event of a Scene observed at a given time.
#pragma once

#include <vector>

#include "profile/profiler.h"
#include "test_context.h"

namespace crowsnest::test {

constexpr uint64_t kMinute = 60ull * 1000000000ull;

// Learns for 10 minutes, then locks after 2 quiet ones.
inline ProfileConfig quick_profiles() {
    ProfileConfig c;
    c.learning_ns = 10 * kMinute;
    c.quiet_ns = 2 * kMinute;
    return c;
}

// The novelties of the scene's event at `time`.
inline std::vector<Novelty> observe(Profiler &p, Scene s, uint64_t time) {
    s.event.time_ns = time;
    std::vector<Novelty> out;
    p.observe(s.ctx(), out);
    return out;
}

}  // namespace crowsnest::test
