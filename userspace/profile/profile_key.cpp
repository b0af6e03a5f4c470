#include "profile/profile_key.h"

#include <algorithm>

namespace crowsnest {

namespace {

// Kubernetes' random suffixes avoid vowels and look-alike characters
// (apimachinery's rand.SafeEncodeString alphabet).
bool safe_alphabet(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::string_view("bcdfghjklmnpqrstvwxz2456789").find(c) != std::string_view::npos;
    });
}
bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The last "-part" of `name`, or "" when there is none.
std::string_view last_part(std::string_view name) {
    const size_t dash = name.rfind('-');
    return dash == std::string_view::npos || dash == 0 ? std::string_view() : name.substr(dash + 1);
}
std::string_view drop_last_part(std::string_view name) { return name.substr(0, name.rfind('-')); }

}  // namespace

std::string pod_owner_name(std::string_view pod_name, const Labels &pod_labels) {
    std::string_view name = pod_name;
    std::string_view part = last_part(name);
    if (part.size() == 5 && safe_alphabet(part)) {
        name = drop_last_part(name);
        part = last_part(name);
        const std::string *hash = find_label(pod_labels, "pod-template-hash");
        const bool template_hash = hash ? part == *hash : part.size() >= 6 && part.size() <= 10 && safe_alphabet(part);
        if (template_hash || all_digits(part)) name = drop_last_part(name);
    } else if (all_digits(part)) {
        name = drop_last_part(name);
    }
    return std::string(name);
}

std::string profile_key(const ContainerInfo &container, const WorkloadInfo *w, std::string_view owner_label) {
    if (container.id.empty()) return "";
    if (w && !w->name.empty()) {
        const std::string &repo = w->image_repository.empty() ? w->image : w->image_repository;
        if (!w->pod_namespace.empty() && !w->pod_name.empty()) {
            const std::string *label = owner_label.empty() ? nullptr : find_label(w->pod_labels, owner_label);
            const std::string owner = label && !label->empty() ? *label : pod_owner_name(w->pod_name, w->pod_labels);
            return w->pod_namespace + "/" + owner + "/" + w->name + "@" + repo;
        }
        if (!repo.empty()) return w->name + "@" + repo;
    }
    return "id:" + container.id;
}

}  // namespace crowsnest
