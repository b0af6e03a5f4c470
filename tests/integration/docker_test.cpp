// End to end with a real Docker engine (Debian's docker.io): the container
// id in a verdict must be the id Docker itself reports, and its name, image
// and labels what Docker recorded.
#include "harness.h"
#include "runtime_daemons.h"

using namespace crowsnest;
using namespace crowsnest::test;

namespace {

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

}  // namespace

TEST_CASE("a Docker container's verdict carries the id Docker reports, its name, image and labels",
          "[integration][docker]") {
    if (!have_tool("dockerd") || !have_tool("docker") || !have_tool("busybox"))
        SKIP_OR_FAIL("docker.io and busybox are needed (scripts/setup.sh --tests installs them)");
    PrivateDockerd dockerd;
    std::string error;
    if (!dockerd.start(error)) FAIL(error);
    // an image from a local busybox root filesystem: no registry here
    REQUIRE(dockerd.import_busybox("crowsnest-test/busybox:1", {"sh", "sleep", "xmrig"}, error));
    SensorProcess sensor;
    START_SENSOR(sensor, "--docker-root", dockerd.data_root(), "--node-name", "crowsnest-node-1");

    std::string cid;
    REQUIRE(dockerd.docker("run -d --network none --name shop-api --label team=payments "
                           "--label io.kubernetes.pod.name=web-0 --label io.kubernetes.pod.namespace=shop "
                           "crowsnest-test/busybox:1 /bin/sh -c "
                           "'xmrig -o stratum+tcp://pool.example.com:3333 -u wallet; sleep 30'",
                           &cid) == 0);
    cid = trim(cid);
    REQUIRE(cid.size() == 64);

    v1::Verdict v;
    REQUIRE(sensor.wait_verdict(
        [&](const v1::Verdict &m) { return m.rule() == "crypto_miner_binary" && m.container().id() == cid; }, &v,
        std::chrono::seconds(15)));
    CHECK(v.container().id() == cid);
    CHECK(v.container().runtime() == "docker");
    CHECK(v.container().node() == "crowsnest-node-1");
    CHECK(v.container().name() == "shop-api");
    CHECK(v.container().image() == "crowsnest-test/busybox:1");
    CHECK(v.container().image_repository() == "crowsnest-test/busybox");
    CHECK(v.container().image_tag() == "1");
    CHECK(v.container().labels().at("team") == "payments");
    CHECK(v.container().pod_name() == "web-0");  // kubelet's labels, as dockershim and cri-dockerd set them
    CHECK(v.container().namespace_() == "shop");
    REQUIRE(v.container().has_privileged());
    CHECK_FALSE(v.container().privileged());
    CHECK(v.event().filename() == "/bin/xmrig");
    std::string state_pid;
    dockerd.docker("inspect -f '{{.State.Pid}}' " + cid, &state_pid);
    CHECK(std::stoi(trim(state_pid)) > 0);

    // (docker run --privileged cannot start here: this machine's root lacks capabilities it would grant;
    // the unit tests read a privileged container's hostconfig.json)
}
