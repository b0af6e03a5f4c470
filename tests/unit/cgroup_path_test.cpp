// parse_cgroup_path: the container (id, runtime, pod UID) behind each cgroup
// v2 path shape that Docker, containerd, CRI-O, podman and the kubelet create.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include "enrich/cgroup_path.h"

using crowsnest::ContainerInfo;
using crowsnest::parse_cgroup_path;

namespace {

const std::string kId = "8447f8fa852e0fb592bb4bc23c5f46f5c0ce260c63fab167629176e7695d5209";
const std::string kInnerId = "93b19f093cb98ef412b77b3299cf1135433922c0c0ffee00deadbeef01234567";
const std::string kUid = "6de31acc-3b6d-4fe3-bd53-2cc9ddcd1b0e";

// systemd slices spell the pod UID with underscores
std::string underscored(std::string uid) {
    std::replace(uid.begin(), uid.end(), '-', '_');
    return uid;
}

void check_container(const std::string &path, const std::string &id, const std::string &runtime,
                     const std::string &pod_uid = "") {
    CAPTURE(path);
    const ContainerInfo c = parse_cgroup_path(path);
    CHECK(c.id == id);
    CHECK(c.runtime == runtime);
    CHECK(c.pod_uid == pod_uid);
}

void check_host(const std::string &path) {
    CAPTURE(path);
    const ContainerInfo c = parse_cgroup_path(path);
    CHECK(c.id.empty());
    CHECK(c.runtime.empty());
}

}  // namespace

TEST_CASE("cgroup_path: Docker (cgroupfs and systemd drivers)", "[cgroup_path]") {
    check_container("/docker/" + kId, kId, "docker");
    check_container("/system.slice/docker-" + kId + ".scope", kId, "docker");
    // a scope without its .scope suffix is still Docker's
    check_container("/system.slice/docker-" + kId, kId, "docker");
}

TEST_CASE("cgroup_path: Kubernetes with the systemd driver", "[cgroup_path]") {
    SECTION("besteffort, containerd: the pod UID comes back with dashes") {
        check_container("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + underscored(kUid) +
                            ".slice/cri-containerd-" + kId + ".scope",
                        kId, "containerd", kUid);
    }
    SECTION("burstable, CRI-O") {
        check_container("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + underscored(kUid) +
                            ".slice/crio-" + kId + ".scope",
                        kId, "cri-o", kUid);
    }
    SECTION("guaranteed QoS: the pod slice sits right under kubepods.slice") {
        check_container("/kubepods.slice/kubepods-pod" + underscored(kUid) + ".slice/cri-containerd-" + kId + ".scope",
                        kId, "containerd", kUid);
    }
    SECTION("Docker as the kubelet's runtime") {
        check_container("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + underscored(kUid) +
                            ".slice/docker-" + kId + ".scope",
                        kId, "docker", kUid);
    }
}

TEST_CASE("cgroup_path: Kubernetes with the cgroupfs driver (runtime cri)", "[cgroup_path]") {
    check_container("/kubepods/besteffort/pod" + kUid + "/" + kId, kId, "cri", kUid);
    check_container("/kubepods/burstable/pod" + kUid + "/" + kId, kId, "cri", kUid);
    check_container("/kubepods/pod" + kUid + "/" + kId, kId, "cri", kUid);
}

TEST_CASE("cgroup_path: podman", "[cgroup_path]") {
    check_container("/machine.slice/libpod-" + kId + ".scope", kId, "podman");
    // with a cgroup namespace podman puts the processes one level down
    check_container("/machine.slice/libpod-" + kId + ".scope/container", kId, "podman");
    check_container("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + kId + ".scope", kId,
                    "podman");
}

TEST_CASE("cgroup_path: a bare 64-hex directory under an unknown parent", "[cgroup_path]") {
    check_container("/system.slice/containerd.service/" + kId, kId, "unknown");
}

TEST_CASE("cgroup_path: CRI-O's conmon is not a container", "[cgroup_path]") {
    check_host("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + underscored(kUid) +
               ".slice/crio-conmon-" + kId + ".scope");
    check_host("/machine.slice/crio-conmon-" + kId + ".scope");
}

