// End to end on the real kernel: the real crowsnest binary loads its BPF
// programs, a real runc container makes real syscalls, and the JSON lines
// that come out are checked field by field.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "harness.h"
#include "loopback_listener.h"

using namespace crowsnest;
using namespace crowsnest::test;

namespace {

bool in_container(const v1::Event &e, const RuncContainer &c) { return e.cgroup_id() == c.cgroup_id(); }


}  // namespace

TEST_CASE("events from a runc container carry its cgroup id, container id and results", "[integration]") {
    SensorProcess sensor;
    START_SENSOR(sensor);
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id)}));
    LoopbackListener listener;
    const uint16_t closed = unused_loopback_port();

    REQUIRE(c.run({"/bin/cat", "/etc/hostname"}) == 0);
    REQUIRE(c.exec("nc -w 1 127.0.0.1 " + std::to_string(listener.port) + " </dev/null") == 0);
    c.exec("nc -w 1 127.0.0.1 " + std::to_string(closed) + " </dev/null");
    c.exec("cat /no/such/file");

    v1::Event exec;
    REQUIRE(sensor.wait_event(
        [&](const v1::Event &e) {
            return in_container(e, c) && e.event().type() == "exec" && e.event().filename() == "/bin/cat" &&
                   e.event().argv_size() == 2 && e.event().argv(1) == "/etc/hostname";
        },
        &exec));
    CHECK(exec.container().id() == id);
    CHECK(exec.container().runtime() == "docker");
    CHECK(exec.container().cgroup_path() == docker_path(id));
    CHECK(exec.event().ret() == 0);
    CHECK(exec.event().syscall() == "execve");
    CHECK(exec.process().comm() == "cat");
    CHECK(exec.process().exe() == "/bin/cat");
    CHECK(exec.process().ppid() > 0);
    CHECK(exec.process().args_size() == 2);
    CHECK(exec.process().pid() > 0);
    CHECK(exec.time().seconds() > 1700000000);

    v1::Event open;
    REQUIRE(sensor.wait_event(
        [&](const v1::Event &e) {
            return in_container(e, c) && e.event().type() == "open" && e.event().path() == "/etc/hostname";
        },
        &open));
    CHECK(open.event().ret() >= 0);
    CHECK(open.container().id() == id);
    CHECK(open.process().comm() == "cat");
    CHECK(open.event().resolved_path() == "/etc/hostname");
    CHECK(open.event().flags().find("O_RDONLY") == 0);

    v1::Event missing;
    REQUIRE(sensor.wait_event(
        [&](const v1::Event &e) {
            return in_container(e, c) && e.event().type() == "open" && e.event().path() == "/no/such/file";
        },
        &missing));
    CHECK(missing.event().ret() == -ENOENT);
    CHECK(missing.event().error() == "ENOENT");

    v1::Event connected;
    REQUIRE(sensor.wait_event(
        [&](const v1::Event &e) {
            return in_container(e, c) && e.event().type() == "connect" && e.event().dst_port() == listener.port;
        },
        &connected));
    CHECK(connected.event().ret() == 0);
    CHECK(connected.event().family() == "inet");
    CHECK(connected.event().dst_ip() == "127.0.0.1");
    CHECK(connected.container().id() == id);
    CHECK(connected.process().comm() == "nc");

    v1::Event refused;
    REQUIRE(sensor.wait_event(
        [&](const v1::Event &e) {
            return in_container(e, c) && e.event().type() == "connect" && e.event().dst_port() == closed;
        },
        &refused));
    CHECK(refused.event().ret() == -ECONNREFUSED);
    CHECK(refused.event().error() == "ECONNREFUSED");

    CHECK(sensor.bad_lines().empty());
}

