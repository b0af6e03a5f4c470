// How connect attempts end, on the real kernel: from a runc container, a
// non-blocking connect to a loopback listener and one to a closed port
// both return EINPROGRESS; their connect_result events say established and
// failed (ECONNREFUSED), with the connecting process's container, pid and
// the 4-tuple, although the kernel decides them outside the connect call.
#include <cerrno>

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
