// What a container runtime recorded about a container on the node: its
// name, image and Kubernetes pod. Read from the runtime's state files by
// userspace/workload/ and reported under Falco's field names
// (container.name, container.image.*, k8s.pod.name, k8s.ns.name...).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crowsnest {

using Labels = std::vector<std::pair<std::string, std::string>>;  // sorted by key, keys unique

// The value of `key` in sorted `labels`, or nullptr.
inline const std::string *find_label(const Labels &labels, std::string_view key) {
    for (const auto &[k, v] : labels)
        if (k == key) return &v;
    return nullptr;
}

struct WorkloadInfo {
    enum class Privileged : uint8_t { Unknown, No, Yes };

    std::string runtime;           // whose state named it: docker, containerd, cri-o, podman
    std::string name;              // the container's name (in Kubernetes: its name in the pod spec)
    std::string image;             // the image as the runtime recorded it: [registry/]repo[:tag][@digest]
    std::string image_repository;  // image split (see workload/image_ref.h)
    std::string image_tag;
    std::string image_digest;      // "sha256:..." when the reference names one
    std::string pod_name, pod_namespace, pod_uid;
    bool sandbox = false;          // the pod's sandbox ("pause") container, not a workload
    Privileged privileged = Privileged::Unknown;
    Labels labels;                 // the container's labels
    Labels pod_labels;             // the pod's labels, where the runtime records them
};

}  // namespace crowsnest
