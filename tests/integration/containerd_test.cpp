// End to end with a real containerd (Debian's containerd and ctr), its
// containers started with the annotations kubelet's CRI plugin writes: the
// workload's identity reaches every verdict from the container's first
// event, and rules match on it.
#include <cstdio>
#include <fstream>
#include <map>
#include <regex>

#include "harness.h"
#include "runtime_daemons.h"

using namespace crowsnest;
using namespace crowsnest::test;

namespace {

struct PodSpec {
    std::string ns, pod, container, image;
};

// `ctr run` of `argv` in a kubelet-shaped cgroup (cgroupfs driver), with the
// annotations a CRI-created container carries, and no labels (ctr would
// copy --label into the annotations; CRI does not).
std::string ctr_run(const PrivateContainerd &c, const std::string &id, const std::string &pod_uid,
                    const PodSpec &p, const std::string &rootfs, const std::string &argv, bool detach) {
    return c.ctr("k8s.io") + " run " + (detach ? "-d" : "--rm") + " --rootfs --cgroup /kubepods/besteffort/pod" +
           pod_uid + "/" + id + " --annotation io.kubernetes.cri.container-type=container" +
           " --annotation io.kubernetes.cri.sandbox-id=" + std::string(64, 'b') +
           " --annotation io.kubernetes.cri.sandbox-name=" + p.pod +
           " --annotation io.kubernetes.cri.sandbox-namespace=" + p.ns +
           " --annotation io.kubernetes.cri.sandbox-uid=" + pod_uid +
           " --annotation io.kubernetes.cri.container-name=" + p.container +
           " --annotation io.kubernetes.cri.image-name=" + p.image + " " + rootfs + " " + id + " " + argv;
}

const char kWorkloadRule[] = R"(- rule: shell_in_shop_api
  desc: a shell started in the shop namespace's api image
  condition: >
    evt.type in (execve, execveat) and proc.name = sh and
    k8s.ns.name = shop and container.image.repository = registry.example/shop/api
  output: >
    shell in %k8s.ns.name/%k8s.pod.name container %container.name
    (%container.image.repository:%container.image.tag, %container.type) on %container.id
  priority: WARNING
  tags: [T1059]
)";

}  // namespace

// A private containerd for the test case, or a skip (a failure under CI)
// without the tools. A macro: the skip returns from the test case.
#define START_CONTAINERD(containerd)                                                              \
    do {                                                                                          \
        if (!have_tool("containerd") || !have_tool("ctr") || !have_tool("busybox"))               \
            SKIP_OR_FAIL("containerd and busybox are needed (scripts/setup.sh --tests installs them)"); \
        std::string start_error_;                                                                 \
        if (!(containerd).start(start_error_)) FAIL(start_error_);                                \
    } while (0)

