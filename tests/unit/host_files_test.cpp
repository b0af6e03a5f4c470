// HostFiles: the identities (device, inode) that the kernel's prefilter
// watches for the host paths rules name: files, directories whose every
// file below counts, and for a path missing yet, the nearest directory above.
#include <sys/stat.h>

#include <algorithm>
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
    static bool has(const HostFiles::Identities &ids, const struct stat &st) {
        return std::count(ids.begin(), ids.end(), std::pair{uint64_t(st.st_dev), uint64_t(st.st_ino)}) == 1;
    }
    bool file(const HostFiles &hf, const std::string &rel) const { return has(hf.files(), stat_of(root / rel)); }
    bool dir(const HostFiles &hf, const std::string &rel) const { return has(hf.dirs(), stat_of(root / rel)); }
};

}  // namespace

TEST_CASE("host_files: a file named is watched by its identity, a directory as a tree", "[host_files]") {
    FakeHost host;
    HostFiles hf(host.root.path(), {"/etc/shadow", "/etc/cron.d/"});
    CHECK(host.file(hf, "etc/shadow"));
    CHECK(host.dir(hf, "etc/cron.d"));
    CHECK(hf.files().size() == 1);
    CHECK(hf.dirs().size() == 1);
    CHECK(hf.paths() == std::vector<std::string>{"/etc/shadow", "/etc/cron.d/"});
}

TEST_CASE("host_files: a directory named without its trailing '/' is watched as a tree too", "[host_files]") {
    FakeHost host;
    HostFiles hf(host.root.path(), {"/etc/cron.d", "/etc"});
    CHECK(host.dir(hf, "etc/cron.d"));
    CHECK(host.dir(hf, "etc"));
    CHECK(hf.files().empty());
}

TEST_CASE("host_files: a path missing yet is watched through its directory", "[host_files]") {
    FakeHost host;
    // /etc/ld.so.preload and /etc/systemd do not exist: creating the file
    // must still be sent, and so must files in a new /etc/systemd/system
    // once /etc/systemd exists
    HostFiles hf(host.root.path(), {"/etc/ld.so.preload", "/etc/cron.d/new/", "/etc/systemd/system/"});
    CHECK(host.dir(hf, "etc"));
    CHECK(host.dir(hf, "etc/cron.d"));
    CHECK(hf.dirs().size() == 2);
    CHECK(hf.files().empty());
    write_file(host.root / "etc/systemd/x", "");
    hf.refresh();
    CHECK(host.dir(hf, "etc/systemd"));
    // only its own directory: a missing /var/spool/cron/ is no reason to
    // send every open below /var, nor a missing /x every open of the host
    write_file(host.root / "var/log/x", "");
    HostFiles none(host.root.path(), {"/var/spool/cron/crontabs/", "/x", "relative"});
    CHECK(none.dirs().empty());
    CHECK(none.refresh() == 0);
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

    CHECK_FALSE(FakeHost::has(hf.files(), new_st));  // not yet known
    CHECK(hf.refresh() == 2);
    CHECK(FakeHost::has(hf.files(), new_st));
    CHECK_FALSE(FakeHost::has(hf.files(), old_st));

    // a protected directory created later is watched itself from then on
    write_file(host.root / "root/.ssh/authorized_keys", "ssh-ed25519 AAAA\n");
    CHECK(hf.refresh() == 3);
    CHECK(host.dir(hf, "root/.ssh"));
}

TEST_CASE("host_files: host root '/' uses the paths as they are", "[host_files]") {
    TempDir dir;
    write_file(dir / "secret", "x");
    HostFiles hf("/", {dir / "secret"});
    CHECK(hf.refresh() == 1);
    CHECK(FakeHost::has(hf.files(), stat_of(dir / "secret")));
}

TEST_CASE("host_files: wildcards stand for the paths they match at each refresh", "[host_files]") {
    FakeHost host;
    write_file(host.root / "home/alice/.ssh/authorized_keys", "ssh-ed25519 AAAA alice\n");
    write_file(host.root / "home/bob/notes", "-\n");
    HostFiles hf(host.root.path(), {"/home/*/.ssh/", "/etc/sha*"});
    CHECK(host.dir(hf, "home/alice/.ssh"));
    CHECK(host.file(hf, "etc/shadow"));
    CHECK_FALSE(host.dir(hf, "home/bob"));
    // a user added later is watched from the next refresh on
    write_file(host.root / "home/carol/.ssh/id_rsa", "-----BEGIN-----\n");
    CHECK_FALSE(host.dir(hf, "home/carol/.ssh"));
    CHECK(hf.refresh() == 3);
    CHECK(host.dir(hf, "home/carol/.ssh"));
}

TEST_CASE("host_files: a wildcard that matches nothing yet watches the directory before it", "[host_files]") {
    FakeHost host;
    write_file(host.root / "home/.keep", "");
    HostFiles hf(host.root.path(), {"/home/*/.ssh/"});
    CHECK(host.dir(hf, "home"));
}
