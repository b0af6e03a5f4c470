// How connect attempts end, on the real kernel: from a runc container, a
// non-blocking connect to a loopback listener and one to a closed port
// both return EINPROGRESS; their connect_result events say established and
// failed (ECONNREFUSED), with the connecting process's container, pid and
// the 4-tuple, although the kernel decides them outside the connect call.
// The scan rules count those outcomes: non-blocking scans and sweeps give
// verdicts, a non-blocking client that reaches many ports does not, and the
// kernel drops the outcomes no rule wants (connections made).
#include <cerrno>
#include <vector>

#include "harness.h"
#include "loopback_listener.h"

using namespace crowsnest;
using namespace crowsnest::test;

TEST_CASE("connect results: non-blocking connects from a container end established or refused, for their process",
          "[integration][connect_result]") {
    SensorProcess sensor;
    START_SENSOR(sensor);
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id)}));
    REQUIRE(run_shell("cp " SYSCALL_PROBE_BINARY " " + c.bundle() + "/rootfs/bin/syscall_probe") == 0);
    LoopbackListener listener;
    const uint16_t closed = unused_loopback_port();
    REQUIRE(c.run({"/bin/syscall_probe", "nb-connect", "127.0.0.1", std::to_string(listener.port)}) == 0);
    REQUIRE(c.run({"/bin/syscall_probe", "nb-connect", "127.0.0.1", std::to_string(closed)}) == 1);

    auto outcome_to = [&](uint16_t port, v1::Event &out) {
        INFO("connect_result to port " << port);
        return sensor.wait_event(
            [&](const v1::Event &m) {
                return m.event().type() == "connect_result" && m.container().id() == id && m.event().dst_port() == port;
            },
            &out);
    };
    auto connect_to = [&](uint16_t port, v1::Event &out) {
        return sensor.wait_event(
            [&](const v1::Event &m) {
                return m.event().type() == "connect" && m.container().id() == id && m.event().dst_port() == port;
            },
            &out);
    };
    v1::Event call, result;
    REQUIRE(connect_to(listener.port, call));
    CHECK(call.event().error() == "EINPROGRESS");
    REQUIRE(outcome_to(listener.port, result));
    CHECK(result.event().outcome() == "established");
    CHECK(result.event().ret() == 0);
    CHECK(result.event().syscall() == "connect");
    CHECK(result.event().family() == "inet");
    CHECK(result.event().dst_ip() == "127.0.0.1");
    CHECK(result.event().src_ip() == "127.0.0.1");
    CHECK(result.event().src_port() != 0);
    CHECK(result.cgroup_id() == c.cgroup_id());
    CHECK(result.process().pid() == call.process().pid());
    CHECK(result.process().comm() == "syscall_probe");
    CHECK(result.event().duration_ns() < 2000000000ull);

    REQUIRE(connect_to(closed, call));
    CHECK(call.event().error() == "EINPROGRESS");
    REQUIRE(outcome_to(closed, result));
    CHECK(result.event().outcome() == "failed");
    CHECK(result.event().error() == "ECONNREFUSED");
    CHECK(result.event().ret() == -ECONNREFUSED);
    CHECK(result.cgroup_id() == c.cgroup_id());
    CHECK(result.process().pid() == call.process().pid());

    // never the task that happened to run the softirq
    for (const auto &m : sensor.events())
        if (m.event().type() == "connect_result" && m.container().id() == id)
            CHECK(m.process().comm() == "syscall_probe");
}

namespace {

// A listener on every loopback address whose accept queue is full: the
// SYNs that reach it are dropped, so a connect to it never gets an answer
// and its client gives up (an unreachable or filtering network).
struct SilentPort {
    int fd = -1, filler = -1;
    uint16_t port = 0;
    SilentPort() {
        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        socklen_t len = sizeof(a);
        bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof(a));
        listen(fd, 0);
        getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
        port = ntohs(a.sin_port);
        // the one connection a backlog of 0 queues, never accepted
        filler = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connect(filler, reinterpret_cast<sockaddr *>(&a), sizeof(a));
    }
    ~SilentPort() {
        close(filler);
        close(fd);
    }
};

}  // namespace

TEST_CASE("connect results: non-blocking scans and sweeps by a renamed program give verdicts, a non-blocking client "
          "reaching 60 ports does not",
          "[integration][connect_result]") {
    SensorProcess sensor;
    START_QUIET_SENSOR(sensor);
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id)}));
    REQUIRE(run_shell("cp " TCP_PROBE_BINARY " " + c.bundle() + "/rootfs/tmp/collector") == 0);

    // the near miss first: 60 open ports of one address, each reached by a
    // non-blocking connect (60 EINPROGRESS results, all established)
    std::vector<int> listeners;
    const uint16_t open_first = listen_on_range(60, listeners);
    REQUIRE(open_first != 0);
    REQUIRE(c.run({"/tmp/collector", "-n", "2000", "127.0.0.1", std::to_string(open_first),
                   std::to_string(open_first + 59)}) == 0);
    for (int fd : listeners) close(fd);

    // a non-blocking scan of 80 closed ports: refused, each after EINPROGRESS
    const uint16_t closed_first = unused_loopback_port() & 0xff00;
    REQUIRE(c.run({"/tmp/collector", "-n", "500", "127.0.0.1", std::to_string(closed_first),
                   std::to_string(closed_first + 79)}) == 0);
    v1::Verdict scan;
    REQUIRE(sensor.wait_verdict([&](const v1::Verdict &m) { return m.rule() == "port_scan" && m.container().id() == id; },
                                &scan));
    CHECK(scan.event().type() == "connect_result");
    CHECK(scan.process().exe() == "/tmp/collector");
    CHECK(scan.event().dst_ip() == "127.0.0.1");
    CHECK(scan.event().dst_port() >= closed_first);
    CHECK(scan.event().dst_port() < closed_first + 80u);
    CHECK(scan.cgroup_id() == c.cgroup_id());

    // a non-blocking sweep of one port over 40 addresses that never answer:
    // each connect is given up after 300 ms (abandoned)
    SilentPort silent;
    REQUIRE(c.run({"/tmp/collector", "-n", "300", "127.0.3.1+40", std::to_string(silent.port),
                   std::to_string(silent.port)}) == 0);
    v1::Verdict sweep;
    REQUIRE(sensor.wait_verdict(
        [&](const v1::Verdict &m) { return m.rule() == "network_sweep" && m.container().id() == id; }, &sweep));
    CHECK(sweep.event().type() == "connect_result");
    CHECK(sweep.event().outcome() == "abandoned");
    CHECK(sweep.event().error() == "ECONNABORTED");
    CHECK(sweep.event().dst_port() == silent.port);
    CHECK(sweep.process().exe() == "/tmp/collector");

    int scans = 0;
    for (const auto &v : sensor.verdicts()) {
        if (v.container().id() != id) continue;
        scans += v.rule() == "port_scan";
    }
    CHECK(scans == 1);
    // the 60 connections made (and the filler's) never left the kernel
    const std::string err = sensor.stop();
    CHECK(counter_at_stop(err, "prefilter.connect_result") == 1);
    CHECK(counter_at_stop(err, "prefiltered.connect_result") >= 60);
}
