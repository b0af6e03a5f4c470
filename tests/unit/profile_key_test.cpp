// The profile key: replicas and restarts of one workload share a profile.
#include <catch2/catch.hpp>

#include "profile/profile_key.h"

using namespace crowsnest;

TEST_CASE("profile key: the pod owner is the pod's name without its controller's suffixes", "[profile]") {
    CHECK(pod_owner_name("checkout-7f9c5d8b4-x2v4q", {}) == "checkout");  // Deployment
    CHECK(pod_owner_name("checkout-7f9c5d-x2v4q", {}) == "checkout");
    CHECK(pod_owner_name("web-0", {}) == "web");                          // StatefulSet
    CHECK(pod_owner_name("web-12", {}) == "web");
    CHECK(pod_owner_name("node-agent-x2v4q", {}) == "node-agent");        // DaemonSet, Job
    CHECK(pod_owner_name("backup-28461520-x2v4q", {}) == "backup");       // CronJob
    // names whose last part is a word, not a generated suffix, are kept
    CHECK(pod_owner_name("api-server", {}) == "api-server");
    CHECK(pod_owner_name("web-backend-x2v4q", {}) == "web-backend");
    CHECK(pod_owner_name("standalone", {}) == "standalone");
    // the recorded template hash is used exactly, whatever it looks like
    CHECK(pod_owner_name("shop-api-abc-x2v4q", {{"pod-template-hash", "abc"}}) == "shop-api");
    CHECK(pod_owner_name("shop-api-bcdfgh-x2v4q", {{"pod-template-hash", "zzz"}}) == "shop-api-bcdfgh");
}

TEST_CASE("profile key: Kubernetes workload, image and name, then the container id", "[profile]") {
    ContainerInfo c{"3e5a8f1fd433", "containerd", ""};
    WorkloadInfo w;
    w.name = "api";
    w.image = "registry.example/shop/checkout:2.3.1";
    w.image_repository = "registry.example/shop/checkout";
    w.pod_name = "checkout-7f9c5d-x2v4q";
    w.pod_namespace = "shop";
    CHECK(profile_key(c, &w) == "shop/checkout/api@registry.example/shop/checkout");
    // another replica, and a restart with another tag: the same workload
    w.pod_name = "checkout-7f9c5d-k8m2p";
    w.image_tag = "2.3.2";
    CHECK(profile_key(c, &w) == "shop/checkout/api@registry.example/shop/checkout");
    // a label the config names replaces the owner
    w.pod_labels = {{"app.kubernetes.io/name", "checkout-svc"}};
    CHECK(profile_key(c, &w, "app.kubernetes.io/name") == "shop/checkout-svc/api@registry.example/shop/checkout");
    CHECK(profile_key(c, &w, "absent") == "shop/checkout/api@registry.example/shop/checkout");

    WorkloadInfo docker;
    docker.name = "web";
    docker.image = "nginx";
    CHECK(profile_key(c, &docker) == "web@nginx");  // no repository split: the image as recorded
    docker.image_repository = "docker.io/library/nginx";
    CHECK(profile_key(c, &docker) == "web@docker.io/library/nginx");

    CHECK(profile_key(c, nullptr) == "id:3e5a8f1fd433");
    WorkloadInfo unnamed;
    unnamed.image = "nginx";
    CHECK(profile_key(c, &unnamed) == "id:3e5a8f1fd433");
    CHECK(profile_key(ContainerInfo{}, &w).empty());  // a host process has no profile
}
