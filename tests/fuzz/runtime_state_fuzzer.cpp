// libFuzzer target for the container runtimes' state files: a node's
// runtimes write them, yet a file may be truncated mid-write, hostile (a
// compromised runtime, a crafted label) or huge. The input is written where
// each runtime keeps its record of one container, and every reader reads
// it. Nothing may crash, hang or leak; what is read must be within bounds.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "workload/containerd_state.h"
#include "workload/crio_state.h"
#include "workload/docker_state.h"
#include "workload/podman_state.h"

using namespace crowsnest;

namespace {

const std::string kId(64, 'a');

// A directory laid out for every runtime, made once per process (tmpfs when there is one).
struct Layout {
    std::string root, files[4];
    Layout() {
        std::string templ = (std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp") + std::string("/rsfuzz-XXXXXX");
        root = mkdtemp(templ.data());
        files[0] = root + "/containerd/io.containerd.runtime.v2.task/k8s.io/" + kId + "/config.json";
        files[1] = root + "/crio/overlay-containers/" + kId + "/userdata/config.json";
        files[2] = root + "/docker/containers/" + kId + "/config.v2.json";
        files[3] = root + "/podman/overlay-containers/containers.json";
        for (const auto &f : files) std::filesystem::create_directories(std::filesystem::path(f).parent_path());
        // podman's spec must name libpod for its index to be read
        std::filesystem::create_directories(root + "/podman/overlay-containers/" + kId + "/userdata");
        std::ofstream(root + "/podman/overlay-containers/" + kId + "/userdata/config.json")
            << R"({"annotations": {"io.container.manager": "libpod"}})";
    }
    ~Layout() { std::filesystem::remove_all(root); }
};

void check(const WorkloadInfo &w) {
    if (w.labels.size() > kMaxLabels || w.pod_labels.size() > kMaxLabels) __builtin_trap();
    if (w.runtime.empty()) __builtin_trap();  // a record always says whose it is
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static Layout layout;
    static const ContainerdState containerd(layout.root + "/containerd");
    static const CrioState crio(layout.root + "/crio");
    static const DockerState docker(layout.root + "/docker");
    static PodmanState podman(layout.root + "/podman");
    const RuntimeState *readers[] = {&containerd, &crio, &docker, &podman};
    for (int i = 0; i < 4; i++) {
        std::ofstream(layout.files[i], std::ios::binary | std::ios::trunc)
            .write(reinterpret_cast<const char *>(data), std::streamsize(size));
        WorkloadInfo w;
        std::string error;
        if (readers[i]->read(kId, w, error) == ReadStatus::Ok) check(w);
    }
    return 0;
}
