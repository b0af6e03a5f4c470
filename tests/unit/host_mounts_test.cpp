// parse_mountinfo_line on well-formed and broken lines; HostMounts: a file
// known by its filesystem (device) and its path there gets the path the host
// has it at, and a container's image, private mounts and the kernel's
// interface filesystems get none; ProcessMounts: the mount a path names in a
// process's own table.
#include <sys/sysmacros.h>

#include <catch2/catch.hpp>
#include <string>

#include "enrich/host_mounts.h"
#include "enrich/mountinfo.h"
#include "enrich/process_mounts.h"
#include "test_util.h"

using crowsnest::HostMounts;
using crowsnest::MountEntry;
using crowsnest::parse_mountinfo_line;
using crowsnest::ProcessMounts;
using crowsnest::test::TempDir;
using crowsnest::test::write_file;

namespace {

// A node's table: ext4 root, /var on its own disk, tmpfs /run, a kubelet
// secret volume, a Docker container's overlay root and what was mounted
// inside it, and the kernel's filesystems.
const char *kNodeTable =
    "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
    "23 22 0:21 / /proc rw,nosuid - proc proc rw\n"
    "24 22 0:22 / /sys rw - sysfs sysfs rw\n"
    "25 24 0:23 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"
    "26 22 0:24 / /run rw shared:5 - tmpfs tmpfs rw,mode=755\n"
    "27 22 8:17 / /var rw shared:6 - xfs /dev/sdb1 rw\n"
    "28 27 0:45 / /var/lib/kubelet/pods/p1/volumes/kubernetes.io~projected/kube-api-access-x rw - tmpfs tmpfs rw\n"
    "29 27 0:50 / /var/lib/docker/overlay2/abc/merged rw - overlay overlay rw,lowerdir=/x\n"
    "30 29 0:51 / /var/lib/docker/overlay2/abc/merged/proc rw - proc proc rw\n"
    "31 29 8:1 /srv/data /var/lib/docker/overlay2/abc/merged/data rw - ext4 /dev/sda1 rw\n"
    "32 22 8:1 /home/alice /mnt/alice\\040home rw - ext4 /dev/sda1 rw\n"
    "33 27 8:17 /lib/docker/containers/c1/hosts /var/lib/docker/containers/c1/mounted-hosts rw - xfs /dev/sdb1 rw\n";

struct Table {
    TempDir dir;
    HostMounts mounts;
    explicit Table(const std::string &text) : mounts(dir / "mountinfo") {
        write_file(dir / "mountinfo", text);
        REQUIRE(mounts.refresh());
    }
};

std::string path_of(const HostMounts &mounts, uint64_t dev, std::string_view fs_path) {
    std::string out = "stale";  // a reused string: its old text must not survive
    mounts.host_path(dev, fs_path, out);
    return out;
}

}  // namespace

TEST_CASE("mountinfo: a line with optional fields and escapes", "[host_mounts]") {
    MountEntry m;
    size_t column = 0;
    std::string error;
    REQUIRE(parse_mountinfo_line("36 35 98:0 /mnt1 /mnt\\040two rw,noatime master:1 shared:2 - ext3 /dev/root rw",
                                 m, column, error));
    CHECK(m.id == 36);
    CHECK(m.parent == 35);
    CHECK(m.dev == makedev(98, 0));
    CHECK(m.root == "/mnt1");
    CHECK(m.mount_point == "/mnt two");
    CHECK(m.fs_type == "ext3");
    CHECK(m.source == "/dev/root");
    REQUIRE(parse_mountinfo_line("1 0 259:65537 / / rw - btrfs /dev/nvme0n1p2 rw", m, column, error));
    CHECK(m.dev == makedev(259, 65537));
}

TEST_CASE("mountinfo: broken lines say where and why", "[host_mounts]") {
    MountEntry m;
    size_t column = 0;
    std::string error;
    struct Case {
        const char *line;
        size_t column;
        const char *error;
    };
    for (const Case &c : {Case{"", 1, "expected a mount id"},
                          Case{"x 1 8:1 / / rw - ext4 s o", 1, "expected a mount id"},
                          Case{"2 y 8:1 / / rw - ext4 s o", 3, "expected a parent mount id"},
                          Case{"2 1 81 / / rw - ext4 s o", 5, "expected major:minor"},
                          Case{"2 1 8:z / / rw - ext4 s o", 5, "expected major:minor"},
                          Case{"2 1 8:1 rel / rw - ext4 s o", 9, "expected the mount's root, a path"},
                          Case{"2 1 8:1 / mnt rw - ext4 s o", 11, "expected the mount point, a path"},
                          Case{"2 1 8:1 / /", 12, "expected the mount options"},
                          Case{"2 1 8:1 / / rw shared:1", 24, "expected the '-' that ends the optional fields"},
                          Case{"2 1 8:1 / / rw -", 17, "expected the filesystem type"},
                          Case{"2 1 8:1 / / rw - ext4", 22, "expected the mount source"},
                          Case{"99999999999 1 8:1 / / rw - ext4 s o", 1, "expected a mount id"}}) {
        INFO(c.line);
        CHECK_FALSE(parse_mountinfo_line(c.line, m, column, error));
        CHECK(column == c.column);
        CHECK(error == c.error);
    }
}

