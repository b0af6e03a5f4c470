// CRI-O: <run root>/overlay-containers/<id>/userdata/config.json, the
// container's OCI spec, whose annotations CRI-O fills (io.kubernetes.cri-o.*,
// CRI-O's pkg/annotations) with the container's labels as a JSON string
// (io.kubernetes.cri-o.Labels: kubelet's io.kubernetes.pod.name, .namespace,
// .uid and io.kubernetes.container.name). A pod's own labels are on its
// sandbox, found through io.kubernetes.cri-o.SandboxID.
#pragma once

#include "workload/runtime_state.h"

namespace crowsnest {

class CrioState : public RuntimeState {
public:
    // run_root: containers/storage's runroot (default /run/containers/storage)
    explicit CrioState(std::string run_root);
    std::string_view runtime() const override { return "cri-o"; }
    ReadStatus read(const std::string &id, WorkloadInfo &out, std::string &error) const override;
    std::string containers_root() const override { return containers_dir_; }
    int watch_depth() const override { return 2; }

private:
    ReadStatus read_spec(const std::string &id, nlohmann::json &spec, std::string &error) const;
    std::string containers_dir_;
};

}  // namespace crowsnest