TEST_CASE("a host process has no container id and the sensor never reports itself", "[integration]") {
    SensorProcess sensor;
    START_SENSOR(sensor);
    struct stat own_cgroup{};
    std::string self_cgroup;
    {
        std::ifstream in("/proc/self/cgroup");
        for (std::string line; std::getline(in, line);)
            if (line.rfind("0::", 0) == 0) self_cgroup = line.substr(3);
    }
    REQUIRE(stat((cgroup2_mount() + self_cgroup).c_str(), &own_cgroup) == 0);

    const std::string marker = "/tmp/crowsnest-host-marker-" + random_container_id().substr(0, 8);
    REQUIRE(run_shell("cat " + marker + " 2>/dev/null; true") == 0);

    v1::Event open;
    REQUIRE(sensor.wait_event(
        [&](const v1::Event &e) { return e.event().type() == "open" && e.event().path() == marker; }, &open));
    CHECK(open.container().id().empty());
    CHECK(open.cgroup_id() == own_cgroup.st_ino);
    CHECK(open.event().ret() == -ENOENT);

    const pid_t sensor_pid = sensor.pid();
    const std::string err = sensor.stop();
    for (const auto &e : sensor.events()) REQUIRE(e.process().pid() != uint32_t(sensor_pid));
    CHECK(err.find("crowsnest: counters") != std::string::npos);
    CHECK(err.find("ringbuf_drops 0") != std::string::npos);
}

TEST_CASE("a miner-named exec with stratum arguments in a container gives verdicts", "[integration]") {
    SensorProcess sensor;
    START_SENSOR(sensor);
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .extra_links = {"xmrig"}}));

    // busybox runs any name: the exec succeeds, the "miner" then exits
    c.exec("xmrig -o stratum+tcp://pool.example.com:3333 -u wallet; true");
    // a renamed miner: only its arguments give it away
    c.exec("cp /bin/busybox /tmp/kworkerd && /tmp/kworkerd -o stratum+ssl://pool.example.com:443 -u wallet; true");
    // and started by a relative path from its own directory
    c.exec("cd /tmp && ./kworkerd --donate-level=1 --cpu-max-threads-hint=50; true");

    v1::Verdict named;
    REQUIRE(sensor.wait_verdict([&](const v1::Verdict &m) { return m.container().id() == id && m.rule() == "crypto_miner_binary"; }, &named));
    CHECK(named.category() == "miner");
    CHECK(named.severity() == "critical");
    CHECK(named.container().id() == id);
    CHECK(named.cgroup_id() == c.cgroup_id());
    CHECK(named.event().filename() == "/bin/xmrig");
    CHECK(named.process().exe() == "/bin/xmrig");
    CHECK(named.process().pname() == "sh");  // the shell that started it, from the process table
    CHECK(named.output().find(id) != std::string::npos);
    REQUIRE(!named.tags().empty());
    CHECK(named.tags(0) == "T1496");

    v1::Verdict renamed;
    REQUIRE(sensor.wait_verdict(
        [&](const v1::Verdict &m) {
            return m.container().id() == id && m.rule() == "crypto_miner_stratum_args" && m.event().filename() == "/tmp/kworkerd";
        },
        &renamed));
    CHECK(renamed.container().id() == id);
    v1::Verdict relative;
    REQUIRE(sensor.wait_verdict(
        [&](const v1::Verdict &m) {
            return m.container().id() == id && m.rule() == "crypto_miner_flags" && m.event().filename() == "./kworkerd";
        },
        &relative));
    CHECK(relative.process().exe() == "/tmp/kworkerd");
    // one miner verdict per exec: the first matching rule of the category
    int xmrig_verdicts = 0;
    for (const auto &v : sensor.verdicts()) {
        if (v.container().id() != id) continue;  // another test run may share the machine
        CHECK_FALSE((v.rule() == "crypto_miner_binary" && v.event().filename() == "/tmp/kworkerd"));
        xmrig_verdicts += v.event().filename() == "/bin/xmrig";
    }
    CHECK(xmrig_verdicts == 1);
}

TEST_CASE("a scanner tool in a container gives a verdict, the same tool on the host does not", "[integration]") {
    SensorProcess sensor;
    START_SENSOR(sensor);
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .extra_links = {"nmap"}}));
    const uint16_t closed = unused_loopback_port();

    c.exec("nmap -p 1-100 127.0.0.1; true");
    c.exec("nc -w 1 127.0.0.1 " + std::to_string(closed) + " </dev/null; true");

    v1::Verdict scan;
    REQUIRE(sensor.wait_verdict([&](const v1::Verdict &m) { return m.container().id() == id && m.rule() == "network_scanner_in_container"; }, &scan));
    CHECK(scan.category() == "scanner");
    CHECK(scan.container().id() == id);
    CHECK(scan.event().filename() == "/bin/nmap");

    v1::Verdict tool;
    REQUIRE(sensor.wait_verdict([&](const v1::Verdict &m) { return m.container().id() == id && m.rule() == "network_tool_in_container"; }, &tool));
    CHECK(tool.severity() == "low");
    CHECK(tool.container().id() == id);

    // the host's own nc (busybox, as in the container) is not a finding
    run_shell("busybox nc -w 1 127.0.0.1 " + std::to_string(closed) + " </dev/null; true");
    REQUIRE(sensor.wait_event([&](const v1::Event &e) {
        return e.event().type() == "connect" && e.event().dst_port() == closed && e.container().id().empty();
    }));
    for (const auto &v : sensor.verdicts()) CHECK_FALSE(v.container().id().empty());
}

