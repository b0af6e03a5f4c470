// Reads the container behind a cgroup v2 path, from the path shapes that
// Docker, containerd/CRI, CRI-O, podman and the kubelet create.
#pragma once

#include <string_view>

#include "event/container_info.h"

namespace crowsnest {

// `path` is relative to the cgroup2 mount, e.g. "/docker/<64 hex>" or
// "/kubepods.slice/.../cri-containerd-<id>.scope".
ContainerInfo parse_cgroup_path(std::string_view path);

}  // namespace crowsnest
