// The cgroup of an event and the container it stands for.
#pragma once

#include <string>

namespace crowsnest {

struct ContainerInfo {
    std::string id;       // empty: not a container (a host process)
    std::string runtime;  // docker, containerd, cri-o, podman, cri (kubelet cgroupfs)
    std::string pod_uid;  // Kubernetes pod UID with dashes, or empty
};

struct CgroupEntry {
    std::string path;  // below the cgroup2 mount; "/" is the root cgroup
    ContainerInfo container;
};

}  // namespace crowsnest
