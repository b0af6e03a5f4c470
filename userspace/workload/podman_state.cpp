#include "workload/podman_state.h"

#include <sys/stat.h>

#include "workload/oci_spec.h"

namespace crowsnest {

PodmanState::PodmanState(std::string graph_root) : containers_dir_(std::move(graph_root) + "/overlay-containers") {}

ReadStatus PodmanState::load_records(std::string &error) const {
    const std::string path = containers_dir_ + "/containers.json";
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) {
        records_.clear();
        records_size_ = -1;
        return ReadStatus::Absent;
    }
    if (st.st_size == records_size_ && st.st_mtim.tv_sec == records_mtime_.tv_sec &&
        st.st_mtim.tv_nsec == records_mtime_.tv_nsec)
        return ReadStatus::Ok;
    nlohmann::json all;
    if (const ReadStatus status = read_json_file(path, kMaxIndexBytes, all, error); status != ReadStatus::Ok)
        return status;
    if (!all.is_array()) {
        error = path + ": not an array of containers";
        return ReadStatus::Malformed;
    }
    records_.clear();
    for (const auto &c : all) {
        const std::string id = json_string(c, "id");
        if (!is_container_id(id)) continue;
        nlohmann::json metadata;
        std::string ignored;  // an entry without podman's metadata keeps its storage names
        parse_json_bounded(json_string(c, "metadata"), metadata, ignored);
        Record r{json_string(metadata, "name"), json_string(metadata, "image-name")};
        const nlohmann::json &names = json_member(c, "names");
        if (r.name.empty() && names.is_array() && !names.empty() && names[0].is_string())
            r.name = names[0].get<std::string>();
        records_[id] = std::move(r);
    }
    records_size_ = st.st_size;
    records_mtime_ = st.st_mtim;
    return ReadStatus::Ok;
}

ReadStatus PodmanState::read(const std::string &id, WorkloadInfo &out, std::string &error) const {
    nlohmann::json spec;
    const ReadStatus status =
        read_json_file(containers_dir_ + "/" + id + "/userdata/config.json", kMaxStateFileBytes, spec, error);
    if (status != ReadStatus::Ok) return status;
    if (oci_annotation(spec, "io.container.manager") != "libpod") return ReadStatus::Absent;  // CRI-O's
    out.runtime = "podman";
    out.privileged = oci_privileged(spec);
    const std::lock_guard<std::mutex> lock(mu_);
    if (const ReadStatus index = load_records(error); index == ReadStatus::Malformed) return index;
    if (const auto it = records_.find(id); it != records_.end()) {
        out.name = it->second.name;
        if (!it->second.image.empty()) set_image(out, it->second.image);
    }
    return ReadStatus::Ok;
}

}  // namespace crowsnest
