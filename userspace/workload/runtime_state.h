// One container runtime's records on the node, read from its state files
// (under --host-root): what it says about a container, by id. Each runtime
// has one implementation; WorkloadResolver asks them in turn.
#pragma once

#include <string>
#include <string_view>

#include "event/workload_info.h"
#include "workload/json_file.h"

namespace crowsnest {

// Bounds on what one container's state may cost to read.
constexpr size_t kMaxStateFileBytes = 4u << 20;   // an OCI spec or a Docker config is ~10-50 KB
constexpr size_t kMaxLabels = 256;                // per container or pod, the rest ignored
constexpr size_t kMaxLabelBytes = 64u << 10;      // all keys and values of one set together

class RuntimeState {
public:
    virtual ~RuntimeState() = default;
    // "containerd", "cri-o", "docker", "podman": as the cgroup path names it.
    virtual std::string_view runtime() const = 0;
    // What the runtime recorded about container `id` (64 hex digits).
    // Absent: it has no record of it (yet). Malformed: `error` says why.
    virtual ReadStatus read(const std::string &id, WorkloadInfo &out, std::string &error) const = 0;
};

// A runtime's container id: 64 lowercase hex digits, safe in a path.
bool is_container_id(std::string_view s);

// The string members of JSON object `j` as labels, sorted, within
// kMaxLabels and kMaxLabelBytes. `skip_prefix`: keys left out.
Labels labels_of(const nlohmann::json &j, std::string_view skip_prefix = {});

// Sets out.image and its split parts.
void set_image(WorkloadInfo &out, std::string image);

}  // namespace crowsnest
