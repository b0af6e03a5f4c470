// A rule file written in Falco's style (tests/data/falco_compat_rules.yaml)
// on the real kernel: the user, process, capability, argument and socket
// fields that Falco's rules use, read for a real runc container's
// processes; each rule fires with the container's id, its near miss
// (another user, another marker, a plain path, a port that listens) not.
#include <fstream>

#include "harness.h"

using namespace crowsnest;
using namespace crowsnest::test;

namespace {

std::string args_of(const v1::Verdict &v) {
    std::string args;
    for (const auto &a : v.process().args()) args += (args.empty() ? "" : " ") + a;
    return args;
}

}  // namespace

TEST_CASE("falco fields: a Falco-style rule file fires on real behaviour in a container", "[integration][falco]") {
    SensorProcess sensor;
    START_SENSOR(sensor, "--rules", CROWSNEST_SOURCE_DIR "/tests/data/falco_compat_rules.yaml");
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .extra_links = {"setuidgid"}}));
    // the container's own users: uid 0 is "svcacct" in it, "root" on the host
    std::ofstream(c.bundle() + "/rootfs/etc/passwd") << "svcacct:x:0:0::/:/bin/sh\nother:x:7:7::/:/bin/sh\n";
    std::ofstream(c.bundle() + "/rootfs/etc/group") << "svcgroup:x:0:\n";

    // near misses first (each sleeps 2 s): another marker, another directory, another user
    c.exec("cd /tmp && CN_MARKER=nearmiss exec sleep 2");
    c.exec("cd / && CN_MARKER=falco-compat exec sleep 2");
    c.exec("cd /tmp && CN_MARKER=falco-compat exec setuidgid other sleep 2");
    c.exec("cat /etc/hostname >/dev/null");  // an absolute path: raw and resolved are the same

    // the user, environment and directory are read from /proc while it runs:
    // it runs 3 s, so a loaded machine's engine still finds it
    c.exec("cd /tmp && CN_MARKER=falco-compat exec sleep 3");
    c.exec("cd /etc && cat ./hostname >/dev/null");
    c.exec("nc -w 1 127.0.0.1 1 </dev/null; true");

    v1::Verdict v;
    CHECK(sensor.wait_verdict([&](const v1::Verdict &m) {
        return m.rule() == "Program Run By A Container User From Its Own Passwd" && m.container().id() == id;
    }, &v));
    CHECK(v.output().find("user=svcacct group=svcgroup uid=0") != std::string::npos);
    CHECK(v.output().find("cwd=/tmp/ marker=falco-compat tty=0") != std::string::npos);
    CHECK(v.output().find("CAP_NET_BIND_SERVICE") != std::string::npos);
    // busybox's sh runs its applets by re-executing itself
    CHECK(v.output().find("args=filename=/proc/self/exe") != std::string::npos);

    CHECK(sensor.wait_verdict([&](const v1::Verdict &m) {
        return m.rule() == "Relative Open Of The Hostname File" && m.container().id() == id;
    }, &v));
    CHECK(v.output().find("raw=./hostname file=/etc/hostname name=./hostname flags=O_RDONLY") != std::string::npos);

    CHECK(sensor.wait_verdict([&](const v1::Verdict &m) {
        return m.rule() == "Refused Outbound Connection To A Marked Port" && m.container().id() == id;
    }, &v));
    // the socket's protocol, read from the kernel when the connect returned
    CHECK(v.output().find("connection=127.0.0.1:1 rport=1 lport=") != std::string::npos);
    CHECK(v.output().find(" proto=tcp") != std::string::npos);

    for (const auto &m : sensor.verdicts()) {
        if (m.container().id() != id) continue;
        INFO(m.rule() << ": " << m.output());
        CHECK(m.cgroup_id() == c.cgroup_id());
        CHECK(m.rule() != "Needs The Kubernetes Plugin");
        if (m.rule() == "Relative Open Of The Hostname File") CHECK(m.event().path() == "./hostname");
        if (m.rule() == "Program Run By A Container User From Its Own Passwd") CHECK(args_of(m) == "sleep 3");
    }
}
