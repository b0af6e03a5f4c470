// Docker: <data root>/containers/<id>/config.v2.json (name, image, labels)
// and hostconfig.json beside it (privileged), written at `docker create`.
// On Kubernetes nodes with dockershim or cri-dockerd, kubelet's labels
// (io.kubernetes.pod.name, .namespace, .uid, io.kubernetes.container.name,
// io.kubernetes.docker.type) name the pod, and the pod's labels are on its
// sandbox container (io.kubernetes.sandbox.id).
#pragma once

#include "workload/runtime_state.h"

namespace crowsnest {

class DockerState : public RuntimeState {
public:
    // data_root: dockerd's --data-root (default /var/lib/docker)
    explicit DockerState(std::string data_root);
    std::string_view runtime() const override { return "docker"; }
    ReadStatus read(const std::string &id, WorkloadInfo &out, std::string &error) const override;
    std::string containers_root() const override { return containers_dir_; }
    int watch_depth() const override { return 1; }

private:
    ReadStatus read_config(const std::string &id, nlohmann::json &config, std::string &error) const;
    std::string containers_dir_;
};

}  // namespace crowsnest
