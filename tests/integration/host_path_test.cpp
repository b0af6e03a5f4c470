// host.path from real containers, with the shipped rules and the kernel's
// prefilter in force (a verdicts-only sensor): host files reached through a
// bind mount of a host subdirectory, created in new subdirectories, by a
// relative path, from a busybox chrooted into a host directory, through a
// host process's /proc/<pid>/root, refused on a read-only mount, and on a host disk that a
// privileged container mounts afresh. A container's own files have none.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "harness.h"
#include "loop_disk.h"

using namespace crowsnest;
using namespace crowsnest::test;

namespace {

// A rule file that makes the shipped rules protect test directories: the
// files below `persistence` as if they were cron's, `secret` as if it were
// /etc/shadow.
std::string protect(const std::string &persistence, const std::string &secret) {
    const std::string path = temp_dir() + "/protect.yaml";
    std::ofstream out(path);
    out << "- list: host_persistence_files\n  items: [" << persistence << "/]\n  append: true\n";
    if (!secret.empty()) out << "- list: host_secret_files\n  items: [" << secret << "]\n  append: true\n";
    return path;
}

// The verdict of `rule` for an open of `path` (as the process named it).
bool verdict_for(SensorProcess &sensor, const std::string &rule, const std::string &path, v1::Verdict *out) {
    return sensor.wait_verdict([&](const v1::Verdict &m) { return m.rule() == rule && m.event().path() == path; },
                               out);
}

// Unmounts a host mount point when the test ends, before its disk goes.
struct HostMount {
    std::string point;
    ~HostMount() {
        if (!point.empty()) run_shell("umount -l " + point);
    }
};

// A process of the host, killed when the test ends.
struct HostProcess {
    pid_t pid = fork();
    HostProcess() {
        if (pid == 0) {
            execl("/bin/sleep", "sleep", "120", static_cast<char *>(nullptr));
            _exit(127);
        }
    }
    ~HostProcess() {
        if (pid <= 0) return;
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
    }
};

}  // namespace

