// containerd: each running task's bundle,
// <state>/io.containerd.runtime.v2.task/<namespace>/<id>/config.json, an
// OCI spec written before the container's first process starts. Under
// Kubernetes (namespace k8s.io) the CRI plugin puts the pod and container
// in its annotations (io.kubernetes.cri.*; containerd's pkg/cri/annotations).
#pragma once

#include "workload/runtime_state.h"

namespace crowsnest {

class ContainerdState : public RuntimeState {
public:
    // state_dir: containerd's --state (default /run/containerd)
    explicit ContainerdState(std::string state_dir);
    std::string_view runtime() const override { return "containerd"; }
    ReadStatus read(const std::string &id, WorkloadInfo &out, std::string &error) const override;
    std::string containers_root() const override { return tasks_dir_; }
    int watch_depth() const override { return 2; }

private:
    std::string tasks_dir_;
};

}  // namespace crowsnest
