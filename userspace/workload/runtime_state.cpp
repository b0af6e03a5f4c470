#include "workload/runtime_state.h"

#include <algorithm>

#include "workload/image_ref.h"

namespace crowsnest {

bool is_container_id(std::string_view s) {
    return s.size() == 64 &&
           std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Labels labels_of(const nlohmann::json &j, std::string_view skip_prefix) {
    Labels out;
    if (!j.is_object()) return out;
    size_t bytes = 0;
    for (const auto &[k, v] : j.items()) {
        if (!v.is_string() || (!skip_prefix.empty() && k.compare(0, skip_prefix.size(), skip_prefix) == 0)) continue;
        const auto &value = v.get_ref<const std::string &>();
        if (out.size() == kMaxLabels || bytes + k.size() + value.size() > kMaxLabelBytes) break;
        bytes += k.size() + value.size();
        out.emplace_back(k, value);
    }
    std::sort(out.begin(), out.end());  // JSON objects are read in key order already; made sure
    return out;
}

void set_image(WorkloadInfo &out, std::string image) {
    ImageRef ref = split_image_ref(image);
    out.image = std::move(image);
    out.image_repository = std::move(ref.repository);
    out.image_tag = std::move(ref.tag);
    out.image_digest = std::move(ref.digest);
}

}  // namespace crowsnest
