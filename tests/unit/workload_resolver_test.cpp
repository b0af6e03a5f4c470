// The resolver's cache: one lookup per container, misses retried at most
// once a second, errors counted, records forgotten with their container.
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <thread>

#include "runtime_fixtures.h"
#include "workload/containerd_state.h"
#include "workload/docker_state.h"
#include "workload/workload_resolver.h"

using namespace crowsnest;
using namespace crowsnest::test;

namespace {

struct Node {
    TempDir containerd, docker;
    WorkloadResolver resolver;
    explicit Node(size_t max_entries = 16384) : resolver(runtimes(), max_entries) {}
    std::vector<std::unique_ptr<RuntimeState>> runtimes() {
        std::vector<std::unique_ptr<RuntimeState>> r;
        r.push_back(std::make_unique<ContainerdState>(containerd.path()));
        r.push_back(std::make_unique<DockerState>(docker.path()));
        return r;
    }
};

std::string id_n(int n) {
    std::string id(64, '0');
    id.replace(60, 4, std::to_string(1000 + n));
    return id;
}

}  // namespace

TEST_CASE("workload resolver: a container is looked up once, host processes never", "[workload]") {
    Node node;
    containerd_task(node.containerd, "k8s.io", kCtrId, oci_spec(cri_container_annotations(kSandboxId)));
    CHECK(node.resolver.resolve(ContainerInfo{}) == nullptr);  // a host process
    CHECK(node.resolver.resolve(ContainerInfo{"../../etc", "docker", ""}) == nullptr);  // no runtime writes that
    CHECK(node.resolver.counters().lookups == 0);

    // kubelet's cgroupfs path names no runtime ("cri"): every runtime is asked
    const WorkloadInfo *w = node.resolver.resolve(ContainerInfo{kCtrId, "cri", ""});
    REQUIRE(w != nullptr);
    CHECK(w->pod_name == "web-0");
    CHECK(node.resolver.resolve(ContainerInfo{kCtrId, "cri", ""}) == w);
    CHECK(node.resolver.counters().lookups == 1);
    CHECK(node.resolver.counters().found == 1);
    CHECK(node.resolver.cached() == 1);

    // a docker-shaped cgroup whose container only containerd knows (ctr --cgroup /docker/...)
    containerd_task(node.containerd, "default", id_n(1), oci_spec(cri_container_annotations(kSandboxId)));
    const WorkloadInfo *other = node.resolver.resolve(ContainerInfo{id_n(1), "docker", ""});
    REQUIRE(other != nullptr);
    CHECK(other->runtime == "containerd");

    node.resolver.forget(kCtrId);
    CHECK(node.resolver.cached() == 1);
    REQUIRE(node.resolver.resolve(ContainerInfo{kCtrId, "containerd", ""}) != nullptr);
    CHECK(node.resolver.counters().lookups == 3);
}

TEST_CASE("workload resolver: a miss is retried at most once a second", "[workload]") {
    Node node;
    const ContainerInfo c{kCtrId, "docker", ""};
    CHECK(node.resolver.resolve(c) == nullptr);
    CHECK(node.resolver.counters().missing == 1);
    // the runtime writes its state a moment later
    docker_container(node.docker, kCtrId, docker_config(kCtrId, "late", "busybox:1", ""), "");
    CHECK(node.resolver.resolve(c) == nullptr);  // within the second: not asked again
    CHECK(node.resolver.counters().lookups == 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    const WorkloadInfo *w = node.resolver.resolve(c);
    REQUIRE(w != nullptr);
    CHECK(w->name == "late");
    CHECK(node.resolver.counters().lookups == 2);
}

TEST_CASE("workload resolver: a malformed state file is counted, harmless, and read again once fixed",
          "[workload]") {
    Node node;
    const ContainerInfo c{kCtrId, "docker", ""};
    docker_container(node.docker, kCtrId, R"({"Name": "/half", "Config": {"Ima)", "");
    CHECK(node.resolver.resolve(c) == nullptr);
    CHECK(node.resolver.counters().errors == 1);
    CHECK(node.resolver.counters().missing == 1);
    docker_container(node.docker, kCtrId, docker_config(kCtrId, "whole", "busybox:1", ""), "");
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    const WorkloadInfo *w = node.resolver.resolve(c);
    REQUIRE(w != nullptr);
    CHECK(w->name == "whole");
}

TEST_CASE("workload resolver: the cache is bounded", "[workload]") {
    Node node(8);
    for (int i = 0; i < 100; i++) {
        docker_container(node.docker, id_n(i), docker_config(id_n(i), "c" + std::to_string(i), "busybox:1", ""), "");
        const WorkloadInfo *w = node.resolver.resolve(ContainerInfo{id_n(i), "docker", ""});
        REQUIRE(w != nullptr);
        CHECK(w->name == "c" + std::to_string(i));
        CHECK(node.resolver.cached() <= 8);
    }
    CHECK(node.resolver.counters().lookups == 100);
    CHECK(node.resolver.counters().lookup_ns > 0);
}
