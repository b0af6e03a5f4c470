// The in-kernel prefilter on the real kernel: two sensors watch the same
// real container, one with the prefilter and one with --no-prefilter, and
// must give exactly the same verdicts, while the first drops what no rule
// can match in the kernel (counted). The workload reaches each rule's files
// by the paths an attacker would use to dodge a path test: relative paths,
// "//", "/./", "..", a trailing name through a symlinked directory, a host
// file through a bind mount. Neither sensor prints events (--events holds
// the prefilter open).
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <grpcpp/grpcpp.h>

#include <fstream>
#include <set>
#include <sstream>

#include "crowsnest.grpc.pb.h"
#include "harness.h"
#include "loopback_listener.h"

using namespace crowsnest;
using namespace crowsnest::test;

namespace {

// This container's verdicts, each as its rule and the event that fired it
// (process, call, paths, destination, result): what the kernel sent. The
// output is left out: its executable path comes from /proc, read by each
// sensor at its own moment.
std::multiset<std::string> verdicts_of(SensorProcess &s, const std::string &container_id) {
    std::multiset<std::string> out;
    for (const auto &v : s.verdicts()) {
        if (v.container().id() != container_id) continue;
        const auto &e = v.event();
        out.insert(v.rule() + ": pid " + std::to_string(v.process().pid()) + " " + e.syscall() + " " + e.path() +
                   " " + e.resolved_path() + " " + e.unix_path() + " " + e.dst_ip() + ":" +
                   std::to_string(e.dst_port()) + " " + e.error());
    }
    return out;
}

}  // namespace

TEST_CASE("prefilter: the same verdicts with and without it, from the same real container", "[integration][prefilter]") {
    char dir[] = "/tmp/crowsnest-prefilter-XXXXXX";
    REQUIRE(mkdtemp(dir));
    const std::string logs = std::string(dir) + "/containers";
    REQUIRE(run_shell("mkdir -p " + logs + "/abc && echo '{\"log\":\"x\"}' > " + logs + "/abc/abc-json.log") == 0);
    // unix sockets on the host: a runtime's, and another
    std::vector<int> listeners;
    for (const char *name : {"/docker.sock", "/metrics.sock"}) {
        const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s%s", dir, name);
        REQUIRE(bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) == 0);
        REQUIRE(listen(fd, 8) == 0);
        listeners.push_back(fd);
    }
    LoopbackListener service;
    const std::string closed = std::to_string(unused_loopback_port());

    SensorProcess filtered, unfiltered;
    START_QUIET_SENSOR(filtered);
    START_QUIET_SENSOR(unfiltered, "--no-prefilter");
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id),
                                      .mount_host_root = true,
                                      .rw_binds = {{logs, "/srv/var/lib/docker/containers"}}}));
    REQUIRE(run_shell("cp " UNIX_CONNECT_BINARY " " + c.bundle() + "/rootfs/bin/unix_connect") == 0);

    // opens no rule wants: reads and writes of the container's own files
    c.exec("for i in $(seq 1 200); do cat /etc/passwd /bin/../etc/group >/dev/null; echo x > /tmp/f$i; done; true");
    // each open rule, by its plain path and by paths that dodge a plain test
    c.exec("echo 1 > /dev/cpu/0/msr; cd /dev/cpu && echo 1 > ./0/msr; echo 1 > /dev//cpu/0/msr; true");
    c.exec("echo 1 > /proc/sys/vm/nr_hugepages; cd /proc/sys && echo 1 > vm/nr_hugepages; true");
    c.exec("echo 1 > /proc/./sys/kernel/core_pattern; echo 1 > /proc/sys/fs/../kernel/core_pattern; true");
    c.exec("cd /sys/fs/cgroup && echo /x > release_agent; echo /x > /sys/fs/cgroup/release_agent/; true");
    c.exec("cd /srv/var/lib/docker/containers/abc && cat abc-json.log; cat ./abc-json.log/.; true");
    c.exec("ln -s /srv/var/lib/docker/containers/abc /tmp/logs && cat /tmp/logs/abc-json.log; true");
    c.exec("cat /host/etc/shadow; cd /host/etc && cat ./shadow; cat /host//etc/../etc/sudoers; true");
    c.exec("cat /run/containerd/containerd.sock; cd /run && cat docker.sock; true");
    // connects: a service that answers (a container's inet connects are all
    // wanted: download_piped_to_running_shell counts a pipe writer's), one no
    // rule wants (a unix socket of no runtime), then each connect rule: a
    // mining port, a runtime's socket, refused connects (what scans are counted from)
    // (the unix listeners never accept: fewer connects than their backlog)
    c.exec("for i in $(seq 1 20); do nc -w 1 127.0.0.1 " + std::to_string(service.port) + " </dev/null; done; true");
    c.exec("for i in 1 2 3 4 5; do unix_connect /host" + std::string(dir) + "/metrics.sock; done; true");
    c.exec("nc -w 1 127.0.0.1 3333 </dev/null; unix_connect /host" + std::string(dir) + "/docker.sock; true");
    c.exec("for i in 1 2 3; do nc -w 1 127.0.0.1 " + closed + " </dev/null; done; true");
    c.exec("echo 1 > /dev/cpu/99/msr; true");  // last: both sensors have seen everything once they report it

    for (SensorProcess *s : {&filtered, &unfiltered})
        CHECK(s->wait_verdict([&](const v1::Verdict &v) {
            return v.container().id() == id && v.output().find("/dev/cpu/99/msr") != std::string::npos;
        }));
    usleep(500 * 1000);
    const auto with = verdicts_of(filtered, id), without = verdicts_of(unfiltered, id);
    CHECK(with == without);
    // every open rule of the workload fired
    std::set<std::string> rules;
    for (const auto &v : with) rules.insert(v.substr(0, v.find(':')));
    for (const char *r : {"crypto_miner_msr_write_attempt", "hugepages_write_from_container", "core_pattern_write",
                          "cgroup_release_agent_write", "container_logs_read_from_container",
                          "host_secret_read_from_container", "runtime_socket_opened", "mining_pool_port_connect",
                          "runtime_socket_connect"}) {
        INFO(r);
        CHECK(rules.count(r));
    }

    const std::string with_err = filtered.stop(), without_err = unfiltered.stop();
    CHECK(counter_at_stop(with_err, "prefilter.open") == 1);
    CHECK(counter_at_stop(with_err, "prefiltered.open") > 400);  // at least the container's own reads and writes
    CHECK(counter_at_stop(without_err, "prefilter.open") == 0);
    CHECK(counter_at_stop(without_err, "prefiltered.open") == 0);
    CHECK(counter_at_stop(with_err, "events.open") < counter_at_stop(without_err, "events.open"));
    CHECK(counter_at_stop(with_err, "prefilter.connect") == 1);
    CHECK(counter_at_stop(with_err, "prefiltered.connect") >= 5);  // the metrics socket's
    CHECK(counter_at_stop(without_err, "prefiltered.connect") == 0);
    for (int fd : listeners) close(fd);
    run_shell(std::string("rm -rf ") + dir);
}

