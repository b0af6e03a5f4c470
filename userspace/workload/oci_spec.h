// What the OCI runtime spec of a container (its bundle's config.json, as
// containerd, CRI-O and podman write it) tells about the workload.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "event/workload_info.h"

namespace crowsnest {

// The annotation `key` of the spec, or "".
std::string oci_annotation(const nlohmann::json &spec, std::string_view key);

// A privileged container (docker run --privileged, a Kubernetes
// securityContext.privileged) is given CAP_SYS_ADMIN and no masked /proc
// paths; an unprivileged one has masked paths. Unknown without capabilities.
WorkloadInfo::Privileged oci_privileged(const nlohmann::json &spec);

}  // namespace crowsnest
