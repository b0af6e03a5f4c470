#include "enrich/cgroup_path.h"

#include <algorithm>
#include <vector>

namespace crowsnest {
namespace {

bool is_hex(std::string_view s, size_t length) {
    return s.size() == length &&
           std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// A container id: 64 lowercase hex digits.
bool is_hex_id(std::string_view s) { return is_hex(s, 64); }

// 8-4-4-4-12 hex digits and dashes.
bool is_uuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (size_t i = 0; i < s.size(); i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        char c = s[i];
        if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

bool strip_prefix(std::string_view &s, std::string_view prefix) {
    if (s.substr(0, prefix.size()) != prefix) return false;
    s.remove_prefix(prefix.size());
    return true;
}

bool strip_suffix(std::string_view &s, std::string_view suffix) {
    if (s.size() < suffix.size() || s.substr(s.size() - suffix.size()) != suffix) return false;
    s.remove_suffix(suffix.size());
    return true;
}

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> parts;
    while (!path.empty()) {
        size_t slash = path.find('/');
        std::string_view part = path.substr(0, slash);
        if (!part.empty()) parts.push_back(part);
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return parts;
}

// "<prefix><64 hex>.scope" (systemd driver) or "<prefix><64 hex>" (cgroupfs).
bool scoped_id(std::string_view part, std::string_view prefix, std::string &id) {
    if (!strip_prefix(part, prefix)) return false;
    strip_suffix(part, ".scope");
    if (!is_hex_id(part)) return false;
    id.assign(part);
    return true;
}

// One component naming a container: sets id and runtime.
bool container_component(std::string_view part, std::string_view parent, ContainerInfo &out) {
    static const struct {
        std::string_view prefix, runtime;
    } scoped[] = {
        {"docker-", "docker"},
        {"cri-containerd-", "containerd"},
        {"crio-", "cri-o"},
        {"libpod-", "podman"},
    };
    for (const auto &s : scoped) {
        if (scoped_id(part, s.prefix, out.id)) {
            out.runtime = s.runtime;
            return true;
        }
    }
    if (!is_hex_id(part)) return false;
    out.id.assign(part);
    if (parent == "docker")
        out.runtime = "docker";
    else if (parent.substr(0, 3) == "pod")
        out.runtime = "cri";  // kubelet's cgroupfs driver does not name the runtime
    else
        out.runtime = "unknown";
    return true;
}

// A Kubernetes pod UID: a UUID, or for a static pod (etcd, kube-apiserver...)
// the MD5 of its manifest, 32 hex digits.
bool is_pod_uid(std::string_view s) { return is_uuid(s) || is_hex(s, 32); }

bool has_kubepods(std::string_view part) { return part.find("kubepods") != std::string_view::npos; }

// "pod<uid>" (cgroupfs) or "<...>kubepods[-<qos>]-pod<uid_with_underscores>.slice"
// (systemd; kind's --cgroup-root=/kubelet makes it "kubelet-kubepods-...").
bool pod_component(std::string_view part, std::string &uid) {
    std::string_view rest = part;
    if (!strip_prefix(rest, "pod")) {
        if (!has_kubepods(rest) || !strip_suffix(rest, ".slice")) return false;
        const size_t at = rest.rfind("-pod");
        if (at == std::string_view::npos) return false;
        rest.remove_prefix(at + 4);
    }
    std::string candidate(rest);
    std::replace(candidate.begin(), candidate.end(), '_', '-');
    if (!is_pod_uid(candidate)) return false;
    uid = std::move(candidate);
    return true;
}

}  // namespace

ContainerInfo parse_cgroup_path(std::string_view path) {
    ContainerInfo info;
    const auto parts = split_path(path);
    // the innermost container wins (a kind node inside Docker nests them)
    size_t container_at = parts.size();
    for (size_t i = parts.size(); i-- > 0;) {
        if (container_component(parts[i], i > 0 ? parts[i - 1] : std::string_view(), info)) {
            container_at = i;
            break;
        }
    }
    const bool under_kubepods =
        std::any_of(parts.begin(), parts.begin() + std::min(container_at, parts.size()), has_kubepods);
    if (under_kubepods) {
        for (size_t i = std::min(container_at, parts.size()); i-- > 0;)
            if (pod_component(parts[i], info.pod_uid)) break;
    }
    return info;
}

}  // namespace crowsnest
