#include "http/process_stats.h"

#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <string>

#include "util/path_util.h"

namespace crowsnest {

namespace {

// The boot time, seconds since the Unix epoch ("btime" of /proc/stat).
double boot_time() {
    std::string text, error;
    if (!read_whole_file("/proc/stat", text, error, 1 << 16)) return 0;
    const size_t at = text.find("\nbtime ");
    return at == std::string::npos ? 0 : std::stod(text.substr(at + 7));
}

}  // namespace

bool read_process_stats(ProcessStats &out) {
    std::string stat, error;
    if (!read_whole_file("/proc/self/stat", stat, error, 4096)) return false;
    // the fields after the command, which is in parentheses and may hold anything
    const size_t close = stat.rfind(')');
    if (close == std::string::npos) return false;
    std::istringstream in(stat.substr(close + 2));
    std::string field;
    uint64_t utime = 0, stime = 0, start_ticks = 0, vsize = 0, rss_pages = 0;
    // fields 3..24 of proc(5); field 3 is the state
    for (int i = 3; i <= 24 && in >> field; i++) {
        if (i == 14) utime = std::stoull(field);
        else if (i == 15) stime = std::stoull(field);
        else if (i == 22) start_ticks = std::stoull(field);
        else if (i == 23) vsize = std::stoull(field);
        else if (i == 24) rss_pages = std::stoull(field);
    }
    const double ticks = double(sysconf(_SC_CLK_TCK));
    out.cpu_seconds = double(utime + stime) / ticks;
    out.start_time_seconds = boot_time() + double(start_ticks) / ticks;
    out.virtual_bytes = vsize;
    out.rss_bytes = rss_pages * uint64_t(sysconf(_SC_PAGESIZE));
    std::error_code ec;
    out.open_fds = 0;
    for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec); !ec && it != std::filesystem::end(it);
         it.increment(ec))
        out.open_fds++;
    return true;
}

}  // namespace crowsnest
