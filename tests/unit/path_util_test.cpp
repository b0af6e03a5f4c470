// path_util: lexical path normalisation, base names, mountinfo unescaping,
// symbolic links.
#include <catch2/catch.hpp>
#include <string>

#include "util/path_util.h"
#include "test_util.h"

using crowsnest::base_name;
using crowsnest::normalize_path;
using crowsnest::read_link;
using crowsnest::unescape_mountinfo;

TEST_CASE("normalize_path: absolute paths", "[path_util]") {
    CHECK(normalize_path("/etc/shadow") == "/etc/shadow");
    CHECK(normalize_path("/") == "/");
    CHECK(normalize_path("//etc///shadow") == "/etc/shadow");
    CHECK(normalize_path("/etc/./shadow") == "/etc/shadow");
    CHECK(normalize_path("/etc/ssh/../shadow") == "/etc/shadow");
    CHECK(normalize_path("/etc/cron.d/") == "/etc/cron.d");
    CHECK(normalize_path("/a/b/c/../../d/./e/..") == "/a/d");
    CHECK(normalize_path("/proc/1/root/etc/shadow") == "/proc/1/root/etc/shadow");
    // dots inside names are not special
    CHECK(normalize_path("/a/.hidden/..b/b..") == "/a/.hidden/..b/b..");
}

TEST_CASE("normalize_path: '..' above the root stays at the root", "[path_util]") {
    CHECK(normalize_path("/..") == "/");
    CHECK(normalize_path("/../..") == "/");
    CHECK(normalize_path("/../../etc/shadow") == "/etc/shadow");
    CHECK(normalize_path("/tmp/../../../etc/passwd") == "/etc/passwd");
    CHECK(normalize_path("../../../etc/shadow", "/var/www") == "/etc/shadow");
}

TEST_CASE("normalize_path: relative paths are joined to the base", "[path_util]") {
    CHECK(normalize_path("shadow", "/etc") == "/etc/shadow");
    CHECK(normalize_path("./shadow", "/etc/") == "/etc/shadow");
    CHECK(normalize_path("../etc/shadow", "/root") == "/etc/shadow");
    CHECK(normalize_path("bin/sh") == "/bin/sh");  // default base "/"
    CHECK(normalize_path(".", "/srv/app") == "/srv/app");
    CHECK(normalize_path("..", "/srv/app") == "/srv");
    CHECK(normalize_path("", "/srv/app") == "/srv/app");
    CHECK(normalize_path("") == "/");
    CHECK(normalize_path("a//b/./c/", "//base//dir/") == "/base/dir/a/b/c");
    // an absolute path ignores the base
    CHECK(normalize_path("/etc/hosts", "/srv/app") == "/etc/hosts");
}

TEST_CASE("base_name", "[path_util]") {
    CHECK(base_name("/tmp/xmrig") == "xmrig");
    CHECK(base_name("xmrig") == "xmrig");
    CHECK(base_name("./xmrig") == "xmrig");
    CHECK(base_name("/var/run/docker.sock") == "docker.sock");
    CHECK(base_name("/") == "");
    CHECK(base_name("/etc/cron.d/") == "");
    CHECK(base_name("") == "");
}

TEST_CASE("unescape_mountinfo", "[path_util]") {
    CHECK(unescape_mountinfo("/sys/fs/cgroup") == "/sys/fs/cgroup");
    CHECK(unescape_mountinfo("/mnt/my\\040disk") == "/mnt/my disk");
    CHECK(unescape_mountinfo("\\040") == " ");
    CHECK(unescape_mountinfo("a\\011b\\012c\\134d") == "a\tb\nc\\d");
    CHECK(unescape_mountinfo("/end\\040") == "/end ");
    CHECK(unescape_mountinfo("\\040\\040") == "  ");
    // not an escape: kept as is
    CHECK(unescape_mountinfo("/a\\b") == "/a\\b");
    CHECK(unescape_mountinfo("/a\\04") == "/a\\04");
    CHECK(unescape_mountinfo("/a\\") == "/a\\");
    CHECK(unescape_mountinfo("/a\\400") == "/a\\400");  // above \377
    CHECK(unescape_mountinfo("/a\\080") == "/a\\080");  // 8 is not octal
    CHECK(unescape_mountinfo("") == "");
}

TEST_CASE("read_link", "[path_util]") {
    crowsnest::test::TempDir dir;
    crowsnest::test::make_symlink("/usr/bin/python3.11", dir / "exe");
    crowsnest::test::make_symlink("relative/target", dir / "rel");
    crowsnest::test::write_file(dir / "file", "x");

    CHECK(read_link(dir / "exe") == "/usr/bin/python3.11");
    CHECK(read_link(dir / "rel") == "relative/target");
    CHECK(read_link(dir / "file") == "");     // not a link
    CHECK(read_link(dir / "missing") == "");  // does not exist
    CHECK(read_link("/proc/self/exe").find("unit_tests") != std::string::npos);
}