TEST_CASE("prefilter: a rule reload that widens it takes effect for the next event", "[integration][prefilter]") {
    char dir[] = "/tmp/crowsnest-prefilter-XXXXXX";
    REQUIRE(mkdtemp(dir));
    const std::string rules = std::string(dir) + "/rules.yaml";
    auto write_rule = [&](const std::string &path) {
        std::ofstream(rules) << "- rule: watched_write\n  desc: a write of one file\n"
                                "  condition: evt.type in (open, openat) and evt.is_open_write = true and fd.name = "
                             << path << "\n  output: written %fd.name\n  priority: WARNING\n";
    };
    write_rule("/tmp/first");
    SensorProcess sensor;
    const std::string sock = std::string(dir) + "/sensor.sock";
    START_QUIET_SENSOR(sensor, "--rules", rules, "--rules-watch", "0", "--grpc-socket", sock);
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id)}));
    auto wrote = [&](const std::string &path) {
        return sensor.wait_verdict(
            [&](const v1::Verdict &v) { return v.container().id() == id && v.output() == "written " + path; }, nullptr,
            std::chrono::seconds(3));
    };
    // the kernel's drops so far, as the running sensor reports them
    auto stub = v1::Sensor::NewStub(grpc::CreateChannel("unix:" + sock, grpc::InsecureChannelCredentials()));
    auto prefiltered_opens = [&] {
        v1::Status st;
        grpc::ClientContext ctx;
        REQUIRE(stub->GetStatus(&ctx, {}, &st).ok());
        for (const auto &counter : st.counters())
            if (counter.name() == "prefiltered.open") return counter.value();
        FAIL("no prefiltered.open in the status");
        return uint64_t(0);
    };

    // before the reload, writes of /tmp/second never leave the kernel
    const uint64_t before = prefiltered_opens();
    c.exec("i=0; while [ $i -lt 50 ]; do echo 1 > /tmp/second; i=$((i + 1)); done; echo 1 > /tmp/first");
    CHECK(wrote("/tmp/first"));
    CHECK_FALSE(wrote("/tmp/second"));
    uint64_t dropped = 0;
    for (int i = 0; i < 40 && dropped < 50; i++, usleep(50 * 1000)) dropped = prefiltered_opens() - before;
    CHECK(dropped >= 50);

    write_rule("/tmp/second");
    REQUIRE(kill(sensor.pid(), SIGHUP) == 0);
    // the engine takes the new rules between two batches, and installs
    // their prefilter at once: a write after that gives a verdict
    bool reloaded = false;
    for (int i = 0; i < 100 && !reloaded; i++) {
        usleep(50 * 1000);
        c.exec("echo 1 > /tmp/second");
        reloaded = wrote("/tmp/second");
    }
    CHECK(reloaded);
    sensor.stop();
    run_shell(std::string("rm -rf ") + dir);
}
