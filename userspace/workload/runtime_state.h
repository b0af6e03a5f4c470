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
    // Safe to call from several threads (StateWatcher's and the engine's).
    virtual ReadStatus read(const std::string &id, WorkloadInfo &out, std::string &error) const = 0;
    // The directory below which the runtime makes one directory per
    // container, named by its id, for StateWatcher to follow; and how many
    // levels below it the state files are written (containerd:
    // <namespace>/<id>/config.json, 2; Docker: <id>/config.v2.json, 1).
    // Nothing deeper is watched: a container's own files are never followed.
    virtual std::string containers_root() const = 0;
    virtual int watch_depth() const = 0;
};

// A runtime's container id: 64 lowercase hex digits, safe in a path.
bool is_container_id(std::string_view s);

// The string members of JSON object `j` as labels, sorted, within
// kMaxLabels and kMaxLabelBytes. `skip_prefix`: keys left out.
Labels labels_of(const nlohmann::json &j, std::string_view skip_prefix = {});

// Sets out.image and its split parts.
void set_image(WorkloadInfo &out, std::string image);

}  // namespace crowsnest
