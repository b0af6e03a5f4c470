// pid -> what the process runs (exe, arguments, parent), so that a connect or
// an open can be reported with its process's command line and its parent.
// Fed by exec and exit events, seeded from /proc at start, and filled from
// /proc on a miss (a process forked before the sensor started, say).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "event/event.h"
#include "enrich/task_facts.h"
#include "event/process_info.h"

namespace crowsnest {

class ProcessTable final : public ProcessLookup {
public:
    explicit ProcessTable(std::string proc_root = "/proc", size_t capacity = 65536);

    // Reads every process under proc_root. Returns how many were read.
    size_t seed();

    // A successful exec replaced the process image.
    void on_exec(const Event &exec);
    // The process ended.
    void on_exit(uint32_t pid) { table_.erase(pid); }

    // The longest command line read from proc_root: past it, it is cut.
    static constexpr size_t kMaxCmdline = 256 * 1024;

    // The process's arguments, from proc_root (`cut` when longer than
    // kMaxCmdline). False when the process is gone or has none.
    bool read_cmdline(uint32_t pid, std::vector<std::string> &args, bool &cut) const;

    // The process, from the table or else from proc_root; nullptr if unknown.
    // Pointers stay valid until prune().
    const ProcessInfo *find(uint32_t pid) override;

    // Keeps the table within its capacity (exit events can be lost): drops
    // processes that no longer run, then, if still full, an arbitrary half.
    // Forgets which pids were found gone. Called between events, never while
    // one is being handled (every 10 s).
    void prune();

    size_t size() const { return table_.size(); }

private:
    bool read_from_proc(uint32_t pid, ProcessInfo &out);

    std::string proc_root_;
    size_t capacity_;
    std::unordered_map<uint32_t, ProcessInfo> table_;
    // Pids not in proc_root when last looked for: the events of a process
    // that has exited (a burst read late) are not each a failed read of
    // /proc. Until the next prune(), or an exec of that pid: a pid is not
    // reused that soon (the kernel hands them out in order, to pid_max).
    std::unordered_set<uint32_t> gone_;
    IdNameCache id_names_;  // the processes' /etc/passwd and /etc/group, parsed once per version
};

}  // namespace crowsnest
