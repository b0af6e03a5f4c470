#include "app/host_sources.h"

#include <fstream>
#include <vector>

#include "enrich/cgroup_resolver.h"
#include "util/path_util.h"
#include "workload/containerd_state.h"
#include "workload/crio_state.h"
#include "workload/docker_state.h"
#include "workload/podman_state.h"

namespace crowsnest {

std::unique_ptr<WorkloadResolver> make_workload_resolver(const Options &o) {
    auto dir = [&](const std::string &given, const char *fallback) {
        if (!given.empty()) return given;
        return o.host_root == "/" ? std::string(fallback) : o.host_root + fallback;
    };
    std::vector<std::unique_ptr<RuntimeState>> runtimes;
    runtimes.push_back(std::make_unique<ContainerdState>(dir(o.containerd_state, "/run/containerd")));
    runtimes.push_back(std::make_unique<CrioState>(dir(o.crio_root, "/run/containers/storage")));
    runtimes.push_back(std::make_unique<DockerState>(dir(o.docker_root, "/var/lib/docker")));
    runtimes.push_back(std::make_unique<PodmanState>(dir(o.podman_root, "/var/lib/containers/storage")));
    return std::make_unique<WorkloadResolver>(std::move(runtimes));
}

std::string host_cgroup2_mount(const std::string &host_root, const char *&mountinfo) {
    const bool on_host = host_root == "/";
    mountinfo = on_host ? "/proc/self/mountinfo" : "/proc/1/mountinfo";
    std::ifstream in(mountinfo);
    const std::string mount = find_cgroup2_mount(in);
    if (mount.empty() || on_host) return mount;
    return normalize_path(host_root + mount, "/");
}

}  // namespace crowsnest