TEST_CASE("cgroup_path: nested containers, the innermost wins", "[cgroup_path]") {
    SECTION("docker in docker") {
        check_container("/docker/" + kId + "/docker/" + kInnerId, kInnerId, "docker");
        check_container("/system.slice/docker-" + kId + ".scope/docker/" + kInnerId, kInnerId, "docker");
    }
    SECTION("kind with the cgroupfs driver") {
        check_container("/docker/" + kId + "/kubelet/kubepods/besteffort/pod" + kUid + "/" + kInnerId, kInnerId,
                        "cri", kUid);
    }
    SECTION("a host path below a container is still that container") {
        check_container("/docker/" + kId + "/system.slice/ssh.service", kId, "docker");
    }
}

// kind runs the kubelet with --cgroup-root=/kubelet, so from the host its pods
// live below <node container>/kubelet.slice/kubelet-kubepods.slice/...
TEST_CASE("cgroup_path: kind with the systemd driver keeps the pod UID", "[cgroup_path]") {
    const std::string pod_slices = "/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/"
                                   "kubelet-kubepods-besteffort-pod" +
                                   underscored(kUid) + ".slice/cri-containerd-" + kInnerId + ".scope";
    check_container("/system.slice/docker-" + kId + ".scope" + pod_slices, kInnerId, "containerd", kUid);
    check_container(pod_slices, kInnerId, "containerd", kUid);
}

// The kubelet names a static pod (etcd, kube-apiserver... on every kubeadm
// control-plane node) with the MD5 of its manifest: 32 hex digits, no dashes.
TEST_CASE("cgroup_path: static pods keep their 32-hex UID", "[cgroup_path]") {
    const std::string uid = "5b7f1b0c2fa6b4ffb3d1c5b1b2f43d3e";
    check_container("/kubepods/burstable/pod" + uid + "/" + kId, kId, "cri", uid);
    check_container("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + uid + ".slice/cri-containerd-" +
                        kId + ".scope",
                    kId, "containerd", uid);
}

TEST_CASE("cgroup_path: the root and host slices are not containers", "[cgroup_path]") {
    check_host("/");
    check_host("/system.slice/ssh.service");
    check_host("/system.slice/docker.service");
    check_host("/system.slice/containerd.service");
    check_host("/user.slice/user-0.slice/session-1.scope");
    check_host("/init.scope");
    check_host("/kubepods.slice");
    check_host("/kubepods.slice/kubepods-besteffort.slice");
    check_host("/docker");
}

TEST_CASE("cgroup_path: garbage ids and paths", "[cgroup_path]") {
    SECTION("ids of 63 and 65 characters") {
        check_host("/docker/" + kId.substr(1));
        check_host("/docker/" + kId + "0");
        check_host("/system.slice/docker-" + kId.substr(1) + ".scope");
        check_host("/system.slice/docker-" + kId + "0.scope");
        check_host("/kubepods/pod" + kUid + "/" + kId.substr(1));
    }
    SECTION("uppercase and non-hex ids") {
        std::string upper = kId;
        std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
        check_host("/docker/" + upper);
        check_host("/system.slice/docker-" + upper + ".scope");
        check_host("/docker/" + std::string(63, 'a') + "g");
        check_host("/docker/" + std::string(63, 'a') + "-");
    }
    SECTION("empty and slash-only paths") {
        check_host("");
        check_host("////");
        check_host("/.scope");
        check_host("docker-.scope");
    }
    SECTION("a wrong suffix") {
        check_host("/system.slice/docker-" + kId + ".service");
        check_host("/system.slice/docker-" + kId + ".slice");
    }
}

TEST_CASE("cgroup_path: a pod UID without a container is no container", "[cgroup_path]") {
    check_host("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + underscored(kUid) + ".slice");
    check_host("/kubepods/besteffort/pod" + kUid);
    check_host("/kubepods/pod" + kUid + "/not-a-container");
}

TEST_CASE("cgroup_path: malformed pod UIDs are not reported", "[cgroup_path]") {
    SECTION("a UID one character short") {
        check_container("/kubepods/pod" + kUid.substr(1) + "/" + kId, kId, "cri", "");
    }
    SECTION("an uppercase UID") {
        std::string upper = kUid;
        std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
        check_container("/kubepods/pod" + upper + "/" + kId, kId, "cri", "");
    }
}

TEST_CASE("cgroup_path: repeated and trailing slashes are tolerated", "[cgroup_path]") {
    check_container("//docker//" + kId + "/", kId, "docker");
    check_container("/kubepods//besteffort/pod" + kUid + "//" + kId + "/", kId, "cri", kUid);
}
