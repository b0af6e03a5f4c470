// HostFiles: protected host files known by (device, inode), and the files
// directly inside protected directories known by their parent's inode.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "enrich/host_files.h"
#include "test_util.h"

using crowsnest::HostFiles;
using crowsnest::test::stat_of;
using crowsnest::test::TempDir;
using crowsnest::test::write_file;

namespace {

// A fake host root: /etc/shadow, /etc/passwd, /etc/cron.d/job, /etc/hostname.
struct FakeHost {
    TempDir root;
    FakeHost() {
        write_file(root / "etc/shadow", "root:*:19000::::::\n");
        write_file(root / "etc/passwd", "root:x:0:0::/root:/bin/sh\n");
        write_file(root / "etc/cron.d/job", "* * * * * root true\n");
        write_file(root / "etc/hostname", "node-1\n");
    }
    // match() for the file at `rel` below the root, opened as `opened`.
    std::string match(const HostFiles &hf, const std::string &rel, const std::string &opened) const {
        const struct stat st = stat_of(root / rel);
        const std::string parent = rel.substr(0, rel.rfind('/'));
        const struct stat pst = stat_of(root / parent);
        return hf.match(st.st_dev, st.st_ino, pst.st_ino, opened);
    }
};

}  // namespace

TEST_CASE("host_files: a protected file matches by device and inode", "[host_files]") {
    FakeHost host;
    HostFiles hf(host.root.path(), {"/etc/shadow", "/etc/cron.d/"});
    // whatever path led to it: a bind mount of the host root, a symlink...
    CHECK(host.match(hf, "etc/shadow", "/host/etc/shadow") == "/etc/shadow");
    CHECK(host.match(hf, "etc/shadow", "../../x") == "/etc/shadow");
    CHECK(hf.paths() == std::vector<std::string>{"/etc/shadow", "/etc/cron.d/"});
}

TEST_CASE("host_files: a file inside a protected directory matches by its parent", "[host_files]") {
    FakeHost host;
    HostFiles hf(host.root.path(), {"/etc/shadow", "/etc/cron.d/"});
    CHECK(host.match(hf, "etc/cron.d/job", "/host/etc/cron.d/job") == "/etc/cron.d/job");
    // the reported name is the base name of the opened path
    CHECK(host.match(hf, "etc/cron.d/job", "/mnt/x/cron.d/evil") == "/etc/cron.d/evil");
}

TEST_CASE("host_files: other files do not match", "[host_files]") {
    FakeHost host;
    HostFiles hf(host.root.path(), {"/etc/shadow", "/etc/cron.d/"});
    CHECK(host.match(hf, "etc/passwd", "/host/etc/passwd") == "");
    CHECK(host.match(hf, "etc/hostname", "/etc/hostname") == "");
    // the right inode on another device is another file
    const struct stat st = stat_of(host.root / "etc/shadow");
    CHECK(hf.match(st.st_dev + 1, st.st_ino, 0, "/etc/shadow") == "");
    CHECK(hf.match(0, 0, 0, "") == "");
}

TEST_CASE("host_files: a file protected without a trailing '/' does not cover its directory", "[host_files]") {
    FakeHost host;
    HostFiles hf(host.root.path(), {"/etc/cron.d"});
    // /etc/cron.d names the directory itself, not the files in it
    CHECK(host.match(hf, "etc/cron.d/job", "/etc/cron.d/job") == "");
}

TEST_CASE("host_files: refresh counts existing paths and follows replaced files", "[host_files]") {
    FakeHost host;
    HostFiles hf(host.root.path(), {"/etc/shadow", "/etc/cron.d/", "/etc/missing", "/root/.ssh/"});
    CHECK(hf.refresh() == 2);

    const struct stat old_st = stat_of(host.root / "etc/shadow");
    // passwd(1) writes a new file and renames it over the old one: a new inode
    write_file(host.root / "etc/nshadow", "root:$6$new:19001::::::\n");
    REQUIRE(std::rename((host.root / "etc/nshadow").c_str(), (host.root / "etc/shadow").c_str()) == 0);
    const struct stat new_st = stat_of(host.root / "etc/shadow");
    REQUIRE(new_st.st_ino != old_st.st_ino);

    CHECK(hf.match(new_st.st_dev, new_st.st_ino, 0, "/etc/shadow") == "");  // not yet known
    CHECK(hf.refresh() == 2);
    CHECK(hf.match(new_st.st_dev, new_st.st_ino, 0, "/etc/shadow") == "/etc/shadow");
    CHECK(hf.match(old_st.st_dev, old_st.st_ino, 0, "/etc/shadow") == "");

    // a protected directory created later is picked up too
    write_file(host.root / "root/.ssh/authorized_keys", "ssh-ed25519 AAAA\n");
    CHECK(hf.refresh() == 3);
    CHECK(host.match(hf, "root/.ssh/authorized_keys", "/root/.ssh/authorized_keys") == "/root/.ssh/authorized_keys");
}

TEST_CASE("host_files: host root '/' uses the paths as they are", "[host_files]") {
    TempDir dir;
    write_file(dir / "secret", "x");
    HostFiles hf("/", {dir / "secret"});
    CHECK(hf.refresh() == 1);
    const struct stat st = stat_of(dir / "secret");
    CHECK(hf.match(st.st_dev, st.st_ino, 0, "whatever") == dir / "secret");
}

TEST_CASE("host_files: wildcards stand for the paths they match at each refresh", "[host_files]") {
    FakeHost host;
    write_file(host.root / "home/alice/.ssh/authorized_keys", "ssh-ed25519 AAAA alice\n");
    write_file(host.root / "home/bob/notes", "-\n");
    HostFiles hf(host.root.path(), {"/home/*/.ssh/", "/etc/sha*"});
    CHECK(host.match(hf, "home/alice/.ssh/authorized_keys", "/host/home/alice/.ssh/authorized_keys") ==
          "/home/alice/.ssh/authorized_keys");
    CHECK(host.match(hf, "etc/shadow", "/host/etc/shadow") == "/etc/shadow");
    CHECK(host.match(hf, "home/bob/notes", "/host/home/bob/notes") == "");
    // a user added later is watched from the next refresh on
    write_file(host.root / "home/carol/.ssh/id_rsa", "-----BEGIN-----\n");
    CHECK(host.match(hf, "home/carol/.ssh/id_rsa", "/x") == "");
    CHECK(hf.refresh() == 3);
    CHECK(host.match(hf, "home/carol/.ssh/id_rsa", "/x/id_rsa") == "/home/carol/.ssh/id_rsa");
}
