// The capability check: each missing capability named with its reason;
// CAP_SYS_ADMIN in place of CAP_BPF and CAP_PERFMON.
#include <linux/capability.h>

#include <catch2/catch.hpp>

#include "app/capabilities.h"

using namespace crowsnest;

namespace {
uint64_t caps(std::initializer_list<int> list) {
    uint64_t set = 0;
    for (int c : list) set |= uint64_t(1) << c;
    return set;
}
}  // namespace

TEST_CASE("capabilities: the DaemonSet's set is enough, and each one missing is named") {
    const uint64_t all = caps({CAP_BPF, CAP_PERFMON, CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH});
    CHECK(missing_capabilities(all).empty());
    CHECK(missing_capabilities(all & ~caps({CAP_BPF})) == "CAP_BPF: to load the BPF programs and create their maps");
    CHECK(missing_capabilities(all & ~caps({CAP_PERFMON})) == "CAP_PERFMON: to attach the programs to tracepoints");
    CHECK(missing_capabilities(all & ~caps({CAP_DAC_READ_SEARCH})) ==
          "CAP_DAC_READ_SEARCH: to open a cgroup from its id (open_by_handle_at)");
    CHECK_THAT(missing_capabilities(all & ~caps({CAP_SYS_PTRACE})), Catch::StartsWith("CAP_SYS_PTRACE: to read "));
    // several: one line each, in order
    CHECK(missing_capabilities(0) ==
          "CAP_BPF: to load the BPF programs and create their maps\n"
          "CAP_PERFMON: to attach the programs to tracepoints\n"
          "CAP_SYS_PTRACE: to read /proc/<pid>/exe of processes with more capabilities than the sensor, and the "
          "host's mounts from /proc/1/mountinfo\n"
          "CAP_DAC_READ_SEARCH: to open a cgroup from its id (open_by_handle_at)");
}

TEST_CASE("capabilities: CAP_SYS_ADMIN stands in for CAP_BPF and CAP_PERFMON (kernels before 5.8), not the others") {
    CHECK(missing_capabilities(caps({CAP_SYS_ADMIN, CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH})).empty());
    CHECK(missing_capabilities(caps({CAP_SYS_ADMIN})) ==
          "CAP_SYS_PTRACE: to read /proc/<pid>/exe of processes with more capabilities than the sensor, and the "
          "host's mounts from /proc/1/mountinfo\n"
          "CAP_DAC_READ_SEARCH: to open a cgroup from its id (open_by_handle_at)");
}