TEST_CASE("a port scan by an unknown binary in a container gives a verdict, a busy client does not", "[integration]") {
    SensorProcess sensor;
    START_SENSOR(sensor);
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id)}));
    REQUIRE(run_shell("cp " TCP_PROBE_BINARY " " + c.bundle() + "/rootfs/tmp/healthd") == 0);
    LoopbackListener listener;

    // a busy client: 100 connects to one open port is no scan
    const std::string port = std::to_string(listener.port);
    REQUIRE(c.run({"/tmp/healthd", "127.0.0.1", port, port}) == 0);
    for (int i = 0; i < 3; i++) REQUIRE(c.exec("for i in $(seq 1 33); do /tmp/healthd 127.0.0.1 " + port + " " + port + " >/dev/null; done") == 0);
    // the scan: 80 ports of one address, nearly all closed
    const uint16_t first = unused_loopback_port() & 0xff00;
    REQUIRE(c.run({"/tmp/healthd", "127.0.0.1", std::to_string(first), std::to_string(first + 79)}) == 0);

    v1::Verdict v;
    REQUIRE(sensor.wait_verdict([&](const v1::Verdict &m) { return m.rule() == "port_scan" && m.container().id() == id; }, &v));
    CHECK(v.category() == "scanner");
    CHECK(v.container().id() == id);
    CHECK(v.process().exe() == "/tmp/healthd");
    CHECK(v.event().dst_ip() == "127.0.0.1");
    CHECK(v.event().dst_port() >= first);
    int scans = 0;
    for (const auto &x : sensor.verdicts()) {
        if (x.container().id() != id) continue;  // another test run may share the machine
        scans += x.rule() == "port_scan";
        CHECK(x.rule() != "network_scanner_in_container");  // its name says nothing
    }
    CHECK(scans == 1);
}

TEST_CASE("a program written in a container's writable layer is drift, one from its image is not", "[integration]") {
    SensorProcess sensor;
    START_SENSOR(sensor);
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .overlay_rootfs = true}));

    REQUIRE(c.run({"/bin/cat", "/etc/hostname"}) == 0);  // from the image (lower layer)
    // a payload written at run time, under an innocent name
    REQUIRE(c.exec("cp /bin/busybox /bin/update-ca && { /bin/update-ca; true; }") == 0);

    v1::Verdict v;
    REQUIRE(sensor.wait_verdict(
        [&](const v1::Verdict &m) { return m.container().id() == id && m.rule() == "drift_binary_executed"; }, &v));
    CHECK(v.category() == "drift");
    CHECK(v.event().filename() == "/bin/update-ca");
    CHECK(v.event().exe_upper_layer());
    v1::Event image_exec;
    REQUIRE(sensor.wait_event(
        [&](const v1::Event &e) { return in_container(e, c) && e.event().filename() == "/bin/cat"; }, &image_exec));
    CHECK_FALSE(image_exec.event().exe_upper_layer());
    for (const auto &x : sensor.verdicts())
        if (x.container().id() == id && x.rule() == "drift_binary_executed") CHECK(x.event().filename() == "/bin/update-ca");
}