TEST_CASE("host_mounts: a host filesystem's file, whatever mount reached it", "[host_mounts]") {
    Table t(kNodeTable);
    // the root filesystem: a container with / bind-mounted at /host opened
    // /host/etc/shadow, or chrooted there, or went through /proc/1/root
    CHECK(path_of(t.mounts, makedev(8, 1), "/etc/shadow") == "/etc/shadow");
    // a subdirectory bound into a container: the kernel reads the path in
    // the filesystem, which the host's root mount shows whole
    CHECK(path_of(t.mounts, makedev(8, 1), "/srv/data/new/dir/file") == "/srv/data/new/dir/file");
    // a filesystem mounted below the root
    CHECK(path_of(t.mounts, makedev(8, 17), "/lib/docker/containers/c1/hosts") == "/var/lib/docker/containers/c1/hosts");
    CHECK(path_of(t.mounts, makedev(8, 17), "/") == "/var");
    CHECK(path_of(t.mounts, makedev(8, 1), "/") == "/");
    // tmpfs: the host's /run, and a pod's volume
    CHECK(path_of(t.mounts, makedev(0, 24), "/containerd/containerd.sock") == "/run/containerd/containerd.sock");
    CHECK(path_of(t.mounts, makedev(0, 45), "/token") ==
          "/var/lib/kubelet/pods/p1/volumes/kubernetes.io~projected/kube-api-access-x/token");
    CHECK(t.mounts.size() == 6);
}

TEST_CASE("host_mounts: a filesystem the host has only partly mounted", "[host_mounts]") {
    // only /home/alice of the disk is mounted, at a path with a space
    Table t("32 22 8:1 /home/alice /mnt/alice\\040home rw - ext4 /dev/sda1 rw\n");
    CHECK(path_of(t.mounts, makedev(8, 1), "/home/alice/.ssh/id_rsa") == "/mnt/alice home/.ssh/id_rsa");
    CHECK(path_of(t.mounts, makedev(8, 1), "/home/alice") == "/mnt/alice home");
    // outside what is mounted, or a name that only starts the same
    CHECK(path_of(t.mounts, makedev(8, 1), "/home/bob/x") == "");
    CHECK(path_of(t.mounts, makedev(8, 1), "/home/alicex") == "");
}

TEST_CASE("host_mounts: a container's image, its private mounts and the kernel's filesystems are not the host's",
          "[host_mounts]") {
    Table t(kNodeTable);
    CHECK(path_of(t.mounts, makedev(0, 50), "/etc/shadow") == "");  // the container's overlay root
    CHECK(path_of(t.mounts, makedev(0, 51), "/1/environ") == "");   // its /proc
    CHECK(path_of(t.mounts, makedev(0, 21), "/1/environ") == "");   // the host's /proc
    CHECK(path_of(t.mounts, makedev(0, 23), "/release_agent") == "");
    CHECK(path_of(t.mounts, makedev(0, 99), "/x") == "");  // a tmpfs only the container has
    CHECK(t.mounts.knows(makedev(0, 50)));
    CHECK_FALSE(t.mounts.knows(makedev(0, 99)));
}

TEST_CASE("host_mounts: a node whose own root is an overlay (kind, live images)", "[host_mounts]") {
    Table t("1 0 0:30 / / rw - overlay overlay rw,lowerdir=/a\n"
            "2 1 0:60 / /var/lib/containerd/x/rootfs rw - overlay overlay rw,lowerdir=/b\n");
    CHECK(path_of(t.mounts, makedev(0, 30), "/etc/shadow") == "/etc/shadow");
    CHECK(path_of(t.mounts, makedev(0, 60), "/etc/shadow") == "");
}

