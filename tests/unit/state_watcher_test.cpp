// StateWatcher: records read as the runtime writes them, kept after the
// container's state is removed, and runtimes that appear after the start.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <thread>

#include "runtime_fixtures.h"
#include "workload/containerd_state.h"
#include "workload/docker_state.h"
#include "workload/state_watcher.h"
#include "workload/workload_resolver.h"

using namespace crowsnest;
using namespace crowsnest::test;

namespace {

// Polls `done` for up to `limit`: the watcher works on its own thread.
bool eventually(const std::function<bool()> &done, std::chrono::milliseconds limit = std::chrono::milliseconds(3000)) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return done();
}

const std::string kLateId = "feed000000000000000000000000000000000000000000000000000000000003";

}  // namespace

TEST_CASE("state watcher: containers there at start and written later are read, and kept once removed",
          "[workload]") {
    TempDir containerd, docker;
    containerd_task(containerd, "k8s.io", kCtrId, oci_spec(cri_container_annotations(kSandboxId)));
    std::filesystem::create_directories(docker / "containers");
    ContainerdState ctrd(containerd.path());
    DockerState dock(docker.path());
    StateWatcher watcher({&ctrd, &dock});
    std::string error;
    REQUIRE(watcher.start(error));

    WorkloadInfo info;
    REQUIRE(watcher.find(kCtrId, info));  // there before the watcher started
    CHECK(info.pod_name == "web-0");
    CHECK_FALSE(watcher.find(kLateId, info));

    // a new namespace directory and a container in it, after the start
    containerd_task(containerd, "moby", kLateId, oci_spec(cri_container_annotations(kSandboxId)));
    CHECK(eventually([&] { return watcher.find(kLateId, info); }));
    CHECK(info.pod_namespace == "shop");

    // Docker's record, written by rename as dockerd does
    const std::string docker_id = std::string(63, 'd') + "4";
    write_file(docker / ("containers/" + docker_id + "/config.v2.json.tmp"),
               docker_config(docker_id, "renamed", "busybox:1", ""));
    std::filesystem::rename(docker / ("containers/" + docker_id + "/config.v2.json.tmp"),
                            docker / ("containers/" + docker_id + "/config.v2.json"));
    CHECK(eventually([&] { return watcher.find(docker_id, info) && info.name == "renamed"; }));

    // a `--rm` container's state goes at its exit: its events may still be in flight
    std::filesystem::remove_all(containerd / ("io.containerd.runtime.v2.task/moby/" + kLateId));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(watcher.find(kLateId, info));
    CHECK(watcher.records() == 3);
}

TEST_CASE("state watcher: a runtime whose state directory appears after the start is followed", "[workload]") {
    TempDir node;
    const std::string root = node / "containerd";  // containerd not started yet
    ContainerdState ctrd(root);
    StateWatcher watcher({&ctrd});
    std::string error;
    REQUIRE(watcher.start(error));
    WorkloadInfo info;
    std::filesystem::create_directories(root + "/io.containerd.runtime.v2.task");
    // its root is looked for again every few seconds
    std::this_thread::sleep_for(std::chrono::milliseconds(5500));
    write_file(root + "/io.containerd.runtime.v2.task/k8s.io/" + kCtrId + "/config.json",
               oci_spec(cri_container_annotations(kSandboxId)));
    CHECK(eventually([&] { return watcher.find(kCtrId, info); }, std::chrono::milliseconds(6000)));
    CHECK(info.name == "api");
}

TEST_CASE("state watcher: the resolver takes the watcher's record of a container already gone", "[workload]") {
    TempDir containerd;
    std::filesystem::create_directories(containerd / "io.containerd.runtime.v2.task");
    std::vector<std::unique_ptr<RuntimeState>> runtimes;
    runtimes.push_back(std::make_unique<ContainerdState>(containerd.path()));
    WorkloadResolver resolver(std::move(runtimes));
    std::string error;
    REQUIRE(resolver.watch(error));

    containerd_task(containerd, "k8s.io", kCtrId, oci_spec(cri_container_annotations(kSandboxId)));
    // the runtime reads ahead of the engine; then the container exits and its bundle goes
    const std::string bundle = containerd / ("io.containerd.runtime.v2.task/k8s.io/" + kCtrId);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    std::filesystem::remove_all(bundle);
    const WorkloadInfo *w = resolver.resolve(ContainerInfo{kCtrId, "cri", ""});
    REQUIRE(w != nullptr);
    CHECK(w->pod_name == "web-0");
    CHECK(resolver.counters().watched == 1);
    CHECK(resolver.counters().found == 1);
}
