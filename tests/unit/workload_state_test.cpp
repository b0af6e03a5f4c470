// The readers of each runtime's state files, on directories laid out as the
// runtimes lay them out, and on garbage.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "runtime_fixtures.h"
#include "workload/containerd_state.h"
#include "workload/crio_state.h"
#include "workload/docker_state.h"
#include "workload/image_ref.h"
#include "workload/json_file.h"
#include "workload/podman_state.h"

using namespace crowsnest;
using namespace crowsnest::test;
using P = WorkloadInfo::Privileged;

TEST_CASE("image references split as Docker reads them", "[workload]") {
    auto split = [](const char *s) {
        const ImageRef r = split_image_ref(s);
        return r.repository + "|" + r.tag + "|" + r.digest;
    };
    CHECK(split("busybox") == "busybox||");
    CHECK(split("busybox:1.36") == "busybox|1.36|");
    CHECK(split("docker.io/library/nginx:1.25") == "docker.io/library/nginx|1.25|");
    CHECK(split("registry.example:5000/shop/api") == "registry.example:5000/shop/api||");  // a port, not a tag
    CHECK(split("registry.example:5000/shop/api:1.4") == "registry.example:5000/shop/api|1.4|");
    CHECK(split("quay.io/crio/redis@sha256:0123abcd") == "quay.io/crio/redis||sha256:0123abcd");
    CHECK(split("quay.io/crio/redis:alpine@sha256:0123abcd") == "quay.io/crio/redis|alpine|sha256:0123abcd");
    CHECK(split("sha256:9d1e7b3c") == "||sha256:9d1e7b3c");  // an image id names no repository
    CHECK(split("") == "||");
}

TEST_CASE("state files: absent, too big, too deep, not regular, not JSON", "[workload]") {
    TempDir dir;
    nlohmann::json j;
    std::string error;
    CHECK(read_json_file(dir / "none.json", 1024, j, error) == ReadStatus::Absent);
    CHECK(read_json_file(dir / "none/below.json", 1024, j, error) == ReadStatus::Absent);

    write_file(dir / "ok.json", R"({"a": ["b", {"c": 1}]})");
    REQUIRE(read_json_file(dir / "ok.json", 1024, j, error) == ReadStatus::Ok);
    CHECK(json_string(json_member(j, "a")[1], "c").empty());  // not a string
    CHECK(json_string(j, "missing").empty());
    CHECK(json_member(json_member(j, "x"), "y").is_null());  // a path through nothing

    write_file(dir / "big.json", "{\"a\": \"" + std::string(5000, 'x') + "\"}");
    CHECK(read_json_file(dir / "big.json", 4096, j, error) == ReadStatus::Malformed);
    CHECK(error.find("bytes, more than the 4096 read") != std::string::npos);

    const auto start = std::chrono::steady_clock::now();
    write_file(dir / "deep.json", std::string(1000000, '['));
    CHECK(read_json_file(dir / "deep.json", 4u << 20, j, error) == ReadStatus::Malformed);
    CHECK(error.find("nested deeper than 64 levels") != std::string::npos);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));

    write_file(dir / "cut.json", R"({"annotations": {"io.kubernetes.cri.sandbox-name": "we)");
    CHECK(read_json_file(dir / "cut.json", 4096, j, error) == ReadStatus::Malformed);
    CHECK(error.find("not JSON at byte") != std::string::npos);

    write_file(dir / "bytes.json", "{\"a\": \"\xff\xfe\"}");  // not UTF-8: no runtime writes that
    CHECK(read_json_file(dir / "bytes.json", 4096, j, error) == ReadStatus::Malformed);

    // a FIFO in place of a state file would block a plain open(): refused at once
    REQUIRE(mkfifo((dir / "fifo.json").c_str(), 0600) == 0);
    CHECK(read_json_file(dir / "fifo.json", 4096, j, error) == ReadStatus::Malformed);
    CHECK(error.find("not a regular file") != std::string::npos);
    std::filesystem::create_directories(dir / "adir.json");
    CHECK(read_json_file(dir / "adir.json", 4096, j, error) == ReadStatus::Malformed);
}

