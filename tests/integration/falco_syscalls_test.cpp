// The calls beyond exec, open and connect, on the real kernel: a runc
// container makes each (ptrace, setns, unshare, module loads, bpf, a packet
// socket, symlink, link, chmod +s, a socket dup'd onto stdin and stdout,
// setuid), and each Falco-style rule of tests/data/falco_syscall_rules.yaml
// fires with the container's id and the call's arguments by Falco's names;
// the near misses (a symlink to another file, chmod without the setuid bit,
// a pipe dup'd onto stdout, setuid to root) fire nothing.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include "harness.h"

using namespace crowsnest;
using namespace crowsnest::test;

namespace {

// A loopback TCP listener that never accepts: connections complete in its
// backlog. Closed with the object.
struct Listener {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    uint16_t port = 0;
    Listener() {
        sockaddr_in sin{};
        sin.sin_family = AF_INET;
        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof(sin);
        REQUIRE(bind(fd, reinterpret_cast<sockaddr *>(&sin), sizeof(sin)) == 0);
        REQUIRE(listen(fd, 8) == 0);
        REQUIRE(getsockname(fd, reinterpret_cast<sockaddr *>(&sin), &len) == 0);
        port = ntohs(sin.sin_port);
    }
    ~Listener() { close(fd); }
};

bool has(const v1::Verdict &v, const std::string &text) { return v.output().find(text) != std::string::npos; }

}  // namespace

TEST_CASE("falco syscalls: each call's Falco-style rule fires from a real container", "[integration][falco]") {
    SensorProcess sensor;
    START_SENSOR(sensor, "--rules", CROWSNEST_SOURCE_DIR "/tests/data/falco_syscall_rules.yaml");
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id)}));
    REQUIRE(run_shell("cp " SYSCALL_PROBE_BINARY " " + c.bundle() + "/rootfs/bin/syscall_probe") == 0);
    std::ofstream(c.bundle() + "/rootfs/etc/shadow") << "root:*:19000:0:99999:7:::\n";
    Listener listener;

    // near misses first
    c.exec("ln -s /etc/hostname /tmp/near; touch /tmp/plain; chmod 755 /tmp/plain; echo x | cat >/dev/null");
    c.run({"/bin/syscall_probe", "setuid", "0"});

    c.run({"/bin/syscall_probe", "ptrace-attach"});
    c.run({"/bin/syscall_probe", "traceme"});
    c.run({"/bin/syscall_probe", "setns", "/proc/1/ns/net"});
    c.run({"/bin/syscall_probe", "unshare"});
    c.run({"/bin/syscall_probe", "modules"});
    c.run({"/bin/syscall_probe", "bpf"});
    c.run({"/bin/syscall_probe", "packet-socket"});
    c.exec("ln -s /etc/shadow /tmp/s; ln /etc/shadow /tmp/h; touch /tmp/suid; chmod u+s /tmp/suid");
    REQUIRE(c.run({"/bin/syscall_probe", "dup-socket", "127.0.0.1", std::to_string(listener.port)}) == 0);
    c.run({"/bin/syscall_probe", "setuid", "7"});

    auto wait = [&](const std::string &rule, v1::Verdict &v) {
        INFO(rule);
        return sensor.wait_verdict([&](const v1::Verdict &m) { return m.rule() == rule && m.container().id() == id; },
                                   &v);
    };
    v1::Verdict v;
    REQUIRE(wait("Process Attached To Another With Ptrace", v));
    CHECK(has(v, "request=PTRACE_ATTACH pid="));
    CHECK(v.event().syscall() == "ptrace");
    REQUIRE(wait("Process Asked To Be Traced", v));
    CHECK(has(v, "args=request=PTRACE_TRACEME pid=0"));
    REQUIRE(wait("Namespace Joined From A Container", v));
    CHECK(has(v, "nstype=0 res=EPERM"));  // runc's default capabilities lack CAP_SYS_ADMIN
    REQUIRE(wait("User Namespace Created In A Container", v));
    CHECK(has(v, "CLONE_NEWUSER"));
    CHECK(has(v, "CLONE_NEWNS"));
    REQUIRE(wait("Kernel Module Load Attempted From A Container", v));
    CHECK((has(v, "res=EPERM") || has(v, "res=ENOSYS")));
    CHECK(sensor.wait_verdict([&](const v1::Verdict &m) {
        return m.rule() == "Kernel Module Load Attempted From A Container" && m.container().id() == id &&
               has(m, "call=finit_module");
    }));
    REQUIRE(wait("BPF Program Loaded From A Container", v));
    CHECK(has(v, "cmd=BPF_PROG_LOAD res=EPERM"));
    REQUIRE(wait("Packet Socket Opened In A Container", v));
    CHECK(has(v, "domain=AF_PACKET type=SOCK_RAW"));
    REQUIRE(wait("Symlink To A Guarded File", v));
    CHECK(has(v, "target=/etc/shadow linkpath=/tmp/s"));
    REQUIRE(wait("Hardlink To A Guarded File", v));
    CHECK(has(v, "oldpath=/etc/shadow newpath=/tmp/h"));
    REQUIRE(wait("Setuid Bit Set", v));
    CHECK(has(v, "file=/tmp/suid") == (v.event().syscall() != "fchmod"));
    CHECK(has(v, "S_ISUID"));
    REQUIRE(wait("Standard Stream Joined To A Network Connection", v));
    const std::string port = std::to_string(listener.port);
    CHECK(has(v, "connection=127.0.0.1:" + port + " lport="));
    CHECK(has(v, "rport=" + port + " proto=tcp type=ipv4"));
    CHECK(v.event().dst_port() == listener.port);
    REQUIRE(wait("Setuid To Another User", v));
    CHECK(has(v, "uid=7 res="));

    for (const auto &m : sensor.verdicts()) {
        if (m.container().id() != id) continue;
        INFO(m.rule() << ": " << m.output());
        CHECK(m.cgroup_id() == c.cgroup_id());
        CHECK_FALSE(has(m, "/etc/hostname"));
        CHECK_FALSE(has(m, "/tmp/plain"));
        CHECK_FALSE(has(m, "uid=0 "));
        CHECK_FALSE(has(m, "uid=root "));
        if (m.rule() == "Standard Stream Joined To A Network Connection") CHECK(has(m, "type=ipv4"));
    }
}
