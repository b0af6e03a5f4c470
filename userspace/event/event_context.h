// An event with everything the engine learned about it: its container, its
// process and parent, and for opens the absolute path and the protected host
// file it reached. This is what rules match and what verdicts report.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "event/container_info.h"
#include "event/event.h"
#include "event/pipe_peer.h"
#include "event/process_info.h"
#include "event/workload_info.h"

namespace crowsnest {

struct EventContext {
    const Event *event = nullptr;
    const CgroupEntry *cgroup = nullptr;  // nullptr: the cgroup could not be resolved
    const WorkloadInfo *workload = nullptr;  // nullptr: no runtime recorded the container (or a host process)
    std::string_view node;                // the node's name (--node-name)
    const ProcessInfo *process = nullptr; // nullptr: unknown process
    const ProcessInfo *parent = nullptr;
    ProcessLookup *processes = nullptr;   // for ancestors beyond the parent (nullptr: none known)
    bool host_pid_ns = false;             // the task shares the host's pid namespace
    // exec and connect: the process as the pipe join knows it (nullptr: its
    // stdin and stdout were no pipes at its exec), the processes writing its
    // stdin's pipe and those reading its stdout's
    const PipePeer *pipe_self = nullptr;
    std::vector<const PipePeer *> stdin_writers, stdout_readers;
    std::string resolved_path;            // open: absolute and normalised
    std::string host_path;                // open: where the host has the file it reached ("" if nowhere)
    bool host_path_named = false;         // a rule compares host.path with it (Matcher::names_host_path)
    // the event's learned profile (userspace/profile/), set before rules match
    std::string_view profile_state;       // "learning" or "locked"; "" when the event has no profile
    std::string_view profile_new_kind;    // what its locked profile never saw ("exec", "connect"...), or ""

    bool in_container() const { return cgroup && !cgroup->container.id.empty(); }
};

}  // namespace crowsnest
