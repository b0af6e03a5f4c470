// Reads a process's TaskFacts (event/process_info.h) from its /proc
// directory: stat, status, loginuid, cwd, environ, the exe link, and the
// names of its ids in its own root's /etc/passwd and /etc/group, never the
// host's for a container process.
#pragma once

#include <string>

#include "event/process_info.h"

namespace crowsnest {

// `dir` is "/proc/<pid>". False (and out.known false) when the process is gone.
bool read_task_facts(const std::string &dir, TaskFacts &out);

// The name of `id` in a passwd or group file's text (both keep the id in
// their third field); "" when no line has it.
std::string id_name(const std::string &file_text, uint32_t id);

}  // namespace crowsnest