TEST_CASE("a containerd (CRI) container's verdicts carry its node, pod, namespace, name and image from its first "
          "event, and rules match on them",
          "[integration][containerd]") {
    PrivateContainerd containerd;
    START_CONTAINERD(containerd);
    const std::string dir = temp_dir(), rules = dir + "/workload.yaml";
    std::ofstream(rules) << kWorkloadRule;
    SensorProcess sensor;
    START_SENSOR(sensor, "--containerd-state", containerd.state_dir(), "--node-name", "crowsnest-node-1", "--rules",
                 CROWSNEST_DEFAULT_RULES, "--rules", rules);
    const std::string rootfs = containerd.busybox_rootfs({"sh", "sleep", "xmrig"});

    const std::string shop = random_container_id(), other = random_container_id();
    const std::string shop_pod = random_uuid(), other_pod = random_uuid();
    const std::string argv = "/bin/sh -c 'export PATH=/bin; xmrig -o stratum+tcp://pool.example.com:3333; sleep 1'";
    REQUIRE(run_shell(ctr_run(containerd, shop, shop_pod, {"shop", "web-0", "api", "registry.example/shop/api:1.4"},
                              rootfs, argv, false)) == 0);
    REQUIRE(run_shell(ctr_run(containerd, other, other_pod,
                              {"default", "tools-0", "box", "docker.io/library/busybox:1.36"}, rootfs, argv, false)) == 0);

    v1::Verdict v;
    REQUIRE(sensor.wait_verdict(
        [&](const v1::Verdict &m) { return m.rule() == "crypto_miner_binary" && m.container().id() == shop; }, &v));
    const v1::Container &c = v.container();
    CHECK(c.node() == "crowsnest-node-1");
    CHECK(c.runtime() == "containerd");  // the cgroupfs path names none: the runtime whose state had it
    CHECK(c.pod_uid() == shop_pod);
    CHECK(c.pod_name() == "web-0");
    CHECK(c.namespace_() == "shop");
    CHECK(c.name() == "api");
    CHECK(c.image() == "registry.example/shop/api:1.4");
    CHECK(c.image_repository() == "registry.example/shop/api");
    CHECK(c.image_tag() == "1.4");
    CHECK_FALSE(c.sandbox());
    CHECK(c.labels().empty());

    // the rule on namespace and image fires for this container, not the other
    v1::Verdict custom;
    REQUIRE(sensor.wait_verdict(
        [&](const v1::Verdict &m) { return m.rule() == "shell_in_shop_api" && m.container().id() == shop; }, &custom));
    CHECK(custom.output() == "shell in shop/web-0 container api (registry.example/shop/api:1.4, containerd) on " + shop);
    REQUIRE(sensor.wait_verdict(
        [&](const v1::Verdict &m) { return m.rule() == "crypto_miner_binary" && m.container().id() == other; }, &v));
    CHECK(v.container().namespace_() == "default");
    for (const auto &m : sensor.verdicts()) CHECK_FALSE((m.rule() == "shell_in_shop_api" && m.container().id() == other));

    // the very first event seen from the container already has it all
    for (const auto &e : sensor.events())
        if (e.container().id() == shop) {
            CHECK(e.container().pod_name() == "web-0");
            CHECK(e.container().image() == "registry.example/shop/api:1.4");
            break;
        }
}

TEST_CASE("containerd: the first event of 200 fresh containers carries their pod and image",
          "[integration][containerd]") {
    PrivateContainerd containerd;
    START_CONTAINERD(containerd);
    SensorProcess sensor;
    START_SENSOR(sensor, "--containerd-state", containerd.state_dir());
    const std::string rootfs = containerd.busybox_rootfs({"true"});

    constexpr int kStarts = 200, kAtOnce = 4;
    std::vector<std::string> ids;
    std::string batch;
    for (int i = 0; i < kStarts; i++) {
        ids.push_back(random_container_id());
        const std::string pod = "pod-" + std::to_string(i);
        batch += ctr_run(containerd, ids.back(), random_uuid(), {"churn", pod, "c", "registry.example/churn:" +
                         std::to_string(i)}, rootfs, "/bin/true", false) + " >/dev/null & ";
        if ((i + 1) % kAtOnce == 0) {
            run_shell(batch + "wait");
            batch.clear();
        }
    }
    // each container's exit is the last of its events; the last batch's
    // four ran at once, so any of them may end last
    for (size_t i = ids.size() - kAtOnce; i < ids.size(); i++)
        REQUIRE(sensor.wait_event([&](const v1::Event &e) {
            return e.container().id() == ids[i] && e.event().type() == "exit";
        }));
    std::map<std::string, const v1::Event *> first;
    const auto events = sensor.events();
    for (const auto &e : events)
        if (!e.container().id().empty()) first.emplace(e.container().id(), &e);
    int seen = 0, named = 0;
    for (size_t i = 0; i < ids.size(); i++) {
        const auto it = first.find(ids[i]);
        if (it == first.end()) continue;
        seen++;
        named += it->second->container().pod_name() == "pod-" + std::to_string(i) &&
                 it->second->container().image() == "registry.example/churn:" + std::to_string(i);
    }
    const std::string counters = sensor.stop();
    std::smatch lookups, watched, micros;
    std::regex_search(counters, lookups, std::regex("workload\\.lookups (\\d+)"));
    std::regex_search(counters, watched, std::regex("workload\\.watched (\\d+)"));
    std::regex_search(counters, micros, std::regex("workload\\.lookup_us (\\d+)"));
    std::printf("first-event coverage: %d of %d containers seen had their pod and image in their first event; "
                "workload lookups %s (%s read ahead by the state watcher), %s us in all\n",
                named, seen, lookups[1].str().c_str(), watched[1].str().c_str(), micros[1].str().c_str());
    CHECK(seen == kStarts);
    CHECK(named * 100 >= seen * 99);
}