TEST_CASE("host paths by filesystem: binds, new subdirectories, relative paths, chroot, /proc/<pid>/root, refused opens",
          "[integration][host_path]") {
    const std::string host_dir = temp_dir(), secret = host_dir + "/secret";
    REQUIRE(run_shell("mkdir -p " + host_dir + "/sub && echo 'root:$6$x:19000::::::' > " + secret +
                      " && cp \"$(command -v busybox)\" " + host_dir + "/busybox") == 0);
    SensorProcess sensor;
    START_QUIET_SENSOR(sensor, "--rules", CROWSNEST_DEFAULT_RULES, "--rules", protect(host_dir, secret));

    // a host subdirectory bound into a container whose own root is overlay
    const std::string binds_id = random_container_id(), host_id = random_container_id();
    RuncContainer binds, host;
    START_CONTAINER(binds, (ContainerSpec{.cgroups_path = docker_path(binds_id),
                                          .rw_binds = {{host_dir + "/sub", "/mnt/x"}},
                                          .overlay_rootfs = true}));
    // the host's root, read-only, in a container that may chroot and reach
    // other processes' roots
    START_CONTAINER(host, (ContainerSpec{.cgroups_path = docker_path(host_id),
                                         .host_pid = true,
                                         .mount_host_root = true,
                                         .extra_links = {"chroot"},
                                         .extra_capabilities = {"CAP_SYS_CHROOT", "CAP_SYS_PTRACE"}}));

    // files created in directories that did not exist at the sensor's start
    REQUIRE(binds.exec("mkdir -p /mnt/x/new/deeper && echo job > /mnt/x/new/deeper/job") == 0);
    REQUIRE(binds.exec("cd /mnt/x/new && echo more > deeper/rel") == 0);
    // near miss: the container's own /etc/shadow, in its overlay root
    REQUIRE(binds.exec("echo 'root:*:19000::::::' > /etc/shadow && cat /etc/shadow >/dev/null") == 0);
    // a busybox chrooted into the host's /tmp names the file from there
    const std::string in_tmp = host_dir.substr(std::string("/tmp").size());
    REQUIRE(host.exec("chroot /host/tmp " + in_tmp + "/busybox cat " + in_tmp + "/secret >/dev/null") == 0);
    // another process's root: a host process of the test's own (this
    // machine's init may not be reached)
    HostProcess sleeper;
    REQUIRE(sleeper.pid > 0);
    const std::string via_proc = "/proc/" + std::to_string(sleeper.pid) + "/root" + secret;
    REQUIRE(host.exec("cat " + via_proc + " >/dev/null") == 0);
    // refused: the host's root is mounted read-only
    CHECK(host.exec("echo x >> /host" + secret) != 0);

    v1::Verdict v;
    REQUIRE(verdict_for(sensor, "host_file_written_from_container", "/mnt/x/new/deeper/job", &v));
    CHECK(v.event().host_path() == host_dir + "/sub/new/deeper/job");
    CHECK(v.container().id() == binds_id);
    CHECK(v.cgroup_id() == binds.cgroup_id());
    CHECK(v.severity() == "critical");

    REQUIRE(verdict_for(sensor, "host_file_written_from_container", "deeper/rel", &v));
    CHECK(v.event().resolved_path() == "/mnt/x/new/deeper/rel");
    CHECK(v.event().host_path() == host_dir + "/sub/new/deeper/rel");

    REQUIRE(verdict_for(sensor, "host_secret_read_from_container", in_tmp + "/secret", &v));
    CHECK(v.event().host_path() == secret);
    CHECK(v.container().id() == host_id);

    REQUIRE(verdict_for(sensor, "host_secret_read_from_container", via_proc, &v));
    CHECK(v.event().host_path() == secret);

    REQUIRE(verdict_for(sensor, "host_file_written_from_container", "/host" + secret, &v));
    CHECK(v.event().host_path() == secret);
    CHECK(v.event().error() == "EROFS");
    CHECK(v.container().id() == host_id);

    // the container's own file is credential access, not a host file
    REQUIRE(verdict_for(sensor, "credential_read_by_tool_in_container", "/etc/shadow", &v));
    CHECK(v.event().host_path().empty());
    CHECK(v.container().id() == binds_id);
    for (const auto &x : sensor.verdicts())
        if (x.rule().rfind("host_", 0) == 0) CHECK(x.event().path() != "/etc/shadow");
    run_shell("rm -rf " + host_dir);
}

TEST_CASE("host paths by filesystem: a host disk mounted afresh by a privileged container", "[integration][host_path]") {
    LoopDisk disk;
    std::string error;
    if (!disk.make(error)) SKIP_OR_FAIL(error);
    HostMount mounted;
    const std::string point = disk.dir + "/mnt";
    REQUIRE(run_shell("mkdir -p " + point + " && mount " + disk.device + " " + point + " && mkdir -p " + point +
                      "/etc") == 0);
    mounted.point = point;
    SensorProcess sensor;
    START_QUIET_SENSOR(sensor, "--rules", CROWSNEST_DEFAULT_RULES, "--rules", protect(point + "/etc", ""));
    const std::string id = random_container_id();
    RuncContainer priv;
    START_CONTAINER(priv, (ContainerSpec{.cgroups_path = docker_path(id),
                                         .extra_links = {"mknod", "mount"},
                                         .extra_capabilities = {"CAP_SYS_ADMIN", "CAP_MKNOD"},
                                         .allow_devices = true}));
    // a device node under an innocent name, mounted where the host has none
    REQUIRE(priv.exec("mknod /dev/cache0 b " + std::to_string(disk.major) + " " + std::to_string(disk.minor) +
                      " && mkdir -p /media/c && mount -t ext4 /dev/cache0 /media/c && mkdir -p /media/c/etc/cron.d && "
                      "echo '* * * * * root id' > /media/c/etc/cron.d/job") == 0);

    v1::Verdict v;
    REQUIRE(verdict_for(sensor, "host_file_written_from_container", "/media/c/etc/cron.d/job", &v));
    CHECK(v.event().host_path() == point + "/etc/cron.d/job");
    CHECK(v.container().id() == id);
    CHECK(v.cgroup_id() == priv.cgroup_id());
}