TEST_CASE("containerd: a CRI container's pod, name and image from its task bundle", "[workload]") {
    TempDir state;
    containerd_task(state, "moby", "ffff000000000000000000000000000000000000000000000000000000000000", oci_spec(""));
    containerd_task(state, "k8s.io", kCtrId, oci_spec(cri_container_annotations(kSandboxId)));
    containerd_task(state, "k8s.io", kSandboxId,
                    oci_spec(R"("io.kubernetes.cri.container-type": "sandbox",
                                "io.kubernetes.cri.sandbox-name": "web-0",
                                "io.kubernetes.cri.sandbox-namespace": "shop",
                                "io.kubernetes.cri.podsandbox.image-name": "registry.k8s.io/pause:3.9")",
                             false));
    ContainerdState c(state.path());
    WorkloadInfo w;
    std::string error;
    REQUIRE(c.read(kCtrId, w, error) == ReadStatus::Ok);
    CHECK(w.runtime == "containerd");
    CHECK(w.name == "api");
    CHECK(w.pod_name == "web-0");
    CHECK(w.pod_namespace == "shop");
    CHECK(w.pod_uid == "8c1f0a2e-3b4d-4c5e-9f60-718293a4b5c6");
    CHECK(w.image == "registry.example:5000/shop/api:1.4");
    CHECK(w.image_repository == "registry.example:5000/shop/api");
    CHECK(w.image_tag == "1.4");
    CHECK_FALSE(w.sandbox);
    CHECK(w.privileged == P::No);
    CHECK(w.labels.empty());  // CRI containers carry no labels in their bundle

    WorkloadInfo pause;
    REQUIRE(c.read(kSandboxId, pause, error) == ReadStatus::Ok);
    CHECK(pause.sandbox);
    CHECK(pause.image_repository == "registry.k8s.io/pause");

    // a container started without CRI: known to containerd, nothing more
    WorkloadInfo plain;
    REQUIRE(c.read("ffff000000000000000000000000000000000000000000000000000000000000", plain, error) == ReadStatus::Ok);
    CHECK(plain.name.empty());
    CHECK(plain.image.empty());

    CHECK(c.read("eeee000000000000000000000000000000000000000000000000000000000000", w, error) == ReadStatus::Absent);
    CHECK(ContainerdState(state / "nothing-here").read(kCtrId, w, error) == ReadStatus::Absent);
}

TEST_CASE("containerd: a privileged container, and bundles that are not specs", "[workload]") {
    TempDir state;
    containerd_task(state, "k8s.io", kCtrId, oci_spec(cri_container_annotations(kSandboxId), true));
    ContainerdState c(state.path());
    WorkloadInfo w;
    std::string error;
    REQUIRE(c.read(kCtrId, w, error) == ReadStatus::Ok);
    CHECK(w.privileged == P::Yes);

    containerd_task(state, "k8s.io", kCtrId, "[1, 2, 3]");
    CHECK(c.read(kCtrId, w, error) == ReadStatus::Malformed);
    CHECK(error.find("not an OCI spec") != std::string::npos);
    containerd_task(state, "k8s.io", kCtrId, R"({"annotations": "not an object", "process": 7})");
    WorkloadInfo odd;
    REQUIRE(c.read(kCtrId, odd, error) == ReadStatus::Ok);  // wrong types are missing values, not crashes
    CHECK(odd.name.empty());
    CHECK(odd.privileged == P::Unknown);
}

