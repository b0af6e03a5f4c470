#include "workload/crio_state.h"

#include "workload/image_ref.h"
#include "workload/oci_spec.h"

namespace crowsnest {
namespace {

// io.kubernetes.cri-o.Labels (or .Metadata): a JSON object inside a string.
nlohmann::json json_annotation(const nlohmann::json &spec, std::string_view key) {
    nlohmann::json j;
    std::string ignored;
    const std::string text = oci_annotation(spec, key);
    if (text.empty() || !parse_json_bounded(text, j, ignored) || !j.is_object()) return nlohmann::json::object();
    return j;
}

}  // namespace

CrioState::CrioState(std::string run_root) : containers_dir_(std::move(run_root) + "/overlay-containers") {}

ReadStatus CrioState::read_spec(const std::string &id, nlohmann::json &spec, std::string &error) const {
    const ReadStatus status =
        read_json_file(containers_dir_ + "/" + id + "/userdata/config.json", kMaxStateFileBytes, spec, error);
    if (status == ReadStatus::Ok && !spec.is_object()) {
        error = "config.json of " + id + ": not an OCI spec (not an object)";
        return ReadStatus::Malformed;
    }
    return status;
}

ReadStatus CrioState::read(const std::string &id, WorkloadInfo &out, std::string &error) const {
    nlohmann::json spec;
    if (const ReadStatus status = read_spec(id, spec, error); status != ReadStatus::Ok) return status;
    // podman keeps its bundles in the same layout: only CRI-O's are CRI-O's
    if (oci_annotation(spec, "io.container.manager") == "libpod") return ReadStatus::Absent;
    const nlohmann::json labels = json_annotation(spec, "io.kubernetes.cri-o.Labels");
    out.runtime = "cri-o";
    out.sandbox = oci_annotation(spec, "io.kubernetes.cri-o.ContainerType") == "sandbox";
    out.name = json_string(labels, "io.kubernetes.container.name");
    if (out.name.empty()) out.name = json_string(json_annotation(spec, "io.kubernetes.cri-o.Metadata"), "name");
    out.pod_name = json_string(labels, "io.kubernetes.pod.name");
    out.pod_namespace = json_string(labels, "io.kubernetes.pod.namespace");
    out.pod_uid = json_string(labels, "io.kubernetes.pod.uid");
    std::string image = oci_annotation(spec, "io.kubernetes.cri-o.ImageName");
    if (image.empty()) image = oci_annotation(spec, "io.kubernetes.cri-o.Image");
    if (!image.empty()) set_image(out, std::move(image));
    // ImageRef names the image by digest ("repo@sha256:..."), where the name may not
    if (out.image_digest.empty()) out.image_digest = split_image_ref(oci_annotation(spec, "io.kubernetes.cri-o.ImageRef")).digest;
    out.privileged = oci_privileged(spec);
    out.labels = labels_of(labels);

    const std::string sandbox = oci_annotation(spec, "io.kubernetes.cri-o.SandboxID");
    nlohmann::json sandbox_spec;
    std::string ignored;  // a pod's labels are a bonus: the container's record stands without them
    if (out.sandbox)
        out.pod_labels = labels_of(labels, "io.kubernetes.");
    else if (is_container_id(sandbox) && sandbox != id && read_spec(sandbox, sandbox_spec, ignored) == ReadStatus::Ok)
        out.pod_labels = labels_of(json_annotation(sandbox_spec, "io.kubernetes.cri-o.Labels"), "io.kubernetes.");
    return ReadStatus::Ok;
}

}  // namespace crowsnest
