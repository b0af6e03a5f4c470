// The capabilities the sensor needs, checked before anything is loaded, so
// that a container given one too few fails at once, naming it, instead of
// running blind. Each one's reason is the README's (Deployment).
#pragma once

#include <cstdint>
#include <string>

namespace crowsnest {

// The missing capabilities in `effective` (a capget() effective set, bit n =
// capability n), one "CAP_X: why" line each; "" when none is missing.
// CAP_SYS_ADMIN stands in for CAP_BPF and CAP_PERFMON, as on kernels before 5.8.
std::string missing_capabilities(uint64_t effective);

// This process's effective set.
uint64_t effective_capabilities();

}  // namespace crowsnest