TEST_CASE("CRI-O: pod and container from the labels it records, pod labels from the sandbox", "[workload]") {
    TempDir run;
    const std::string labels =
        R"({\"io.kubernetes.container.name\":\"api\",\"io.kubernetes.pod.name\":\"web-0\",)"
        R"(\"io.kubernetes.pod.namespace\":\"shop\",\"io.kubernetes.pod.uid\":\"8c1f0a2e-3b4d-4c5e-9f60-718293a4b5c6\"})";
    crio_container(run, kCtrId, oci_spec(R"("io.container.manager": "cri-o",
        "io.kubernetes.cri-o.ContainerType": "container",
        "io.kubernetes.cri-o.SandboxID": ")" + kSandboxId + R"(",
        "io.kubernetes.cri-o.ImageName": "quay.io/shop/api:1.4",
        "io.kubernetes.cri-o.ImageRef": "quay.io/shop/api@sha256:77aa00000000000000000000000000000000000000000000000000000000000",
        "io.kubernetes.cri-o.Metadata": "{\"name\":\"api\",\"attempt\":0}",
        "io.kubernetes.cri-o.Labels": ")" + labels + R"(")"));
    crio_container(run, kSandboxId, oci_spec(R"("io.container.manager": "cri-o",
        "io.kubernetes.cri-o.ContainerType": "sandbox",
        "io.kubernetes.cri-o.Labels": "{\"app\":\"web\",\"team\":\"payments\",\"io.kubernetes.pod.name\":\"web-0\"}")"));
    CrioState c(run.path());
    WorkloadInfo w;
    std::string error;
    REQUIRE(c.read(kCtrId, w, error) == ReadStatus::Ok);
    CHECK(w.runtime == "cri-o");
    CHECK(w.name == "api");
    CHECK(w.pod_name == "web-0");
    CHECK(w.pod_namespace == "shop");
    CHECK(w.pod_uid == "8c1f0a2e-3b4d-4c5e-9f60-718293a4b5c6");
    CHECK(w.image == "quay.io/shop/api:1.4");
    CHECK(w.image_tag == "1.4");
    CHECK(w.image_digest == "sha256:77aa00000000000000000000000000000000000000000000000000000000000");
    CHECK(w.pod_labels == Labels{{"app", "web"}, {"team", "payments"}});  // kubelet's own left out
    CHECK(*find_label(w.labels, "io.kubernetes.pod.name") == "web-0");

    WorkloadInfo sandbox;
    REQUIRE(c.read(kSandboxId, sandbox, error) == ReadStatus::Ok);
    CHECK(sandbox.sandbox);
    CHECK(sandbox.pod_labels == Labels{{"app", "web"}, {"team", "payments"}});

    // Labels that are not JSON: the record stands, without them
    crio_container(run, kCtrId, oci_spec(R"("io.kubernetes.cri-o.Labels": "{\"io.kubernetes.pod.na",
        "io.kubernetes.cri-o.Metadata": "{\"name\":\"api\"}")"));
    WorkloadInfo cut;
    REQUIRE(c.read(kCtrId, cut, error) == ReadStatus::Ok);
    CHECK(cut.name == "api");
    CHECK(cut.pod_name.empty());

    // podman keeps its containers in the same layout: not CRI-O's
    crio_container(run, kCtrId, oci_spec(R"("io.container.manager": "libpod")"));
    CHECK(c.read(kCtrId, cut, error) == ReadStatus::Absent);
}

TEST_CASE("Docker: name, image, labels and privileged, a Kubernetes pod through kubelet's labels", "[workload]") {
    TempDir data;
    docker_container(data, kCtrId,
                     docker_config(kCtrId, "web", "registry.example/shop/web:2.0",
                                   R"("com.example.team": "payments", "maintainer": "ops")"),
                     R"({"Privileged": true, "NetworkMode": "none"})");
    DockerState d(data.path());
    WorkloadInfo w;
    std::string error;
    REQUIRE(d.read(kCtrId, w, error) == ReadStatus::Ok);
    CHECK(w.runtime == "docker");
    CHECK(w.name == "web");  // Docker's leading '/' dropped
    CHECK(w.image == "registry.example/shop/web:2.0");
    CHECK(w.image_repository == "registry.example/shop/web");
    CHECK(w.privileged == P::Yes);
    CHECK(w.labels == Labels{{"com.example.team", "payments"}, {"maintainer", "ops"}});
    CHECK(w.pod_name.empty());

    // dockershim / cri-dockerd: kubelet's labels name the pod, the sandbox holds its labels
    docker_container(data, kSandboxId,
                     docker_config(kSandboxId, "k8s_POD_web-0_shop_8c1f_0", "registry.k8s.io/pause:3.9",
                                   R"("io.kubernetes.docker.type": "podsandbox", "io.kubernetes.pod.name": "web-0",
                                      "app": "web")"),
                     "");
    docker_container(data, kCtrId,
                     docker_config(kCtrId, "k8s_api_web-0_shop_8c1f_0", "registry.example/shop/api:1.4",
                                   R"("io.kubernetes.docker.type": "container",
                                      "io.kubernetes.container.name": "api",
                                      "io.kubernetes.pod.name": "web-0",
                                      "io.kubernetes.pod.namespace": "shop",
                                      "io.kubernetes.pod.uid": "8c1f0a2e-3b4d-4c5e-9f60-718293a4b5c6",
                                      "io.kubernetes.sandbox.id": ")" + kSandboxId + "\""),
                     R"({"Privileged": false})");
    WorkloadInfo k;
    REQUIRE(d.read(kCtrId, k, error) == ReadStatus::Ok);
    CHECK(k.name == "api");
    CHECK(k.pod_name == "web-0");
    CHECK(k.pod_namespace == "shop");
    CHECK(k.privileged == P::No);
    CHECK(k.pod_labels == Labels{{"app", "web"}});
    WorkloadInfo pause;
    REQUIRE(d.read(kSandboxId, pause, error) == ReadStatus::Ok);
    CHECK(pause.sandbox);
    CHECK(pause.privileged == P::Unknown);  // no hostconfig.json

    // a sandbox id that tries to leave the containers directory is not followed
    docker_container(data, kCtrId,
                     docker_config(kCtrId, "x", "x", R"("io.kubernetes.sandbox.id": "../../../etc")"), "");
    WorkloadInfo escape;
    REQUIRE(d.read(kCtrId, escape, error) == ReadStatus::Ok);
    CHECK(escape.pod_labels.empty());
}

TEST_CASE("podman: name and image from containers/storage's record, privileged from its spec", "[workload]") {
    TempDir graph;
    write_file(graph / "overlay-containers/containers.json",
               R"([{"id": ")" + kCtrId + R"(", "names": ["storage-name"], "image": "7e9b",
                    "layer": "0af3", "metadata": "{\"image-name\":\"docker.io/library/alpine:3.19\",\"image-id\":\"7e9b\",\"name\":\"shop-api\",\"created-at\":1764400000}",
                    "created": "2026-11-29T10:00:00Z"},
                   {"id": "not-a-container-id", "names": ["junk"]},
                   {"id": ")" + kSandboxId + R"(", "names": ["only-names"], "metadata": "not json"}])");
    write_file(graph / ("overlay-containers/" + kCtrId + "/userdata/config.json"),
               oci_spec(R"("io.container.manager": "libpod")", true));
    write_file(graph / ("overlay-containers/" + kSandboxId + "/userdata/config.json"),
               oci_spec(R"("io.container.manager": "libpod")"));
    PodmanState p(graph.path());
    WorkloadInfo w;
    std::string error;
    REQUIRE(p.read(kCtrId, w, error) == ReadStatus::Ok);
    CHECK(w.runtime == "podman");
    CHECK(w.name == "shop-api");
    CHECK(w.image == "docker.io/library/alpine:3.19");
    CHECK(w.image_tag == "3.19");
    CHECK(w.privileged == P::Yes);
    WorkloadInfo other;
    REQUIRE(p.read(kSandboxId, other, error) == ReadStatus::Ok);
    CHECK(other.name == "only-names");
    CHECK(other.image.empty());

    // containers.json rewritten: read again
    write_file(graph / "overlay-containers/containers.json",
               R"([{"id": ")" + kCtrId + R"(", "names": ["renamed"], "metadata": "{}", "extra": [1, 2, 3]}])");
    WorkloadInfo again;
    REQUIRE(p.read(kCtrId, again, error) == ReadStatus::Ok);
    CHECK(again.name == "renamed");
    write_file(graph / "overlay-containers/containers.json", R"({"not": "an array"})");
    CHECK(p.read(kCtrId, again, error) == ReadStatus::Malformed);
}
