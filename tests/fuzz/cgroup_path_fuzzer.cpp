// libFuzzer target for cgroup path parsing: a cgroup's path is chosen by
// whoever can create cgroups (a privileged container, a runtime's naming).
// Nothing may crash; what is found must look like what it claims to be.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "enrich/cgroup_path.h"

using namespace crowsnest;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string_view path(reinterpret_cast<const char *>(data), size);
    const ContainerInfo info = parse_cgroup_path(path);
    if (!info.id.empty() && info.id.size() != 64) __builtin_trap();  // a container id is 64 hex
    if (!info.pod_uid.empty() && info.pod_uid.size() != 36 && info.pod_uid.size() != 32) __builtin_trap();
    if (!info.id.empty() && path.find(info.id) == std::string_view::npos) __builtin_trap();
    return 0;
}
