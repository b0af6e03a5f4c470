// The in-kernel prefilter's maps, written from userspace: the condition
// (two slots, switched so that a program never reads one half-written), the
// types that consumers of every event hold open, the cgroups known to be
// the host's, and the protected host files by identity.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "event/prefilter_spec.h"

namespace crowsnest {

struct PrefilterMapFds {
    int slots = -1, state = -1, host_cgroups = -1, host_files = -1, host_dirs = -1;
};

class PrefilterMaps {
public:
    explicit PrefilterMaps(PrefilterMapFds fds) : fds_(fds) {}

    // Installs `spec` (a rule reload's): the next event is judged by it.
    // False (nothing changed) when the kernel refuses the write.
    bool install(const PrefilterSummary &spec, uint32_t host_pid_ns);
    // Event types (bits 1 << EventType) whose every event is sent, whatever
    // the condition: while --events or a StreamEvents client needs them.
    bool hold_open(uint32_t types);
    // A cgroup userspace resolved as the host's.
    void mark_host_cgroup(uint64_t cgroup_id);
    // The protected host files and directories (whose every file below is
    // protected), by (dev, inode), userspace dev_t. When they do not all
    // fit, the condition stops using the fact.
    using Identities = std::vector<std::pair<uint64_t, uint64_t>>;
    void set_host_files(const Identities &files, const Identities &dirs);
    // Bits 1 << EventType of the types filtered in the kernel now.
    uint32_t filtered_types() const;

private:
    bool write_state();
    bool write_slot(uint32_t slot);
    bool replace(int fd, const Identities &fresh, Identities &in_map);

    PrefilterMapFds fds_;
    PrefilterSummary spec_;
    uint32_t host_pid_ns_ = 0;
    uint32_t slot_ = 0, open_types_ = 0;
    bool installed_ = false;
    bool host_files_complete_ = true;
    Identities files_in_map_, dirs_in_map_;
};

}  // namespace crowsnest
