// Inbound connections on the real kernel, from real runc containers: a bind
// shell whose listener has no telling name (a python script) piped into a
// waiting shell, caught at its accept; busybox's netcat with the shell
// started after the accept, caught at the shell's exec; the accept records'
// ids and ends, and the listen before them; and a busy server, whose
// accepts stay quiet and are sent only for the listener's first 8 of the
// minute. An io_uring accept, which makes no accept call, is caught as well.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "harness.h"

using namespace crowsnest;
using namespace crowsnest::test;

namespace {

// Connects to 127.0.0.1:`port` (retrying while nothing listens yet), sends
// `text`, and closes. Returns the connection's own port, 0 on failure.
uint16_t send_to_listener(uint16_t port, const std::string &text) {
    for (int attempt = 0; attempt < 100; attempt++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(port);
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (connect(fd, reinterpret_cast<sockaddr *>(&to), sizeof(to)) == 0) {
            sockaddr_in self{};
            socklen_t len = sizeof(self);
            getsockname(fd, reinterpret_cast<sockaddr *>(&self), &len);
            const bool sent = write(fd, text.data(), text.size()) == ssize_t(text.size());
            close(fd);
            return sent ? ntohs(self.sin_port) : 0;
        }
        close(fd);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return 0;
}

// Waits for the container's file `path` (below its root) to exist.
bool wait_container_file(const RuncContainer &c, const std::string &path) {
    const std::string host = "/proc/" + std::to_string(c.init_pid()) + "/root" + path;
    for (int i = 0; i < 100; i++) {
        if (access(host.c_str(), F_OK) == 0) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

// Waits for a verdict of `rule` in container `id`.
bool wait_rule(SensorProcess &sensor, const std::string &rule, const std::string &id, v1::Verdict &found) {
    return sensor.wait_verdict([&](const v1::Verdict &x) { return x.rule() == rule && x.container().id() == id; },
                               &found);
}

bool is_accept(const v1::Event &e) { return e.event().syscall() == "accept" || e.event().syscall() == "accept4"; }

}  // namespace

TEST_CASE("bind shells: a nameless listener piped to a waiting shell is caught at its accept, with the peer's ends",
          "[integration][bind_shell]") {
    SensorProcess sensor;
    START_SENSOR(sensor);
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .host_userland = true}));
    const uint16_t port = unused_loopback_port();
    // a python listener, which no list names, started a second after the shell that reads its output
    const std::string listener = "import socket,sys\n"
                                 "s = socket.create_server(('127.0.0.1', " + std::to_string(port) + "))\n"
                                 "c, _ = s.accept()\n"
                                 "sys.stdout.buffer.write(c.recv(4096))\n";
    REQUIRE(c.run({"/bin/bash", "-c", "( (sleep 1; exec python3 -c \"$0\") | sh ) >/dev/null 2>&1 &", listener}) == 0);
    const uint16_t client_port = send_to_listener(port, "touch /tmp/bind-ran\n");
    REQUIRE(client_port != 0);
    REQUIRE(wait_container_file(c, "/tmp/bind-ran"));  // the peer's command ran

    v1::Verdict v;
    REQUIRE(wait_rule(sensor, "bind_shell_listener_piped_to_shell", id, v));
    INFO(v.output());
    CHECK(v.cgroup_id() == c.cgroup_id());
    CHECK(v.severity() == "critical");
    CHECK(v.category() == "scanner");
    CHECK(v.process().comm() == "python3");
    CHECK(v.event().syscall() == "accept4");  // python's socket.accept
    CHECK(v.event().dst_ip() == "127.0.0.1");
    CHECK(v.event().dst_port() == client_port);  // the remote end: our client
    CHECK(v.event().src_port() == port);         // the local end: the listener's port
    CHECK(v.output().find("accepted 127.0.0.1:" + std::to_string(client_port) + "->127.0.0.1:" +
                          std::to_string(port)) != std::string::npos);
    CHECK(v.output().find("writes to /usr/bin/sh (), which reads its program from it") != std::string::npos);

    // the accept record itself: the listener's pid and cgroup, the new fd
    v1::Event e;
    REQUIRE(sensor.wait_event(
        [&](const v1::Event &x) { return is_accept(x) && x.container().id() == id; }, &e));
    CHECK(e.cgroup_id() == c.cgroup_id());
    CHECK(e.process().pid() == v.process().pid());
    CHECK(e.event().fd() >= 3);
    CHECK(e.event().family() == "inet");
    CHECK(e.event().src_ip() == "127.0.0.1");
    // and its listen before it, on the same port
    v1::Event listen;
    REQUIRE(sensor.wait_event(
        [&](const v1::Event &x) { return x.event().syscall() == "listen" && x.container().id() == id; }, &listen));
    CHECK(listen.process().pid() == v.process().pid());
    CHECK(listen.event().src_port() == port);
    CHECK(listen.event().args_size() >= 2);
}