TEST_CASE("host files reached through a bind mount of the host root give verdicts, whatever the path", "[integration]") {
    SensorProcess sensor;
    START_SENSOR(sensor);
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .mount_host_root = true}));

    // the container's own /etc/shadow is no host file (near miss; printing
    // it is credential access inside the container, another rule)
    REQUIRE(c.exec("echo 'root:*:19000::::::' > /etc/shadow && cat /etc/shadow >/dev/null") == 0);
    REQUIRE(c.exec("cat /host/etc/shadow >/dev/null") == 0);
    // relative to the working directory, by a process that exits at once:
    // the kernel side reads the working directory with the event
    REQUIRE(c.run({"/bin/sh", "-c", "cd /host/etc && exec /bin/cat ./shadow >/dev/null"}) == 0);
    REQUIRE(c.exec("ln -s /host/etc/shadow /tmp/innocent && cat /tmp/innocent >/dev/null") == 0);

    auto shadow_verdict = [&](const std::string &path, v1::Verdict *out) {
        return sensor.wait_verdict(
            [&](const v1::Verdict &m) {
                return m.rule() == "host_secret_read_from_container" && m.event().path() == path;
            },
            out);
    };
    v1::Verdict direct, relative, via_symlink;
    REQUIRE(shadow_verdict("/host/etc/shadow", &direct));
    CHECK(direct.category() == "host_mount");
    CHECK(direct.severity() == "critical");
    CHECK(direct.event().host_path() == "/etc/shadow");
    CHECK(direct.container().id() == id);
    CHECK(direct.cgroup_id() == c.cgroup_id());
    CHECK(direct.process().comm() == "cat");

    REQUIRE(shadow_verdict("./shadow", &relative));
    CHECK(relative.event().resolved_path() == "/host/etc/shadow");
    CHECK(relative.event().host_path() == "/etc/shadow");

    REQUIRE(shadow_verdict("/tmp/innocent", &via_symlink));
    CHECK(via_symlink.event().host_path() == "/etc/shadow");

    CHECK(sensor.wait_verdict([&](const v1::Verdict &m) {
        return m.rule() == "credential_read_by_tool_in_container" && m.event().path() == "/etc/shadow" &&
               m.container().id() == id && m.category() == "credential_access";
    }));
    for (const auto &v : sensor.verdicts())
        if (v.rule() == "host_secret_read_from_container") CHECK(v.event().path() != "/etc/shadow");
}

TEST_CASE("opens and connects through io_uring, with no syscall of their own, are seen too", "[integration]") {
    SensorProcess sensor;
    START_SENSOR(sensor);
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .mount_host_root = true}));
    REQUIRE(run_shell("cp " URING_PROBE_BINARY " " + c.bundle() + "/rootfs/tmp/fetch") == 0);
    const uint16_t closed = unused_loopback_port();

    REQUIRE(c.run({"/tmp/fetch", "open", "/host/etc/shadow"}) == 0);
    c.run({"/tmp/fetch", "connect", "127.0.0.1", std::to_string(closed)});

    v1::Verdict v;
    REQUIRE(sensor.wait_verdict(
        [&](const v1::Verdict &m) { return m.container().id() == id && m.rule() == "host_secret_read_from_container"; },
        &v));
    CHECK(v.event().syscall() == "io_uring_openat");
    CHECK(v.event().path() == "/host/etc/shadow");
    CHECK(v.event().host_path() == "/etc/shadow");
    CHECK(v.event().ret() >= 0);
    CHECK(v.process().exe() == "/tmp/fetch");

    v1::Event connect;
    REQUIRE(sensor.wait_event(
        [&](const v1::Event &e) {
            return in_container(e, c) && e.event().type() == "connect" && e.event().dst_port() == closed;
        },
        &connect));
    CHECK(connect.event().syscall() == "io_uring_connect");
    CHECK(connect.event().ret() == -ECONNREFUSED);
    CHECK(connect.event().dst_ip() == "127.0.0.1");
}

