// mount, umount2, mknod and memfd_create on the real kernel, from real runc
// containers with the shipped rules: a privileged one (CAP_SYS_ADMIN,
// CAP_MKNOD, every device allowed) makes a block device node named like a
// host disk for a real loop device, mounts it through a renamed binary,
// mounts proc and unmounts, then mounts the disk again with the new mount
// API (no mount call); an unprivileged one tries the same and is refused. The verdicts carry the container's id and the calls' arguments;
// the runtime's own mounts, a FIFO, a tmpfs and a memfd stay quiet.
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cstdio>

#include "harness.h"
#include "loop_disk.h"

using namespace crowsnest;
using namespace crowsnest::test;

namespace {

bool has(const v1::Verdict &v, const std::string &text) { return v.output().find(text) != std::string::npos; }

// makedev's encoding in hexadecimal, as evt.arg.dev prints it.
std::string dev_hex(unsigned major, unsigned minor) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(makedev(major, minor)));
    return buf;
}

}  // namespace

TEST_CASE("escape syscalls: mount, mknod and memfd_create from real containers, privileged and not",
          "[integration][escape]") {
    SensorProcess sensor;
    START_SENSOR(sensor);  // the shipped rules
    LoopDisk disk;
    std::string error;
    if (!disk.make(error)) SKIP_OR_FAIL(error);
    const std::string priv_id = random_container_id(), plain_id = random_container_id();
    RuncContainer priv, plain;
    START_CONTAINER(priv, (ContainerSpec{.cgroups_path = docker_path(priv_id),
                                         .extra_links = {"mkfifo"},
                                         .extra_capabilities = {"CAP_SYS_ADMIN", "CAP_MKNOD"},
                                         .allow_devices = true}));
    START_CONTAINER(plain, (ContainerSpec{.cgroups_path = docker_path(plain_id)}));
    for (const auto *c : {&priv, &plain})
        REQUIRE(run_shell("cp " SYSCALL_PROBE_BINARY " " + c->bundle() + "/rootfs/bin/syscall_probe") == 0);
    // the evasive variant: the same calls from a program named like a kernel thread
    REQUIRE(run_shell("cp " SYSCALL_PROBE_BINARY " " + priv.bundle() + "/rootfs/tmp/kworker") == 0);
    const std::string major = std::to_string(disk.major), minor = std::to_string(disk.minor);

    // near misses first: a FIFO (mkfifo is mknod), a tmpfs, a memfd
    REQUIRE(priv.exec("mkdir -p /mnt /mnt2 /p /scratch && mkfifo /tmp/f") == 0);
    REQUIRE(priv.run({"/bin/syscall_probe", "mount", "tmpfs", "/scratch", "tmpfs"}) == 0);
    REQUIRE(priv.run({"/bin/syscall_probe", "memfd", "jit-cache"}) == 0);

    // the privileged container reaches the disk
    REQUIRE(priv.run({"/bin/syscall_probe", "mknod", "/dev/sda1", "b", major, minor}) == 0);
    REQUIRE(priv.run({"/tmp/kworker", "mount", "/dev/sda1", "/mnt", "ext4"}) == 0);
    REQUIRE(priv.run({"/bin/syscall_probe", "mount", "proc", "/p", "proc"}) == 0);
    REQUIRE(priv.run({"/bin/syscall_probe", "umount", "/mnt"}) == 0);
    REQUIRE(priv.run({"/tmp/kworker", "fsmount", "/dev/sda1", "/mnt2", "ext4"}) == 0);

    // the unprivileged one is refused each time
    REQUIRE(plain.exec("mkdir -p /mnt /p") == 0);
    CHECK(plain.run({"/bin/syscall_probe", "mknod", "/tmp/sda1", "b", major, minor}) == 1);
    CHECK(plain.run({"/bin/syscall_probe", "mount", "/dev/sda1", "/mnt", "ext4"}) == 1);
    CHECK(plain.run({"/bin/syscall_probe", "mount", "proc", "/p", "proc"}) == 1);

    auto wait = [&](const std::string &rule, const std::string &id, v1::Verdict &v) {
        INFO(rule << " in " << id);
        return sensor.wait_verdict([&](const v1::Verdict &m) { return m.rule() == rule && m.container().id() == id; },
                                   &v);
    };
    v1::Verdict v;
    REQUIRE(wait("block_device_node_in_container", priv_id, v));
    CHECK(has(v, "Block device node /dev/sda1 (dev " + dev_hex(disk.major, disk.minor) + ") made in container " +
                     priv_id + " by syscall_probe (/bin/syscall_probe), SUCCESS"));
    CHECK(v.event().syscall() == "mknodat");  // glibc's mknod
    CHECK(v.severity() == "medium");
    REQUIRE(wait("host_disk_mounted_by_call", priv_id, v));
    CHECK(v.output() == "Disk /dev/sda1 (ext4) mounted on /mnt in container " + priv_id + " by kworker (/tmp/kworker)");
    CHECK(v.severity() == "critical");
    CHECK(v.event().syscall() == "mount");
    CHECK(v.event().path() == "/dev/sda1");
    CHECK(v.event().path2() == "/mnt");
    CHECK(v.event().name() == "ext4");
    CHECK(v.event().ret() == 0);
    REQUIRE(wait("disk_fs_context_in_container", priv_id, v));
    CHECK(v.output() == "Filesystem context for ext4 opened in container " + priv_id + " by kworker (/tmp/kworker)");
    CHECK(v.severity() == "high");
    CHECK(v.event().syscall() == "fsopen");
    REQUIRE(wait("kernel_fs_mounted_in_container", priv_id, v));
    CHECK(has(v, "proc mounted on /p in container " + priv_id));

    REQUIRE(wait("block_device_node_in_container", plain_id, v));
    CHECK(has(v, "/tmp/sda1 (dev " + dev_hex(disk.major, disk.minor) + ")"));
    CHECK(has(v, ", EPERM"));
    REQUIRE(wait("host_disk_mount_attempt", plain_id, v));
    CHECK(has(v, "Disk mount of /dev/sda1 (ext4) on /mnt refused (EPERM) in container " + plain_id));
    CHECK(v.severity() == "medium");

    // the calls no rule watches are events with their arguments
    v1::Event e;
    // (runc makes mounts and umounts of its own in the container's cgroup)
    auto event_in = [&](const std::string &call, const std::function<bool(const v1::Syscall &)> &pred) {
        INFO(call);
        return sensor.wait_event(
            [&](const v1::Event &m) {
                return m.container().id() == priv_id && m.event().syscall() == call && pred(m.event());
            },
            &e);
    };
    REQUIRE(event_in("memfd_create", [](const v1::Syscall &s) { return s.name() == "jit-cache"; }));
    CHECK(e.event().ret() >= 0);
    CHECK(e.event().args(0) == 1);  // MFD_CLOEXEC
    REQUIRE(event_in("umount2", [](const v1::Syscall &s) { return s.path() == "/mnt"; }));
    CHECK(e.event().args(0) == 2);  // MNT_DETACH
    CHECK(e.event().ret() == 0);
    CHECK(event_in("mknodat", [](const v1::Syscall &s) { return s.path() == "/tmp/f"; }));
    // the runtime mounted the container's proc in its cgroup: an event, and below no verdict
    REQUIRE(event_in("mount", [](const v1::Syscall &s) { return s.name() == "proc" && s.path2() != "/p"; }));
    CHECK(e.process().comm() == "runc:[2:INIT]");

    for (const auto &m : sensor.verdicts()) {
        const bool ours = m.container().id() == priv_id || m.container().id() == plain_id;
        if (!ours) continue;
        INFO(m.rule() << ": " << m.output());
        CHECK(m.cgroup_id() == (m.container().id() == priv_id ? priv.cgroup_id() : plain.cgroup_id()));
        CHECK_FALSE(has(m, "/scratch"));
        CHECK_FALSE(has(m, "jit-cache"));
        CHECK_FALSE(has(m, "/tmp/f "));
        // the runtime's own proc, sysfs and cgroup mounts, and refused ones, are no verdict
        if (m.rule() == "kernel_fs_mounted_in_container") CHECK((m.container().id() == priv_id && has(m, " on /p ")));
        // the renamed program escapes the exec rule, not the call rule
        CHECK(m.rule() != "host_disk_mount_in_container");
        // the new mount API makes no mount call: only the first disk mount is one
        if (m.rule() == "host_disk_mounted_by_call") CHECK((m.container().id() == priv_id && has(m, " on /mnt in ")));
    }
}

