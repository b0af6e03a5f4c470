#include "workload/containerd_state.h"

#include <dirent.h>

#include <memory>

#include "workload/oci_spec.h"

namespace crowsnest {

ContainerdState::ContainerdState(std::string state_dir)
    : tasks_dir_(std::move(state_dir) + "/io.containerd.runtime.v2.task") {}

ReadStatus ContainerdState::read(const std::string &id, WorkloadInfo &out, std::string &error) const {
    // the namespace is not in the cgroup path: each is tried (a node has a few: k8s.io, moby, default)
    std::unique_ptr<DIR, int (*)(DIR *)> dir(opendir(tasks_dir_.c_str()), closedir);
    if (!dir) return ReadStatus::Absent;
    nlohmann::json spec;
    ReadStatus status = ReadStatus::Absent;
    while (const dirent *d = readdir(dir.get())) {
        if (d->d_name[0] == '.') continue;
        status = read_json_file(tasks_dir_ + "/" + d->d_name + "/" + id + "/config.json", kMaxStateFileBytes, spec,
                                error);
        if (status != ReadStatus::Absent) break;
    }
    if (status != ReadStatus::Ok) return status;
    if (!spec.is_object()) {
        error = "config.json of " + id + ": not an OCI spec (not an object)";
        return ReadStatus::Malformed;
    }
    out.runtime = "containerd";
    out.sandbox = oci_annotation(spec, "io.kubernetes.cri.container-type") == "sandbox";
    out.name = oci_annotation(spec, "io.kubernetes.cri.container-name");
    out.pod_name = oci_annotation(spec, "io.kubernetes.cri.sandbox-name");
    out.pod_namespace = oci_annotation(spec, "io.kubernetes.cri.sandbox-namespace");
    out.pod_uid = oci_annotation(spec, "io.kubernetes.cri.sandbox-uid");
    std::string image = oci_annotation(spec, "io.kubernetes.cri.image-name");
    if (image.empty() && out.sandbox) image = oci_annotation(spec, "io.kubernetes.cri.podsandbox.image-name");
    if (!image.empty()) set_image(out, std::move(image));
    out.privileged = oci_privileged(spec);
    return ReadStatus::Ok;
}

}  // namespace crowsnest
