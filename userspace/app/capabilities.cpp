#include "app/capabilities.h"

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace crowsnest {

namespace {

struct Needed {
    int cap;
    const char *name;
    const char *why;
    bool sys_admin_will_do;
};

constexpr Needed kNeeded[] = {
    {CAP_BPF, "CAP_BPF", "load the BPF programs and create their maps", true},
    {CAP_PERFMON, "CAP_PERFMON", "attach the programs to tracepoints", true},
    {CAP_SYS_PTRACE, "CAP_SYS_PTRACE",
     "read /proc/<pid>/exe of processes with more capabilities than the sensor, and the host's mounts from "
     "/proc/1/mountinfo",
     false},
    {CAP_DAC_READ_SEARCH, "CAP_DAC_READ_SEARCH", "open a cgroup from its id (open_by_handle_at)", false},
};

bool has(uint64_t set, int cap) { return (set >> cap) & 1; }

}  // namespace

std::string missing_capabilities(uint64_t effective) {
    std::string out;
    for (const auto &n : kNeeded) {
        if (has(effective, n.cap) || (n.sys_admin_will_do && has(effective, CAP_SYS_ADMIN))) continue;
        out += std::string(out.empty() ? "" : "\n") + n.name + ": to " + n.why;
    }
    return out;
}

uint64_t effective_capabilities() {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    if (syscall(SYS_capget, &header, data) != 0) return 0;
    return uint64_t(data[0].effective) | uint64_t(data[1].effective) << 32;
}

}  // namespace crowsnest
