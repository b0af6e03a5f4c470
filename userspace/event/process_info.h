// What a process runs, as the process table knows it, and the lookup that
// rules use to walk up its ancestors (proc.aname[N]) without knowing where
// the table gets its answers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace crowsnest {

// What /proc tells of a process when the process table learns it (at its
// exec, or when first seen): Falco's user.*, group.name, proc.tty, proc.cwd,
// thread.cap_*... As of that moment; all unset when the process had already
// ended (known == false).
struct TaskFacts {
    bool known = false;
    int64_t loginuid = -1;        // -1: not set (the kernel's 4294967295)
    uint32_t tty = 0;             // the controlling terminal's device number, 0 for none
    uint32_t sid = 0, pgid = 0;   // session and process group (host pid namespace)
    uint32_t vpid = 0, vpgid = 0; // pid and process group in the process's own pid namespace
    uint64_t cap_effective = 0, cap_permitted = 0;
    uint64_t start_boot_ns = 0;   // when the process started, on the boot-time clock
    std::string cwd;               // ending in '/', as Falco's proc.cwd
    std::vector<std::string> env;  // KEY=VALUE, as the process started
    bool exe_known = false;        // the program's file could be stat'ed
    uint64_t exe_ino = 0;
    int64_t exe_ctime_ns = 0, exe_mtime_ns = 0;  // ns since the epoch
    bool exe_from_memfd = false;   // the program is a memfd (fileless)
    uint32_t uid = 0, gid = 0;     // the ids the names below are of
    // from the process's own /etc/passwd and /etc/group (its root), "" if not listed
    std::string user_name, login_name, group_name;
};

struct ProcessInfo {
    uint32_t pid = 0;
    uint32_t ppid = 0;
    std::string comm;
    std::string exe;                // the path that was executed
    std::vector<std::string> args;  // argv, argv[0] included
    TaskFacts facts;
};

class ProcessLookup {
public:
    virtual ~ProcessLookup() = default;
    // The process with this pid, or nullptr when it is unknown. The pointer
    // stays valid while the current event is handled.
    virtual const ProcessInfo *find(uint32_t pid) = 0;
};

}  // namespace crowsnest
