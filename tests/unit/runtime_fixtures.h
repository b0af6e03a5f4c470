// Container runtimes' state on a node, laid out under a test directory the
// way each runtime writes it (paths and keys from the runtimes' documented
// formats; the values are this project's own), for the workload readers.
#pragma once

#include <string>

#include "test_util.h"

namespace crowsnest::test {

inline const std::string kCtrId = "c0ffee0000000000000000000000000000000000000000000000000000000001";
inline const std::string kSandboxId = "5a4db0c000000000000000000000000000000000000000000000000000000002";

// An OCI runtime spec with these annotations (a JSON object's members)
// and, privileged or not, the capabilities and masked paths to match.
inline std::string oci_spec(const std::string &annotations, bool privileged = false) {
    const std::string caps = privileged ? R"("CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_SYS_PTRACE", "CAP_NET_ADMIN")"
                                        : R"("CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE")";
    const std::string masked = privileged ? "" : R"("maskedPaths": ["/proc/kcore", "/proc/keys"],)";
    return R"({"ociVersion": "1.0.2-dev",
  "process": {"user": {"uid": 0, "gid": 0}, "args": ["/bin/sh"], "cwd": "/",
              "capabilities": {"bounding": [)" + caps + R"(], "effective": [)" + caps + R"(]}},
  "root": {"path": "rootfs"},
  "linux": {)" + masked + R"( "namespaces": [{"type": "pid"}, {"type": "mount"}]},
  "annotations": {)" + annotations + "}}";
}

// containerd's task bundle for `id` in `ns`, under its state directory.
inline void containerd_task(const TempDir &state, const std::string &ns, const std::string &id,
                            const std::string &spec) {
    write_file(state / ("io.containerd.runtime.v2.task/" + ns + "/" + id + "/config.json"), spec);
}

// What the CRI plugin writes for a pod's container (and its sandbox).
inline std::string cri_container_annotations(const std::string &sandbox_id) {
    return R"("io.kubernetes.cri.container-type": "container",
      "io.kubernetes.cri.sandbox-id": ")" + sandbox_id + R"(",
      "io.kubernetes.cri.sandbox-name": "web-0",
      "io.kubernetes.cri.sandbox-namespace": "shop",
      "io.kubernetes.cri.sandbox-uid": "8c1f0a2e-3b4d-4c5e-9f60-718293a4b5c6",
      "io.kubernetes.cri.container-name": "api",
      "io.kubernetes.cri.image-name": "registry.example:5000/shop/api:1.4")";
}

// CRI-O's container config under its run root.
inline void crio_container(const TempDir &run_root, const std::string &id, const std::string &spec) {
    write_file(run_root / ("overlay-containers/" + id + "/userdata/config.json"), spec);
}

// Docker's config.v2.json and hostconfig.json under its data root.
inline void docker_container(const TempDir &data_root, const std::string &id, const std::string &config,
                             const std::string &hostconfig) {
    write_file(data_root / ("containers/" + id + "/config.v2.json"), config);
    if (!hostconfig.empty()) write_file(data_root / ("containers/" + id + "/hostconfig.json"), hostconfig);
}

// A Docker config.v2.json: name, image and labels (a JSON object's members).
inline std::string docker_config(const std::string &id, const std::string &name, const std::string &image,
                                 const std::string &labels) {
    return R"({"StreamConfig": {}, "State": {"Running": true, "Pid": 4242}, "ID": ")" + id +
           R"(", "Created": "2026-11-29T10:00:00.000000000Z", "Path": "/bin/sh", "Args": [],
  "Config": {"Hostname": "c0ffee000000", "Env": ["PATH=/bin"], "Cmd": ["/bin/sh"], "Image": ")" + image +
           R"(", "Labels": {)" + labels + R"(}},
  "Image": "sha256:9d1e7b3c00000000000000000000000000000000000000000000000000000000",
  "Name": "/)" + name + R"(", "Driver": "overlay2"})";
}

}  // namespace crowsnest::test