TEST_CASE("bind shells: busybox netcat's accept gets a notice, and the shell started after it is caught at its exec",
          "[integration][bind_shell]") {
    SensorProcess sensor;
    START_SENSOR(sensor);
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id)}));
    const uint16_t port = unused_loopback_port();
    // a copy of busybox in /tmp started as nc; its reader waits for /tmp/go before it execs the shell
    REQUIRE(c.exec("cp /bin/busybox /tmp/kworker") == 0);
    REQUIRE(c.exec("( (exec -a nc /tmp/kworker -l -p " + std::to_string(port) +
                   ") | (while [ ! -e /tmp/go ]; do sleep 0.1; done; exec sh -s bindmarker) ) >/dev/null 2>&1 &") == 0);
    const uint16_t client_port = send_to_listener(port, "touch /tmp/bind-ran\n");
    REQUIRE(client_port != 0);

    v1::Verdict notice;
    REQUIRE(wait_rule(sensor, "network_tool_accepted_connection_in_container", id, notice));
    INFO(notice.output());
    CHECK(notice.cgroup_id() == c.cgroup_id());
    CHECK(notice.severity() == "low");
    // busybox listens on a dual-stack IPv6 socket: the IPv4 peer is v4-mapped
    CHECK(notice.output().find("accepted a connection from ::ffff:127.0.0.1:" + std::to_string(client_port) +
                               " on ::ffff:127.0.0.1:" + std::to_string(port)) != std::string::npos);

    REQUIRE(c.exec("touch /tmp/go") == 0);
    REQUIRE(wait_container_file(c, "/tmp/bind-ran"));
    v1::Verdict v;
    REQUIRE(wait_rule(sensor, "bind_shell_piped_from_listener", id, v));
    CHECK(v.cgroup_id() == c.cgroup_id());
    CHECK(v.severity() == "critical");
    CHECK(v.event().type() == "exec");
    CHECK(v.process().args_size() >= 2);
    CHECK(v.output().find("reads its program from /tmp/kworker (-l -p " + std::to_string(port) + ")") !=
          std::string::npos);
    CHECK(v.process().pid() != notice.process().pid());  // the shell, the listener's sibling
}

TEST_CASE("bind shells: an accept made through io_uring, with no accept call, is caught the same way",
          "[integration][bind_shell][io_uring]") {
    SensorProcess sensor;
    START_SENSOR(sensor);
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id)}));
    REQUIRE(run_shell("cp " URING_PROBE_BINARY " " + c.bundle() + "/rootfs/tmp/relay") == 0);
    const uint16_t port = unused_loopback_port();
    REQUIRE(c.exec("( /tmp/relay accept " + std::to_string(port) + " | sh ) >/dev/null 2>&1 &") == 0);
    const uint16_t client_port = send_to_listener(port, "touch /tmp/bind-ran\n");
    REQUIRE(client_port != 0);
    REQUIRE(wait_container_file(c, "/tmp/bind-ran"));

    v1::Verdict v;
    REQUIRE(wait_rule(sensor, "bind_shell_listener_piped_to_shell", id, v));
    INFO(v.output());
    CHECK(v.cgroup_id() == c.cgroup_id());
    CHECK(v.process().comm() == "relay");
    CHECK(v.event().syscall() == "io_uring_accept");
    CHECK(v.event().dst_port() == client_port);
    CHECK(v.event().src_port() == port);
    CHECK(v.event().fd() >= 3);  // the new connection's fd, from the request's result
}

TEST_CASE("bind shells: a busy server's accepts stay quiet, and only its listener's first 8 of the minute are sent",
          "[integration][bind_shell][near_miss]") {
    SensorProcess sensor;
    START_SENSOR(sensor);
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .host_userland = true}));
    const uint16_t port = unused_loopback_port();
    // a python server that answers 20 clients, one line each; its output goes to a pipe read by cat
    const std::string server = "import socket\n"
                               "s = socket.create_server(('127.0.0.1', " + std::to_string(port) + "))\n"
                               "for _ in range(20):\n"
                               "    c, _ = s.accept(); c.recv(64); c.close()\n"
                               "print('served')\n";
    REQUIRE(c.run({"/bin/bash", "-c", "( python3 -c \"$0\" | cat > /tmp/served ) >/dev/null 2>&1 &", server}) == 0);
    for (int i = 0; i < 20; i++) REQUIRE(send_to_listener(port, "GET\n") != 0);
    // 20 accepts were made; wait for the server to finish, then for the sensor to drain
    const std::string served = "/proc/" + std::to_string(c.init_pid()) + "/root/tmp/served";
    for (int i = 0; i < 100; i++) {
        std::ifstream in(served);
        std::string line;
        if (std::getline(in, line) && line == "served") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    REQUIRE(sensor.wait_event([&](const v1::Event &x) {
        return x.container().id() == id && x.event().type() == "exit" && x.process().comm() == "python3";
    }));
    size_t accepts = 0;
    for (const auto &e : sensor.events())
        if (is_accept(e) && e.container().id() == id) accepts++;
    CHECK(accepts == 8);
    for (const auto &v : sensor.verdicts()) {
        INFO(v.rule() << ": " << v.output());
        CHECK(v.container().id() != id);
    }
    const std::string err = sensor.stop();
    CHECK(counter_at_stop(err, "prefiltered.syscall") >= 12);
}