TEST_CASE("host_mounts: broken lines are left out and counted, a table that cannot be read keeps the last",
          "[host_mounts]") {
    TempDir dir;
    write_file(dir / "mountinfo", "22 1 8:1 / / rw - ext4 /dev/sda1 rw\nnot a line\n27 22 8:17 / /var rw - xfs s rw\n");
    HostMounts mounts(dir / "mountinfo");
    REQUIRE(mounts.refresh());
    REQUIRE(mounts.problems().size() == 1);
    CHECK(mounts.problems()[0] == dir / "mountinfo" + ":2:1: expected a mount id");
    CHECK(mounts.errors() == 1);
    CHECK(path_of(mounts, makedev(8, 17), "/log") == "/var/log");

    REQUIRE(std::remove((dir / "mountinfo").c_str()) == 0);
    CHECK_FALSE(mounts.refresh());
    CHECK(mounts.errors() == 2);
    CHECK(path_of(mounts, makedev(8, 17), "/log") == "/var/log");
    // a new mount is seen at the next read
    write_file(dir / "mountinfo", "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n40 22 0:70 / /mnt/new rw - tmpfs t rw\n");
    REQUIRE(mounts.refresh());
    CHECK(path_of(mounts, makedev(0, 70), "/f") == "/mnt/new/f");
    CHECK(path_of(mounts, makedev(8, 17), "/log") == "");
}

TEST_CASE("process_mounts: the mount a path names in the process's own table", "[host_mounts]") {
    TempDir proc;
    // a container: overlay root, the host's root read-only at /host, a
    // host directory at /data, /data/cache over it, a second mount on /host
    write_file(proc / "42/mountinfo",
               "100 90 0:50 / / rw - overlay overlay rw\n"
               "101 100 0:51 / /proc rw - proc proc rw\n"
               "102 100 8:1 / /host ro - ext4 /dev/sda1 ro\n"
               "103 100 8:1 /srv/app /data rw - ext4 /dev/sda1 rw\n"
               "104 103 0:60 / /data/cache rw - tmpfs tmpfs rw\n"
               "broken line\n"
               "105 100 8:17 /backup /host rw - xfs /dev/sdb1 rw\n");
    ProcessMounts mounts(proc.path());
    const ProcessMounts::Process p42{42, 0, ""};
    uint64_t dev = 0;
    std::string fs;
    REQUIRE(mounts.locate(p42, "/data/new/file", dev, fs));
    CHECK(dev == makedev(8, 1));
    CHECK(fs == "/srv/app/new/file");
    REQUIRE(mounts.locate(p42, "/data", dev, fs));
    CHECK(fs == "/srv/app");
    REQUIRE(mounts.locate(p42, "/data/cache/x", dev, fs));
    CHECK(dev == makedev(0, 60));
    CHECK(fs == "/x");
    REQUIRE(mounts.locate(p42, "/datax/y", dev, fs));  // not below /data: the root
    CHECK(dev == makedev(0, 50));
    CHECK(fs == "/datax/y");
    // the later of two mounts on one point hides the earlier
    REQUIRE(mounts.locate(p42, "/host/etc/shadow", dev, fs));
    CHECK(dev == makedev(8, 17));
    CHECK(fs == "/backup/etc/shadow");
    REQUIRE(mounts.locate(p42, "/", dev, fs));
    CHECK(fs == "/");
    // a process that is gone, a relative path
    CHECK_FALSE(mounts.locate({43, 0, ""}, "/data/x", dev, fs));
    CHECK_FALSE(mounts.locate(p42, "data/x", dev, fs));
    CHECK_FALSE(mounts.locate(p42, "", dev, fs));
}

TEST_CASE("process_mounts: a process that is gone is answered for by one of its cgroup in its mount namespace",
          "[host_mounts]") {
    TempDir proc, cgroup;
    // a fake /proc: each ns/mnt is a plain file, whose inode stands for the
    // namespace's; 5 is gone, 7 is in another namespace, 8 in the same
    write_file(proc / "7/mountinfo", "1 0 0:99 / / rw - tmpfs t rw\n");
    write_file(proc / "7/ns/mnt", "");
    write_file(proc / "8/mountinfo", "1 0 8:1 /srv / rw - ext4 /dev/sda1 rw\n");
    write_file(proc / "8/ns/mnt", "");
    const auto ns = uint32_t(crowsnest::test::stat_of(proc / "8/ns/mnt").st_ino);
    write_file(cgroup / "cgroup.procs", "5\n7\n8\n");
    ProcessMounts mounts(proc.path());
    uint64_t dev = 0;
    std::string fs;
    REQUIRE(mounts.locate({5, ns, cgroup.path()}, "/etc/x", dev, fs));
    CHECK(dev == makedev(8, 1));
    CHECK(fs == "/srv/etc/x");
    // without its cgroup, or with none of its namespace alive
    CHECK_FALSE(mounts.locate({5, ns, ""}, "/etc/x", dev, fs));
    CHECK_FALSE(mounts.locate({5, ns + 1000, cgroup.path()}, "/etc/x", dev, fs));
}
