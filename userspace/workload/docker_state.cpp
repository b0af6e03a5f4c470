#include "workload/docker_state.h"

namespace crowsnest {

DockerState::DockerState(std::string data_root) : containers_dir_(std::move(data_root) + "/containers") {}

ReadStatus DockerState::read_config(const std::string &id, nlohmann::json &config, std::string &error) const {
    const ReadStatus status =
        read_json_file(containers_dir_ + "/" + id + "/config.v2.json", kMaxStateFileBytes, config, error);
    if (status == ReadStatus::Ok && !config.is_object()) {
        error = "config.v2.json of " + id + ": not an object";
        return ReadStatus::Malformed;
    }
    return status;
}

ReadStatus DockerState::read(const std::string &id, WorkloadInfo &out, std::string &error) const {
    nlohmann::json config;
    if (const ReadStatus status = read_config(id, config, error); status != ReadStatus::Ok) return status;
    const nlohmann::json &labels = json_member(json_member(config, "Config"), "Labels");
    out.runtime = "docker";
    out.labels = labels_of(labels);
    out.pod_name = json_string(labels, "io.kubernetes.pod.name");
    out.pod_namespace = json_string(labels, "io.kubernetes.pod.namespace");
    out.pod_uid = json_string(labels, "io.kubernetes.pod.uid");
    out.sandbox = json_string(labels, "io.kubernetes.docker.type") == "podsandbox";
    out.name = json_string(labels, "io.kubernetes.container.name");
    if (out.name.empty()) {
        out.name = json_string(config, "Name");
        if (!out.name.empty() && out.name[0] == '/') out.name.erase(0, 1);
    }
    std::string image = json_string(json_member(config, "Config"), "Image");
    if (!image.empty()) set_image(out, std::move(image));

    nlohmann::json host;
    std::string ignored;  // without hostconfig.json, privileged stays unknown
    if (read_json_file(containers_dir_ + "/" + id + "/hostconfig.json", kMaxStateFileBytes, host, ignored) ==
            ReadStatus::Ok &&
        json_member(host, "Privileged").is_boolean())
        out.privileged = json_member(host, "Privileged").get<bool>() ? WorkloadInfo::Privileged::Yes
                                                                : WorkloadInfo::Privileged::No;

    const std::string sandbox = json_string(labels, "io.kubernetes.sandbox.id");
    nlohmann::json sandbox_config;
    if (out.sandbox)
        out.pod_labels = labels_of(labels, "io.kubernetes.");
    else if (is_container_id(sandbox) && sandbox != id && read_config(sandbox, sandbox_config, ignored) == ReadStatus::Ok)
        out.pod_labels = labels_of(json_member(json_member(sandbox_config, "Config"), "Labels"), "io.kubernetes.");
    return ReadStatus::Ok;
}

}  // namespace crowsnest
