// event_format: readable forms of open flags, errnos, addresses, unix paths.
#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "event/event_format.h"

using crowsnest::errno_name;
using crowsnest::Event;
using crowsnest::EventType;
using crowsnest::ip_string;
using crowsnest::open_flags_string;
using crowsnest::Syscall;
using crowsnest::unix_path_string;

namespace {

Event connect_to(int family, const std::string &ip) {
    Event e;
    e.type = EventType::Connect;
    e.family = uint16_t(family);
    REQUIRE(inet_pton(family, ip.c_str(), e.addr.data()) == 1);
    return e;
}

Event unix_connect(const std::string &path, bool abstract) {
    Event e;
    e.type = EventType::Connect;
    e.family = AF_UNIX;
    e.unix_path = path;
    e.unix_abstract = abstract;
    return e;
}

}  // namespace

namespace {

// The names in a flags string, in order.
std::vector<std::string> flag_names(uint32_t flags) {
    std::vector<std::string> names;
    const std::string s = open_flags_string(flags);
    for (size_t at = 0; at <= s.size();) {
        size_t bar = s.find('|', at);
        if (bar == std::string::npos) bar = s.size();
        names.push_back(s.substr(at, bar - at));
        at = bar + 1;
    }
    return names;
}

bool has_name(uint32_t flags, const std::string &name) {
    const auto names = flag_names(flags);
    return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

TEST_CASE("open_flags_string: the access mode comes first", "[event_format]") {
    CHECK(flag_names(O_RDONLY).front() == "O_RDONLY");
    CHECK(flag_names(O_WRONLY | O_CREAT | O_TRUNC).front() == "O_WRONLY");
    CHECK(flag_names(O_RDWR).front() == "O_RDWR");
    CHECK(flag_names(O_RDONLY | O_CLOEXEC).front() == "O_RDONLY");
}

TEST_CASE("open_flags_string: each set flag is named once, unset ones not at all", "[event_format]") {
    CHECK(has_name(O_WRONLY | O_CREAT | O_TRUNC, "O_CREAT"));
    CHECK(has_name(O_WRONLY | O_CREAT | O_TRUNC, "O_TRUNC"));
    CHECK_FALSE(has_name(O_WRONLY | O_CREAT | O_TRUNC, "O_EXCL"));
    CHECK_FALSE(has_name(O_WRONLY | O_CREAT | O_TRUNC, "O_RDONLY"));
    CHECK(has_name(O_RDONLY | O_CLOEXEC, "O_CLOEXEC"));
    CHECK_FALSE(has_name(O_RDONLY, "O_CLOEXEC"));
    CHECK(has_name(O_RDONLY | O_DIRECTORY | O_NOFOLLOW, "O_DIRECTORY"));
    CHECK(has_name(O_RDONLY | O_DIRECTORY | O_NOFOLLOW, "O_NOFOLLOW"));
    CHECK(has_name(O_RDWR | O_APPEND | O_NONBLOCK, "O_APPEND"));
    CHECK(has_name(O_RDWR | O_APPEND | O_NONBLOCK, "O_NONBLOCK"));
    CHECK(has_name(O_PATH, "O_PATH"));
}

TEST_CASE("open_flags_string: O_TMPFILE is not also named O_DIRECTORY", "[event_format]") {
    // O_TMPFILE includes O_DIRECTORY's bit
    CHECK(has_name(O_RDWR | O_TMPFILE, "O_TMPFILE"));
    CHECK_FALSE(has_name(O_RDWR | O_TMPFILE, "O_DIRECTORY"));
    CHECK(flag_names(O_RDWR | O_TMPFILE).front() == "O_RDWR");
    CHECK(has_name(O_WRONLY | O_TMPFILE | O_EXCL, "O_EXCL"));
}

// On x86-64 glibc defines O_LARGEFILE as 0 (the kernel's bit, which musl
// passes to open(2), is 0100000), so the table entry {O_LARGEFILE, ...}
// matches every flags value: "(flags & 0) == 0".
TEST_CASE("open_flags_string: exact strings", "[event_format]") {
    CHECK(open_flags_string(O_RDONLY) == "O_RDONLY");
    CHECK(open_flags_string(O_WRONLY | O_CREAT | O_TRUNC) == "O_WRONLY|O_CREAT|O_TRUNC");
    CHECK(open_flags_string(O_RDWR) == "O_RDWR");
    CHECK(open_flags_string(O_RDWR | O_TMPFILE) == "O_RDWR|O_TMPFILE");
    CHECK(open_flags_string(O_RDONLY | O_CLOEXEC) == "O_RDONLY|O_CLOEXEC");
    CHECK(open_flags_string(O_RDONLY | O_DIRECTORY | O_NOFOLLOW) == "O_RDONLY|O_DIRECTORY|O_NOFOLLOW");
#if defined(__x86_64__)
    CHECK(open_flags_string(O_RDONLY | 0100000 /* kernel O_LARGEFILE */) == "O_RDONLY|O_LARGEFILE");
#endif
}

// O_SYNC is __O_SYNC | O_DSYNC: it is named alone, O_DSYNC only without it.
TEST_CASE("open_flags_string: O_SYNC is not also named O_DSYNC", "[event_format]") {
    CHECK(open_flags_string(O_WRONLY | O_SYNC) == "O_WRONLY|O_SYNC");
    CHECK(open_flags_string(O_WRONLY | O_DSYNC) == "O_WRONLY|O_DSYNC");
    CHECK(open_flags_string(O_RDWR | O_CREAT | O_SYNC | O_CLOEXEC) == "O_RDWR|O_CREAT|O_SYNC|O_CLOEXEC");
}

TEST_CASE("open_flags_string: O_ACCMODE 3 is reported as O_RDWR", "[event_format]") {
    CHECK_THAT(open_flags_string(3), Catch::StartsWith("O_RDWR"));
}

TEST_CASE("errno_name", "[event_format]") {
    CHECK(errno_name(-2) == "ENOENT");
    CHECK(errno_name(-13) == "EACCES");
    CHECK(errno_name(-111) == "ECONNREFUSED");
    CHECK(errno_name(-115) == "EINPROGRESS");
    CHECK(errno_name(0) == "");
    CHECK(errno_name(3) == "");
    CHECK(errno_name(-4000) == "E4000");  // no name
}

TEST_CASE("ip_string", "[event_format]") {
    CHECK(ip_string(connect_to(AF_INET, "10.1.2.3")) == "10.1.2.3");
    CHECK(ip_string(connect_to(AF_INET, "0.0.0.0")) == "0.0.0.0");
    CHECK(ip_string(connect_to(AF_INET6, "::1")) == "::1");
    CHECK(ip_string(connect_to(AF_INET6, "2001:db8:0:0:1::7")) == "2001:db8::1:0:0:7");
    CHECK(ip_string(connect_to(AF_INET6, "::ffff:10.0.0.1")) == "::ffff:10.0.0.1");
    CHECK(ip_string(unix_connect("/run/x.sock", false)) == "");
}

TEST_CASE("unix_path_string", "[event_format]") {
    CHECK(unix_path_string(unix_connect("/var/run/docker.sock", false)) == "/var/run/docker.sock");
    CHECK(unix_path_string(unix_connect("dbus-session", true)) == "@dbus-session");
    CHECK(unix_path_string(unix_connect(std::string("a\0b\0", 4), true)) == "@a@b@");
    CHECK(unix_path_string(unix_connect("", true)) == "@");
    CHECK(unix_path_string(unix_connect("", false)) == "");
}

TEST_CASE("family_name, syscall_name, join_args", "[event_format]") {
    CHECK(std::string(crowsnest::family_name(AF_INET)) == "inet");
    CHECK(std::string(crowsnest::family_name(AF_INET6)) == "inet6");
    CHECK(std::string(crowsnest::family_name(AF_UNIX)) == "unix");
    CHECK(std::string(crowsnest::family_name(AF_BLUETOOTH)) == "other");

    Event e;
    e.type = EventType::Exec;
    e.syscall = Syscall::Execveat;
    CHECK(std::string(crowsnest::syscall_name(e)) == "execveat");
    e.type = EventType::Open;
    e.syscall = Syscall::Open;
    CHECK(std::string(crowsnest::syscall_name(e)) == "open");
    e.syscall = Syscall::Openat2;
    CHECK(std::string(crowsnest::syscall_name(e)) == "openat2");

    CHECK(crowsnest::join_args({"nc", "-z", "db", "5432"}) == "nc -z db 5432");
    CHECK(crowsnest::join_args({}) == "");
    CHECK(crowsnest::join_args({"a"}) == "a");
}

TEST_CASE("stdio_type_name: Falco's socket names, terminals and /dev/null by device number", "[event_format]") {
    using crowsnest::StdioFd;
    using crowsnest::StdioKind;
    auto name = [](StdioKind kind, uint64_t dev = 0, uint16_t family = 0) {
        StdioFd fd;
        fd.kind = kind;
        fd.dev = dev;
        fd.family = family;
        return std::string(crowsnest::stdio_type_name(fd));
    };
    CHECK(name(StdioKind::Closed) == "none");
    CHECK(name(StdioKind::File) == "file");
    CHECK(name(StdioKind::Directory) == "directory");
    CHECK(name(StdioKind::CharDevice, makedev(1, 3)) == "null");
    CHECK(name(StdioKind::CharDevice, makedev(1, 5)) == "device");  // /dev/zero
    CHECK(name(StdioKind::CharDevice, makedev(5, 1)) == "tty");     // /dev/console
    CHECK(name(StdioKind::CharDevice, makedev(4, 64)) == "tty");    // /dev/ttyS0
    CHECK(name(StdioKind::BlockDevice, makedev(8, 0)) == "device");
    CHECK(name(StdioKind::Pipe) == "pipe");
    CHECK(name(StdioKind::Socket, 0, AF_INET6) == "ipv6");
    CHECK(name(StdioKind::Socket, 0, AF_UNIX) == "unix");
    CHECK(name(StdioKind::Socket, 0, AF_NETLINK) == "socket");
    CHECK(name(StdioKind::Other) == "other");
}
