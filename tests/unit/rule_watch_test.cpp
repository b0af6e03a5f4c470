// The rule-file watch: an edit in place, a file added to or removed from a
// rules directory, and a Kubernetes ConfigMap update (a symlink swapped to a
// new directory) are each one change; nothing else is.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <ctime>

#include "app/rule_watch.h"
#include "test_util.h"

using namespace crowsnest;
using crowsnest::test::TempDir;
using crowsnest::test::write_file;

namespace {
// A modification time of its own, whatever the file system's clock grain.
void touch_later(const std::string &path, time_t seconds_ahead) {
    timespec times[2] = {{time(nullptr) + seconds_ahead, 0}, {time(nullptr) + seconds_ahead, 0}};
    REQUIRE(utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
}
}  // namespace

TEST_CASE("rule watch: edits, added and removed files in a rules directory", "[rule_watch]") {
    TempDir dir;
    write_file(dir / "a.yaml", "[]\n");
    RuleWatch watch({dir.path()});
    CHECK_FALSE(watch.changed());
    write_file(dir / "a.yaml", "[] # edited\n");
    CHECK(watch.changed());
    CHECK_FALSE(watch.changed());  // once per change
    touch_later(dir / "a.yaml", 100);
    CHECK(watch.changed());
    write_file(dir / "b.yaml", "[]\n");
    CHECK(watch.changed());
    write_file(dir / "notes.txt", "not a rule file\n");
    CHECK_FALSE(watch.changed());
    REQUIRE(std::remove((dir / "b.yaml").c_str()) == 0);
    CHECK(watch.changed());
    CHECK_FALSE(watch.changed());
}

TEST_CASE("rule watch: a ConfigMap update swaps the ..data symlink to a new directory", "[rule_watch]") {
    TempDir dir;
    REQUIRE(mkdir((dir / "ts1").c_str(), 0755) == 0);
    REQUIRE(mkdir((dir / "ts2").c_str(), 0755) == 0);
    write_file(dir / "ts1/local.yaml", "[]\n");
    write_file(dir / "ts2/local.yaml", "[]\n");  // the same bytes: only the inode tells
    REQUIRE(symlink("ts1", (dir / "..data").c_str()) == 0);
    REQUIRE(symlink("..data/local.yaml", (dir / "local.yaml").c_str()) == 0);
    RuleWatch watch({dir / "local.yaml"});
    CHECK_FALSE(watch.changed());
    // the kubelet's swap: a new link renamed over the old one
    REQUIRE(symlink("ts2", (dir / "..data_tmp").c_str()) == 0);
    REQUIRE(rename((dir / "..data_tmp").c_str(), (dir / "..data").c_str()) == 0);
    CHECK(watch.changed());
    CHECK_FALSE(watch.changed());
}

TEST_CASE("rule watch: a rules path that disappears is a change, and so is its return", "[rule_watch]") {
    TempDir dir;
    write_file(dir / "a.yaml", "[]\n");
    RuleWatch watch({dir / "a.yaml"});
    REQUIRE(std::remove((dir / "a.yaml").c_str()) == 0);
    CHECK(watch.changed());
    write_file(dir / "a.yaml", "[]\n");
    CHECK(watch.changed());
}