TEST_CASE("writing a protected host directory through a bind mount gives a verdict, reading it does not",
          "[integration]") {
    // a host directory standing in for /etc/cron.d: a later rule file appends
    // it to the shipped list, so the shipped rule protects it
    char dir[] = "/tmp/crowsnest-cron-XXXXXX";
    REQUIRE(mkdtemp(dir));
    const std::string host_dir = dir, rules_file = host_dir + ".yaml";
    {
        std::ofstream rules(rules_file);
        rules << "- list: host_persistence_files\n  items: [" << host_dir << "/]\n  append: true\n";
    }
    SensorProcess sensor;
    START_SENSOR(sensor, "--rules", CROWSNEST_DEFAULT_RULES, "--rules", rules_file);
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .rw_binds = {{host_dir, "/mnt/jobs"}}}));

    REQUIRE(c.exec("echo '* * * * * root sh -c id' > /mnt/jobs/backdoor") == 0);
    REQUIRE(c.run({"/bin/cat", "/mnt/jobs/backdoor"}) == 0);

    v1::Verdict v;
    REQUIRE(sensor.wait_verdict([&](const v1::Verdict &m) { return m.container().id() == id && m.rule() == "host_file_written_from_container"; }, &v));
    CHECK(v.event().host_path() == host_dir + "/backdoor");
    CHECK(v.event().path() == "/mnt/jobs/backdoor");
    CHECK(v.event().flags().find("O_WRONLY") == 0);
    CHECK(v.container().id() == id);
    REQUIRE(sensor.wait_event([&](const v1::Event &e) {
        return e.event().type() == "open" && e.process().comm() == "cat" && e.event().path() == "/mnt/jobs/backdoor";
    }));
    int written = 0;
    for (const auto &x : sensor.verdicts()) written += x.rule() == "host_file_written_from_container";
    CHECK(written == 1);
    run_shell("rm -rf " + host_dir + " " + rules_file);
}

TEST_CASE("the kubelet cgroupfs shape gives the pod uid", "[integration]") {
    SensorProcess sensor;
    START_SENSOR(sensor);
    const std::string id = random_container_id(), pod = random_uuid();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = "/kubepods/besteffort/pod" + pod + "/" + id}));
    REQUIRE(c.exec("cat /etc/hostname") == 0);

    v1::Event e;
    REQUIRE(sensor.wait_event(
        [&](const v1::Event &ev) { return in_container(ev, c) && ev.event().type() == "exec"; }, &e));
    CHECK(e.container().id() == id);
    CHECK(e.container().pod_uid() == pod);
    CHECK(e.container().runtime() == "cri");
}

TEST_CASE("a container sharing the host pid namespace reaching /proc/1/root gives an escape verdict", "[integration]") {
    SensorProcess sensor;
    START_SENSOR(sensor);
    const std::string id = random_container_id();
    RuncContainer with_host_pid, own_pid;
    START_CONTAINER(with_host_pid, (ContainerSpec{.cgroups_path = docker_path(id), .host_pid = true}));
    START_CONTAINER(own_pid, (ContainerSpec{.cgroups_path = docker_path(random_container_id())}));

    own_pid.exec("cat /proc/1/root/etc/hostname >/dev/null");  // its own init: harmless
    with_host_pid.exec("cat /proc/1/root/etc/hostname >/dev/null");

    v1::Verdict v;
    REQUIRE(sensor.wait_verdict(
        [&](const v1::Verdict &m) { return m.rule() == "host_root_via_proc" && m.container().id() == id; }, &v));
    CHECK(v.category() == "escape");
    CHECK(v.container().id() == id);
    CHECK(v.event().path() == "/proc/1/root/etc/hostname");
    for (const auto &x : sensor.verdicts())
        if (x.rule() == "host_root_via_proc" && x.cgroup_id() == own_pid.cgroup_id()) FAIL("its own /proc/1/root is no escape");
}

TEST_CASE("a container connecting to a container-runtime socket gives an escape verdict", "[integration]") {
    SensorProcess sensor;
    START_SENSOR(sensor);
    char dir[] = "/tmp/crowsnest-sock-XXXXXX";
    REQUIRE(mkdtemp(dir));
    const std::string sock_path = std::string(dir) + "/docker.sock";
    int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", sock_path.c_str());
    REQUIRE(bind(lfd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) == 0);
    REQUIRE(listen(lfd, 8) == 0);

    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .mount_host_root = true}));
    REQUIRE(run_shell("cp " UNIX_CONNECT_BINARY " " + c.bundle() + "/rootfs/bin/unix_connect") == 0);
    CHECK(c.exec("unix_connect /host" + sock_path) == 0);

    v1::Verdict v;
    REQUIRE(sensor.wait_verdict([&](const v1::Verdict &m) { return m.container().id() == id && m.rule() == "runtime_socket_connect"; }, &v));
    CHECK(v.category() == "escape");
    CHECK(v.container().id() == id);
    CHECK(v.event().family() == "unix");
    CHECK(v.event().unix_path() == "/host" + sock_path);
    CHECK(v.event().ret() == 0);
    close(lfd);
    run_shell(std::string("rm -rf ") + dir);
}
