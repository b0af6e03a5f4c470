// The crowsnest daemon: load the rules, start the BPF sensor and the gRPC
// server, feed every decoded event to the engine until SIGINT/SIGTERM, then
// print the counters.
#pragma once

#include "app/options.h"

namespace crowsnest {

// Returns the process exit code: 0 after a clean stop, 1 when the sensor
// cannot start, 2 on invalid rules.
int run_daemon(const Options &opts);

}  // namespace crowsnest
