// Where the engine reads the host from, as the options name them: the
// cgroup2 mount and the container runtimes' state. The daemon and the
// pipeline benchmark (scripts/bench_pipeline.cpp) build theirs here.
#pragma once

#include <memory>
#include <string>

#include "app/options.h"
#include "workload/workload_resolver.h"

namespace crowsnest {

// The runtimes whose state names each container's workload: their
// directories as given, or their defaults under the host's root.
std::unique_ptr<WorkloadResolver> make_workload_resolver(const Options &o);

// The cgroup2 mount as the host has it ("" if none). In a container
// (--host-root DIR) the container's own /sys/fs/cgroup is a view of its own
// cgroup, or missing: the host's init (hostPID, CAP_SYS_PTRACE) names the
// host's mount, reached under DIR. `mountinfo`: the file read.
std::string host_cgroup2_mount(const std::string &host_root, const char *&mountinfo);

}  // namespace crowsnest
