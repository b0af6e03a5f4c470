// Reads a process's TaskFacts (event/process_info.h) from its /proc
// directory: stat, status, loginuid, cwd, environ, the exe link, and the
// names of its ids in its own root's /etc/passwd and /etc/group, never the
// host's for a container process.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <unordered_map>

#include "event/process_info.h"

namespace crowsnest {

using IdNames = std::unordered_map<uint32_t, std::string>;

// Each id's name in a passwd or group file's text (both keep the id in the
// third field); the first line wins.
void parse_id_names(const std::string &file_text, IdNames &out);

// passwd and group files parsed once per version (device, inode, size,
// change time), so that an exec costs one stat of each, not a read and a
// parse: a container cannot make the engine re-read a large file per exec.
class IdNameCache {
public:
    // The name of `id` in the file at `path`; "" when it is not listed or
    // the file cannot be read (or is larger than kMaxFile).
    std::string name(const std::string &path, uint32_t id);

    static constexpr size_t kMaxFile = 256 * 1024;
    static constexpr size_t kMaxFiles = 256;  // versions kept; all are forgotten past it
    size_t size() const { return files_.size(); }

private:
    using Key = std::tuple<dev_t, ino_t, off_t, int64_t>;
    std::map<Key, IdNames> files_;
};

// `dir` is "/proc/<pid>". False (and out.known false) when the process is gone.
bool read_task_facts(const std::string &dir, IdNameCache &names, TaskFacts &out);

}  // namespace crowsnest
