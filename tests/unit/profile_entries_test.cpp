// What events add to a profile, generalised.
#include <fcntl.h>

#include <catch2/catch.hpp>

#include "profile/profile_entries.h"
#include "test_context.h"

using namespace crowsnest;
using namespace crowsnest::test;

namespace {

std::vector<std::pair<std::string, std::string>> entries_of(const Scene &s, EntryOptions opts = {}) {
    std::vector<ProfileEntry> out;
    const EventContext ctx = s.ctx();
    const size_t n = profile_entries(ctx, opts, out);
    std::vector<std::pair<std::string, std::string>> named;
    for (size_t i = 0; i < n; i++) named.emplace_back(entry_kind_name(out[i].kind), out[i].value);
    return named;
}
using Entries = std::vector<std::pair<std::string, std::string>>;

}  // namespace

TEST_CASE("profile entries: an exec is its program, with the upper-layer bit, and its parent", "[profile]") {
    Scene s = exec_scene("/usr/bin/curl", {"curl", "x"});
    CHECK(entries_of(s) == Entries{{"exec", "/usr/bin/curl"}, {"exec_pair", "/bin/sh -> /usr/bin/curl"}});
    s.event.exe_upper_layer = true;
    s.has_parent = false;
    CHECK(entries_of(s) == Entries{{"exec", "/usr/bin/curl [upper]"}});
    CHECK(entries_of(exec_scene("/bin/nope", {"nope"}, -2)).empty());  // a failed exec ran nothing
    // busybox re-running itself: named by its path, whether or not the process table read the exe link
    Scene reexec = exec_scene("/proc/self/exe", {"cat", "/etc/hostname"});
    reexec.process.exe = "/bin/busybox";
    CHECK(entries_of(reexec) == Entries{{"exec", "/proc/self/exe"}, {"exec_pair", "/bin/sh -> /proc/self/exe"}});
    // an execveat of a descriptor whose process was gone before its exe was read: no name, no entry
    Scene nameless = exec_scene("", {"runc", "init"});
    nameless.process.exe.clear();
    CHECK(entries_of(nameless).empty());
}

TEST_CASE("profile entries: destinations are networks (/24, /64, configurable) and ports", "[profile]") {
    CHECK(entries_of(connect_inet_scene("203.0.113.7", 4444)) == Entries{{"connect", "203.0.113.0/24:4444"}});
    CHECK(entries_of(connect_inet_scene("2001:db8:1:2:3:4:5:6", 443)) == Entries{{"connect", "[2001:db8:1:2::]/64:443"}});
    EntryOptions exact;
    exact.ipv4_prefix = 32;
    exact.ipv6_prefix = 128;
    CHECK(entries_of(connect_inet_scene("203.0.113.7", 4444), exact) == Entries{{"connect", "203.0.113.7:4444"}});
    CHECK(entries_of(connect_inet_scene("2001:db8::1", 443), exact) == Entries{{"connect", "[2001:db8::1]:443"}});
    EntryOptions wide;
    wide.ipv4_prefix = 12;
    CHECK(entries_of(connect_inet_scene("172.31.200.9", 80), wide) == Entries{{"connect", "172.16.0.0/12:80"}});
    // neighbours in one network are one entry
    CHECK(entries_of(connect_inet_scene("203.0.113.200", 4444)) == entries_of(connect_inet_scene("203.0.113.7", 4444)));
    CHECK(entries_of(connect_unix_scene("/run/app.sock")) == Entries{{"connect", "unix:/run/app.sock"}});
    CHECK(entries_of(connect_unix_scene("hidden", true)) == Entries{{"connect", "unix:@hidden"}});
    CHECK(entries_of(connect_inet_scene("10.0.0.1", 0)).empty());
}

TEST_CASE("profile entries: writes are directories cut to a depth, numbers made *", "[profile]") {
    Scene w = open_scene("/var/lib/app/data/1234/f.db");
    w.event.open_flags = O_WRONLY | O_CREAT;
    CHECK(entries_of(w) == Entries{{"write_prefix", "/var/lib/app"}});
    EntryOptions deep;
    deep.write_depth = 5;
    CHECK(entries_of(w, deep) == Entries{{"write_prefix", "/var/lib/app/data/*"}});
    std::string out;
    write_prefix_entry("/proc/4242/attr/current", 3, out);
    CHECK(out == "/proc/*/attr");
    write_prefix_entry("/f", 3, out);
    CHECK(out == "/");
    // reads add nothing, nor do failed writes
    CHECK(entries_of(open_scene("/var/lib/app/x")).empty());
    Scene failed = open_scene("/etc/x", -13);
    failed.event.open_flags = O_WRONLY;
    CHECK(entries_of(failed).empty());
}

TEST_CASE("profile entries: a read of a protected host file is a sensitive read", "[profile]") {
    Scene r = open_scene("/host/etc/shadow");
    r.host_path = "/etc/shadow";
    r.host_path_named = true;
    CHECK(entries_of(r) == Entries{{"sensitive_read", "/etc/shadow"}});
    r.event.open_flags = O_RDWR;
    CHECK(entries_of(r) == Entries{{"write_prefix", "/host/etc"}, {"sensitive_read", "/etc/shadow"}});
}

TEST_CASE("profile entries: a host file no rule names is no sensitive read", "[profile]") {
    // a runtime's /etc/hosts, a volume: on the host, and ordinary
    Scene r = open_scene("/etc/hosts");
    r.host_path = "/var/lib/docker/containers/c1/hosts";
    CHECK(entries_of(r).empty());
}
