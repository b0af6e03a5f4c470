// What a process runs, as the process table knows it, and the lookup that
// rules use to walk up its ancestors (proc.aname[N]) without knowing where
// the table gets its answers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace crowsnest {

struct ProcessInfo {
    uint32_t pid = 0;
    uint32_t ppid = 0;
    std::string comm;
    std::string exe;                // the path that was executed
    std::vector<std::string> args;  // argv, argv[0] included
};

class ProcessLookup {
public:
    virtual ~ProcessLookup() = default;
    // The process with this pid, or nullptr when it is unknown. The pointer
    // stays valid while the current event is handled.
    virtual const ProcessInfo *find(uint32_t pid) = 0;
};

}  // namespace crowsnest
