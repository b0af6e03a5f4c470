// Reads the container behind a cgroup v2 path, from the path shapes that
// Docker, containerd/CRI, CRI-O, podman and the kubelet create.
#pragma once

#include <string>
#include <string_view>

namespace crowsnest {

struct ContainerInfo {
    std::string id;       // empty: not a container (a host process)
    std::string runtime;  // docker, containerd, cri-o, podman, cri (kubelet cgroupfs)
    std::string pod_uid;  // Kubernetes pod UID with dashes, or empty
};

// `path` is relative to the cgroup2 mount, e.g. "/docker/<64 hex>" or
// "/kubepods.slice/.../cri-containerd-<id>.scope".
ContainerInfo parse_cgroup_path(std::string_view path);

}  // namespace crowsnest
