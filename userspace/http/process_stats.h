// This process's own resource use, from /proc/self: what Prometheus'
// standard process_* metrics report.
#pragma once

#include <cstdint>

namespace crowsnest {

struct ProcessStats {
    uint64_t rss_bytes = 0, virtual_bytes = 0;
    double cpu_seconds = 0;        // user + system
    double start_time_seconds = 0; // since the Unix epoch
    uint64_t open_fds = 0;
};

// False when /proc/self/stat cannot be read.
bool read_process_stats(ProcessStats &out);

}  // namespace crowsnest
