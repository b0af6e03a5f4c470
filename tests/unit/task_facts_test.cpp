// read_task_facts: a fake /proc/<pid> (every file it reads, edge values
// included), a process that is gone, and the test's own real /proc entry.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "enrich/task_facts.h"
#include "test_util.h"

using crowsnest::IdNameCache;
using crowsnest::IdNames;
using crowsnest::parse_id_names;
using crowsnest::read_task_facts;
using crowsnest::TaskFacts;
using crowsnest::test::make_symlink;
using crowsnest::test::TempDir;
using crowsnest::test::write_file;

namespace {

// /proc/<pid> of a shell in a container: uid 33, login uid 1000, on tty
// 34817, in session 40 and group 41 (host), pid 7 in its namespace.
void fake_process(const TempDir &root, const std::string &loginuid = "1000") {
    const std::string dir = root / "42";
    // comm with a space and a ')' inside, as the kernel allows
    write_file(dir + "/stat", "42 (sh) x) S 1 41 40 34817 41 4194560 100 0 0 0 1 2 0 0 20 0 1 0 250 0 0\n");
    write_file(dir + "/status", "Name:\tsh\nUid:\t33\t33\t33\t33\nGid:\t33\t33\t33\t33\nNSpid:\t42\t7\n"
                                "NSpgid:\t41\t6\nCapPrm:\t00000000a80425fb\nCapEff:\t0000000000200001\n");
    write_file(dir + "/loginuid", loginuid);
    write_file(dir + "/environ", std::string("HOME=/var/www\0PATH=/bin\0", 24));
    make_symlink("/var/www/html", dir + "/cwd");
    write_file(root / "program", "#!/bin/sh\n");
    make_symlink(root / "program", dir + "/exe");
    write_file(dir + "/root/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n# comment\nbroken\nwww-data:x:33:33::/var/www:\n"
                                         "alice:x:1000:1000::/home/alice:/bin/sh");
    write_file(dir + "/root/etc/group", "root:x:0:\nwww-data:x:33:\n");
}

TEST_CASE("task facts: every fact from a fake /proc/<pid>", "[task_facts]") {
    TempDir root;
    fake_process(root);
    IdNameCache names;
    TaskFacts t;
    REQUIRE(read_task_facts(root / "42", names, t));
    CHECK(t.known);
    CHECK(t.pgid == 41);
    CHECK(t.sid == 40);
    CHECK(t.tty == 34817);
    CHECK(t.start_boot_ns == 250ULL * (1000000000ULL / uint64_t(sysconf(_SC_CLK_TCK))));
    CHECK(t.vpid == 7);
    CHECK(t.vpgid == 6);
    CHECK(t.cap_effective == 0x200001);
    CHECK(t.cap_permitted == 0xa80425fb);
    CHECK(t.uid == 33);
    CHECK(t.gid == 33);
    CHECK(t.loginuid == 1000);
    CHECK(t.cwd == "/var/www/html/");
    CHECK(t.env == std::vector<std::string>{"HOME=/var/www", "PATH=/bin"});
    struct stat st {};
    REQUIRE(::stat((root / "program").c_str(), &st) == 0);
    CHECK(t.exe_known);
    CHECK(t.exe_ino == st.st_ino);
    CHECK(t.exe_mtime_ns == int64_t(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec);
    CHECK_FALSE(t.exe_from_memfd);
    CHECK(t.user_name == "www-data");  // the process's own passwd, not the host's
    CHECK(t.login_name == "alice");
    CHECK(t.group_name == "www-data");
}

TEST_CASE("task facts: unset login uid, memfd program, missing files, a gone process", "[task_facts]") {
    TempDir root;
    fake_process(root, "4294967295");
    const std::string dir = root / "42";
    std::remove((dir + "/exe").c_str());
    make_symlink("/memfd:payload (deleted)", dir + "/exe");
    std::remove((dir + "/root/etc/group").c_str());
    IdNameCache names;
    TaskFacts t;
    REQUIRE(read_task_facts(dir, names, t));
    CHECK(t.loginuid == -1);
    CHECK(t.login_name.empty());
    CHECK(t.exe_from_memfd);
    CHECK_FALSE(t.exe_known);  // the link's target is no file here
    CHECK(t.group_name.empty());
    CHECK(t.user_name == "www-data");

    TaskFacts gone;
    gone.known = true;
    CHECK_FALSE(read_task_facts(root / "43", names, gone));
    CHECK_FALSE(gone.known);
    write_file(root / "44/stat", "44 (sh) S 1");  // cut short
    CHECK_FALSE(read_task_facts(root / "44", names, gone));
}

TEST_CASE("task facts: the test's own process from the real /proc", "[task_facts]") {
    IdNameCache names;
    TaskFacts t;
    REQUIRE(read_task_facts("/proc/" + std::to_string(getpid()), names, t));
    CHECK(t.uid == getuid());
    CHECK(t.sid == uint32_t(getsid(0)));
    CHECK(t.pgid == uint32_t(getpgrp()));
    char cwd[4096];
    REQUIRE(getcwd(cwd, sizeof(cwd)));
    CHECK(t.cwd == std::string(cwd) + (std::string(cwd) == "/" ? "" : "/"));
    CHECK(t.exe_known);
    CHECK(t.start_boot_ns > 0);
    const char *path = std::getenv("PATH");
    if (path) CHECK(std::find(t.env.begin(), t.env.end(), std::string("PATH=") + path) != t.env.end());
}

TEST_CASE("task facts: names by id in passwd and group text", "[task_facts]") {
    IdNames n;
    parse_id_names("root:x:0:0::/root:/bin/sh\n:x:5:5::/:\nnobody:x:65534:65534::/:\nbad:x:12x:1\n"
                   "again:x:0:0::/:\nlast:x:7:7",
                   n);
    CHECK(n == IdNames{{0, "root"}, {65534, "nobody"}, {7, "last"}});  // the first line of an id wins
    IdNames none;
    parse_id_names("", none);
    CHECK(none.empty());
}

TEST_CASE("task facts: a passwd file is parsed once per version", "[task_facts]") {
    TempDir dir;
    const std::string passwd = dir / "passwd";
    write_file(passwd, "alice:x:1000:1000::/:\n");
    IdNameCache names;
    CHECK(names.name(passwd, 1000) == "alice");
    CHECK(names.name(passwd, 1001).empty());
    CHECK(names.size() == 1);
    CHECK(names.name(passwd, 1000) == "alice");
    CHECK(names.size() == 1);  // the same version: not parsed again
    write_file(passwd, "bob:x:1000:1000::/:\n");  // a new version (another size, another change time)
    CHECK(names.name(passwd, 1000) == "bob");
    CHECK(names.size() == 2);
    // too large, not a regular file, missing: no names
    write_file(dir / "big", std::string(IdNameCache::kMaxFile, '#') + "\nbig:x:1:1::/:\n");
    CHECK(names.name(dir / "big", 1).empty());
    CHECK(names.name(dir.path(), 1).empty());
    CHECK(names.name(dir / "missing", 1).empty());
}

}  // namespace