TEST_CASE("raw sockets: a SYN-scan socket and a sniffer from real containers, renamed, but not ping's",
          "[integration][scanner]") {
    SensorProcess sensor;
    START_SENSOR(sensor);  // the shipped rules
    const std::string raw_id = random_container_id(), plain_id = random_container_id();
    RuncContainer raw, plain;
    START_CONTAINER(raw, (ContainerSpec{.cgroups_path = docker_path(raw_id), .extra_capabilities = {"CAP_NET_RAW"}}));
    START_CONTAINER(plain, (ContainerSpec{.cgroups_path = docker_path(plain_id)}));
    // named like an ordinary health check
    for (const auto *c : {&raw, &plain})
        REQUIRE(run_shell("cp " SYSCALL_PROBE_BINARY " " + c->bundle() + "/rootfs/bin/healthcheck") == 0);

    REQUIRE(raw.run({"/bin/healthcheck", "raw-socket", "1"}) == 0);  // ping's ICMP: nothing
    REQUIRE(raw.run({"/bin/healthcheck", "raw-socket", "6"}) == 0);  // TCP: what a SYN scan sends with
    REQUIRE(raw.run({"/bin/healthcheck", "packet-socket"}) == 0);
    CHECK(plain.run({"/bin/healthcheck", "raw-socket", "255"}) == 1);  // no CAP_NET_RAW: refused

    auto wait = [&](const std::string &id, const std::string &text, v1::Verdict &v) {
        INFO(id << ": " << text);
        return sensor.wait_verdict(
            [&](const v1::Verdict &m) {
                return m.rule() == "raw_socket_in_container" && m.container().id() == id &&
                       m.output().find(text) != std::string::npos;
            },
            &v);
    };
    v1::Verdict v;
    REQUIRE(wait(raw_id, "AF_INET SOCK_RAW protocol 6", v));
    CHECK(v.output() == "Raw socket in container " + raw_id +
                            ": AF_INET SOCK_RAW protocol 6 by healthcheck (/bin/healthcheck), SUCCESS");
    CHECK(v.event().syscall() == "socket");
    CHECK(v.severity() == "medium");
    REQUIRE(wait(raw_id, "AF_PACKET SOCK_RAW protocol 768", v));
    REQUIRE(wait(plain_id, "AF_INET SOCK_RAW protocol 255", v));
    CHECK(v.output().ends_with(", EPERM"));
    for (const auto &m : sensor.verdicts())
        CHECK_FALSE((m.rule() == "raw_socket_in_container" && m.output().find("protocol 1 ") != std::string::npos));
}
