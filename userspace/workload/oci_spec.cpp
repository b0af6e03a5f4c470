#include "workload/oci_spec.h"

#include "workload/json_file.h"

namespace crowsnest {

std::string oci_annotation(const nlohmann::json &spec, std::string_view key) {
    return json_string(json_member(spec, "annotations"), key);
}

WorkloadInfo::Privileged oci_privileged(const nlohmann::json &spec) {
    using P = WorkloadInfo::Privileged;
    const nlohmann::json &bounding = json_member(json_member(json_member(spec, "process"), "capabilities"), "bounding");
    if (!bounding.is_array()) return P::Unknown;
    bool sys_admin = false;
    for (const auto &c : bounding) sys_admin |= c.is_string() && c.get_ref<const std::string &>() == "CAP_SYS_ADMIN";
    if (!sys_admin) return P::No;
    const nlohmann::json &masked = json_member(json_member(spec, "linux"), "maskedPaths");
    return masked.is_array() && !masked.empty() ? P::No : P::Yes;
}

}  // namespace crowsnest
