// The DaemonSet's capability set, for real: the sensor runs with exactly the
// capabilities the manifest adds (setpriv limits the bounding set, as a
// container runtime does) and gives a container verdict; with any one of
// them taken away it refuses to start and names the one that is missing.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "harness.h"

using namespace crowsnest;
using namespace crowsnest::test;

namespace {

// The capabilities of the manifest's `add: [...]`, e.g. {"BPF", "PERFMON"}.
std::vector<std::string> manifest_capabilities() {
    std::ifstream in(CROWSNEST_SOURCE_DIR "/deploy/kubernetes/base/daemonset.yaml");
    const std::regex add(R"(^\s*add:\s*\[(.*)\]\s*$)"), name(R"([A-Z_]+)");
    std::string line;
    std::smatch m;
    while (std::getline(in, line))
        if (std::regex_match(line, m, add)) {
            std::vector<std::string> caps;
            const std::string list = m[1];
            for (auto it = std::sregex_iterator(list.begin(), list.end(), name); it != std::sregex_iterator(); ++it)
                caps.push_back(it->str());
            return caps;
        }
    return {};
}

// setpriv's arguments that leave exactly `caps` ("BPF", ...) to the sensor.
std::vector<std::string> only(const std::vector<std::string> &caps) {
    std::string set = "-all";
    for (std::string c : caps) {
        std::transform(c.begin(), c.end(), c.begin(), [](unsigned char ch) { return char(std::tolower(ch)); });
        set += ",+" + c;
    }
    return {"--bounding-set", set, "--inh-caps", "-all", CROWSNEST_BINARY};
}

}  // namespace

TEST_CASE("least privilege: the manifest's capabilities are enough for a container verdict, each one is needed",
          "[integration][least_privilege]") {
    if (geteuid() != 0) SKIP_OR_FAIL("limiting capabilities from root needs root");
    if (!have_tool("setpriv")) SKIP_OR_FAIL("setpriv is needed (util-linux)");
    const auto caps = manifest_capabilities();
    REQUIRE(caps == std::vector<std::string>{"BPF", "PERFMON", "SYS_PTRACE", "DAC_READ_SEARCH"});
    {
        SensorProcess sensor;
        auto args = only(caps);
        for (const char *a : {"--events", "--grpc-socket", "none"}) args.push_back(a);
        std::string error;
        REQUIRE(sensor.start("/usr/bin/setpriv", args, error));
        INFO(error);
        const std::string id = random_container_id();
        RuncContainer c;
        START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .mount_host_root = true, .extra_links = {"xmrig"}}));
        REQUIRE(c.run({"/bin/xmrig", "--help"}) >= 0);
        c.exec("cat /host/etc/shadow >/dev/null");
        v1::Verdict shadow;
        CHECK(sensor.wait_verdict([&](const v1::Verdict &v) { return v.rule() == "crypto_miner_binary" && v.container().id() == id; }));
        CHECK(sensor.wait_verdict([&](const v1::Verdict &v) { return v.rule() == "host_secret_read_from_container" && v.container().id() == id; }, &shadow));
        CHECK(shadow.event().host_path() == "/etc/shadow");
    }
    for (size_t i = 0; i < caps.size(); i++) {
        auto fewer = caps;
        fewer.erase(fewer.begin() + long(i));
        auto args = only(fewer);
        args.insert(args.end(), {"--grpc-socket", "none", "--output", "none"});
        std::string command = "/usr/bin/setpriv";
        for (const auto &a : args) command += " '" + a + "'";
        std::string out;
        const int rc = run_shell(command + " 2>&1", &out);
        INFO("without CAP_" << caps[i] << ": " << out);
        CHECK(rc != 0);
        CHECK_THAT(out, Catch::Contains("crowsnest: missing capabilities, not starting:\nCAP_" + caps[i] + ": to "));
    }
}
