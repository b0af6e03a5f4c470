// Decoder: raw ring-buffer records (bpf/events.h) -> Event, and every way a
// record can be malformed.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <linux/types.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "event/event_format.h"
#include "sensor/decoder.h"

extern "C" {
#include "events.h"
}

using crowsnest::DecodeStatus;
using crowsnest::Decoder;
using crowsnest::Event;
using crowsnest::EventType;
using crowsnest::Syscall;

namespace {

using Bytes = std::vector<uint8_t>;

constexpr uint64_t kBootNs = 5'000'000'000ull;

event_header make_header(uint16_t type) {
    event_header h{};
    h.version = CROWSNEST_ABI_VERSION;
    h.type = type;
    h.ts_boot_ns = kBootNs;
    h.cgroup_id = 4242;
    h.pid = 100;
    h.tid = 101;
    h.ppid = 1;
    h.uid = 1000;
    h.gid = 1001;
    h.mnt_ns = 4026531840u;
    h.pid_ns = 4026531836u;
    std::strncpy(h.comm, "bash", COMM_LEN);
    return h;
}

// The first `size` bytes of a record struct, with hdr.size set to `size`.
template <typename T>
Bytes to_bytes(T rec, size_t size) {
    rec.hdr.size = uint32_t(size);
    Bytes out(size);
    std::memcpy(out.data(), &rec, std::min(size, sizeof(T)));
    return out;
}

// Edits the struct view of a record in place (the record may be shorter or
// longer than the struct; only the overlapping bytes are touched).
template <typename T, typename F>
void patch(Bytes &rec, F edit) {
    T t{};
    const size_t n = std::min(rec.size(), sizeof(T));
    std::memcpy(&t, rec.data(), n);
    edit(t);
    std::memcpy(rec.data(), &t, n);
}

// Grows or shrinks a record and keeps header.size equal to its length.
void resize_record(Bytes &rec, size_t size) {
    rec.resize(size, 0);
    patch<event_header>(rec, [&](event_header &h) { h.size = uint32_t(size); });
}

void set_header_size(Bytes &rec, uint32_t size) {
    patch<event_header>(rec, [&](event_header &h) { h.size = size; });
}

// The argument area of `argv`: NUL-terminated strings.
std::string argument_area(const std::vector<std::string> &argv) {
    std::string area;
    for (const auto &a : argv) area.append(a).push_back('\0');
    return area;
}

// An exec record as the BPF program sends it: the filename, its base
// directory (as in open_record, for a relative filename), then the argument
// area (`area`, or argv's), of `total` bytes in the process (0: all here).
Bytes exec_record(const std::string &filename, const std::vector<std::string> &argv, int64_t ret = 0,
                  uint16_t flags = 0, const std::string &base = "", const std::string *area = nullptr,
                  uint32_t total = 0) {
    exec_event e{};
    e.hdr = make_header(EVENT_EXEC);
    e.ret = ret;
    e.syscall = EXEC_SYSCALL_EXECVE;
    e.flags = flags;
    e.dirfd = AT_FDCWD;
    const std::string args = area ? *area : argument_area(argv);
    const std::string data = filename + base + args;
    e.filename_len = uint16_t(filename.size());
    e.base_len = uint16_t(base.size());
    e.argv_len = uint32_t(args.size());
    e.argv_total = total ? total : uint32_t(args.size());
    REQUIRE(data.size() <= sizeof(e.data));
    std::memcpy(e.data, data.data(), data.size());
    return to_bytes(e, offsetof(exec_event, data) + data.size());
}

// An open record; `kernel_dev` is the kernel's major << 20 | minor.
// `base` is a relative path's base directory, and `fs` the file's path in
// its filesystem (with EVENT_FLAG_FS_PATH), as the kernel sends them: their
// components leaf first, each NUL-terminated.
Bytes open_record(const std::string &path, uint16_t flags = EVENT_FLAG_FILE_IDENTITY,
                  uint32_t kernel_dev = (8u << 20) | 1u, const std::string &base = "", const std::string &fs = "") {
    open_event e{};
    e.hdr = make_header(EVENT_OPEN);
    e.ret = 3;
    e.dirfd = AT_FDCWD;
    e.open_flags = O_WRONLY | O_CREAT;
    e.mode = 0644;
    e.syscall = OPEN_SYSCALL_OPENAT;
    e.flags = flags;
    e.dev = kernel_dev;
    e.mnt_id = 29;
    e.ino = 131077;
    const std::string data = path + base + fs;
    REQUIRE(data.size() <= sizeof(e.data));
    std::memcpy(e.data, data.data(), data.size());
    e.path_len = uint16_t(path.size());
    e.base_len = uint16_t(base.size());
    e.fs_len = uint16_t(fs.size());
    return to_bytes(e, offsetof(open_event, data) + data.size());
}

Bytes connect_inet_record(uint16_t family, const std::string &ip, uint16_t port, int64_t ret = 0) {
    connect_event e{};
    e.hdr = make_header(EVENT_CONNECT);
    e.ret = ret;
    e.fd = 7;
    e.family = family;
    e.port = port;
    REQUIRE(inet_pton(family, ip.c_str(), e.addr) == 1);
    e.addrlen = family == AF_INET ? 16 : 28;
    return to_bytes(e, sizeof(e));
}

// `name` may hold NULs (abstract names); it is stored without a trailing NUL.
Bytes connect_unix_record(const std::string &name, bool abstract) {
    connect_event e{};
    e.hdr = make_header(EVENT_CONNECT);
    e.ret = -ECONNREFUSED;
    e.fd = 4;
    e.family = AF_UNIX;
    e.flags = abstract ? EVENT_FLAG_UNIX_ABSTRACT : 0;
    REQUIRE(name.size() < sizeof(e.unix_path));
    std::memcpy(e.unix_path, name.data(), name.size());
    e.unix_path_len = uint16_t(name.size());
    e.addrlen = uint32_t(2 + name.size() + 1);
    return to_bytes(e, sizeof(e));
}

Bytes exit_record(int32_t code) {
    exit_event e{};
    e.hdr = make_header(EVENT_EXIT);
    e.exit_code = code;
    return to_bytes(e, sizeof(e));
}

// One of the other calls, as the BPF programs send it: the arguments, the
// paths and the name one after the other, and the socket's ends when
// `sock` is given.
Bytes syscall_record(uint16_t id, std::vector<int64_t> args, int64_t ret = 0, const std::string &path = "",
                     const std::string &path2 = "", const socket_ends *sock = nullptr,
                     const std::string &name = "") {
    syscall_event e{};
    e.hdr = make_header(EVENT_SYSCALL);
    e.ret = ret;
    e.syscall = id;
    REQUIRE(args.size() <= SYSCALL_ARGS);
    for (size_t i = 0; i < args.size(); i++) e.args[i] = args[i];
    REQUIRE(path.size() + path2.size() + name.size() <= sizeof(e.data));
    std::memcpy(e.data, path.data(), path.size());
    std::memcpy(e.data + path.size(), path2.data(), path2.size());
    std::memcpy(e.data + path.size() + path2.size(), name.data(), name.size());
    e.path_len = uint16_t(path.size());
    e.path2_len = uint16_t(path2.size());
    e.name_len = uint16_t(name.size());
    if (sock) {
        e.sock = *sock;
        e.flags |= EVENT_FLAG_SOCKET;
    }
    return to_bytes(e, offsetof(syscall_event, data) + path.size() + path2.size() + name.size());
}

// How a connect attempt to ip:rport from local:lport ended.
Bytes connect_result_record(uint16_t outcome, int64_t ret, const std::string &local, uint16_t lport,
                            const std::string &ip, uint16_t rport) {
    connect_result_event e{};
    e.hdr = make_header(EVENT_CONNECT_RESULT);
    e.ret = ret;
    e.outcome = outcome;
    e.connect_boot_ns = e.hdr.ts_boot_ns - 1000;
    e.ends.family = ip.find(':') != std::string::npos ? AF_INET6 : AF_INET;
    e.ends.protocol = IPPROTO_TCP;
    e.ends.lport = lport;
    e.ends.rport = rport;
    REQUIRE(inet_pton(e.ends.family, local.c_str(), e.ends.laddr) == 1);
    REQUIRE(inet_pton(e.ends.family, ip.c_str(), e.ends.raddr) == 1);
    return to_bytes(e, sizeof(e));
}

DecodeStatus decode(const Bytes &rec, Event &out, const Decoder &d = Decoder()) {
    return d.decode(rec.data(), rec.size(), out);
}

DecodeStatus decode(const Bytes &rec) {
    Event ev;
    return decode(rec, ev);
}

}  // namespace

// ---- well-formed records ----------------------------------------------------

TEST_CASE("decoder: exec with a filename and several arguments", "[decoder]") {
    const std::vector<std::string> argv = {"xmrig", "-o", "stratum+tcp://pool:3333", "--donate-level=1"};
    Event ev;
    REQUIRE(decode(exec_record("/tmp/.x/xmrig", argv), ev) == DecodeStatus::Ok);

    CHECK(ev.type == EventType::Exec);
    CHECK(ev.filename == "/tmp/.x/xmrig");
    CHECK(ev.argv == argv);
    CHECK(ev.ret == 0);
    CHECK(ev.syscall == Syscall::Execve);
    CHECK(ev.dirfd == AT_FDCWD);
    CHECK_FALSE(ev.path_truncated);
    CHECK_FALSE(ev.argv_truncated);
    // the header
    CHECK(ev.boot_ns == kBootNs);
    CHECK(ev.time_ns == kBootNs);
    CHECK(ev.cgroup_id == 4242);
    CHECK(ev.pid == 100);
    CHECK(ev.tid == 101);
    CHECK(ev.ppid == 1);
    CHECK(ev.uid == 1000);
    CHECK(ev.gid == 1001);
    CHECK(ev.mnt_ns == 4026531840u);
    CHECK(ev.pid_ns == 4026531836u);
    CHECK(ev.comm == "bash");
}

TEST_CASE("decoder: exec without arguments, with empty arguments, failed, truncated", "[decoder]") {
    Event ev;
    SECTION("an empty argument area") {
        REQUIRE(decode(exec_record("/bin/true", {}), ev) == DecodeStatus::Ok);
        CHECK(ev.filename == "/bin/true");
        CHECK(ev.argv.empty());
    }
    SECTION("empty arguments are kept in place") {
        REQUIRE(decode(exec_record("/bin/sh", {"sh", "", "-c", ""}), ev) == DecodeStatus::Ok);
        CHECK(ev.argv == std::vector<std::string>{"sh", "", "-c", ""});
    }
    SECTION("empty filename (fexecve)") {
        REQUIRE(decode(exec_record("", {"memfd"}), ev) == DecodeStatus::Ok);
        CHECK(ev.filename.empty());
        CHECK(ev.argv == std::vector<std::string>{"memfd"});
    }
    SECTION("a failed exec keeps its -errno") {
        REQUIRE(decode(exec_record("/nope", {"nope"}, -ENOENT), ev) == DecodeStatus::Ok);
        CHECK(ev.ret == -ENOENT);
    }
    SECTION("truncation flags") {
        REQUIRE(decode(exec_record("/bin/a", {"a"}, 0, EVENT_FLAG_PATH_TRUNCATED | EVENT_FLAG_ARGV_TRUNCATED), ev) ==
                DecodeStatus::Ok);
        CHECK(ev.path_truncated);
        CHECK(ev.argv_truncated);
    }
    SECTION("a 15-character comm") {
        Bytes rec = exec_record("/bin/a", {"a"});
        patch<event_header>(rec, [](event_header &h) { std::strncpy(h.comm, "kworker/u16:1xy", COMM_LEN); });
        REQUIRE(decode(rec, ev) == DecodeStatus::Ok);
        CHECK(ev.comm == "kworker/u16:1xy");
    }
}

TEST_CASE("decoder: exec filling the whole data field", "[decoder]") {
    // the longest relative filename, a base directory in the rest of their
    // shared room, and an argument area of EXEC_ARGV_LEN bytes
    const std::string filename(PATH_LEN - 1, 'f');
    std::string base;
    while (base.size() + 100 <= BASE_LEN + 1) base += std::string(99, 'd') + '\0';
    std::vector<std::string> argv;
    size_t used = 0;
    while (used + 1000 <= EXEC_ARGV_LEN) {
        argv.emplace_back(999, char('a' + argv.size() % 26));
        used += 1000;
    }
    argv.emplace_back(EXEC_ARGV_LEN - used - 1, 'z');
    Event ev;
    const Bytes rec = exec_record(filename, argv, 0, 0, base);
    REQUIRE(decode(rec, ev) == DecodeStatus::Ok);
    CHECK(ev.filename == filename);
    CHECK(ev.argv == argv);
    CHECK(ev.base_dir.size() == base.size());
    CHECK_FALSE(ev.argv_truncated);
}

TEST_CASE("decoder: an argument area cut by the kernel side keeps what came, and says so", "[decoder]") {
    Event ev;
    const std::string area = std::string("xmrig\0-o\0stra", 13);  // cut inside the third argument
    REQUIRE(decode(exec_record("/bin/xmrig", {}, 0, EVENT_FLAG_ARGV_TRUNCATED, "", &area, 40000), ev) ==
            DecodeStatus::Ok);
    CHECK(ev.argv == std::vector<std::string>{"xmrig", "-o", "stra"});
    CHECK(ev.argv_truncated);
    // a total larger than what came is cut too, flag or not
    REQUIRE(decode(exec_record("/bin/xmrig", {}, 0, 0, "", &area, 40000), ev) == DecodeStatus::Ok);
    CHECK(ev.argv_truncated);
}

TEST_CASE("decoder: a short relative path leaves its base more than BASE_LEN", "[decoder]") {
    // the kernel side fills the room the path leaves: PATH_LEN + BASE_LEN in all
    std::string base;
    while (base.size() + 100 <= PATH_LEN + BASE_LEN - 1) base += std::string(99, 'd') + '\0';
    REQUIRE(base.size() > BASE_LEN);
    Event ev;
    REQUIRE(decode(open_record("s", EVENT_FLAG_FILE_IDENTITY, (8u << 20) | 1u, base), ev) == DecodeStatus::Ok);
    CHECK(ev.base_dir.size() == base.size());
    REQUIRE(decode(exec_record("s", {"s"}, 0, 0, base), ev) == DecodeStatus::Ok);
    CHECK(ev.base_dir.size() == base.size());
}

TEST_CASE("decoder: the upper-layer flag of an exec, not carried to the next record", "[decoder]") {
    Event ev;
    REQUIRE(decode(exec_record("/tmp/payload", {"payload"}, 0, EVENT_FLAG_EXE_UPPER_LAYER), ev) == DecodeStatus::Ok);
    CHECK(ev.exe_upper_layer);
    REQUIRE(decode(exec_record("/bin/true", {"true"}), ev) == DecodeStatus::Ok);
    CHECK_FALSE(ev.exe_upper_layer);
}

// A successful exec whose fds 0, 1, 2 are a TCP socket to 127.0.0.1:4444, a
// pipe and a terminal (kernel dev_t: major << 20 | minor).
Bytes exec_with_stdio() {
    Bytes rec = exec_record("/bin/sh", {"sh", "-i"});
    patch<exec_event>(rec, [](exec_event &e) {
        e.flags |= EVENT_FLAG_STDIO;
        e.stdio[0].kind = STDIO_SOCKET;
        e.stdio[0].dev = 8;
        e.stdio[0].ino = 5001;
        e.stdio[0].sock.family = AF_INET;
        e.stdio[0].sock.protocol = IPPROTO_TCP;
        e.stdio[0].sock.lport = 40000;
        e.stdio[0].sock.rport = 4444;
        REQUIRE(inet_pton(AF_INET, "127.0.0.1", e.stdio[0].sock.laddr) == 1);
        REQUIRE(inet_pton(AF_INET, "127.0.0.1", e.stdio[0].sock.raddr) == 1);
        e.stdio[1].kind = STDIO_PIPE;
        e.stdio[1].dev = 13;
        e.stdio[1].ino = 777;
        e.stdio[2].kind = STDIO_CHAR;
        e.stdio[2].dev = (136u << 20) | 3u;
        e.stdio[2].ino = 6;
    });
    return rec;
}

TEST_CASE("decoder: the new program's stdio at exec", "[decoder][stdio]") {
    Event ev;
    REQUIRE(decode(exec_with_stdio(), ev) == DecodeStatus::Ok);
    REQUIRE(ev.has_stdio);
    const auto &in = ev.stdio[0], &out = ev.stdio[1], &err = ev.stdio[2];
    CHECK(in.kind == crowsnest::StdioKind::Socket);
    CHECK(in.ino == 5001);
    CHECK(in.family == AF_INET);
    CHECK(in.protocol == IPPROTO_TCP);
    CHECK(in.local_port == 40000);
    CHECK(in.remote_port == 4444);
    CHECK(in.remote_addr[0] == 127);
    CHECK(in.remote_addr[3] == 1);
    CHECK(std::string(crowsnest::stdio_type_name(in)) == "ipv4");
    CHECK(out.kind == crowsnest::StdioKind::Pipe);
    CHECK(out.ino == 777);
    CHECK(out.dev == makedev(0, 13));
    CHECK(out.family == 0);  // no socket: no ends
    CHECK(std::string(crowsnest::stdio_type_name(out)) == "pipe");
    CHECK(err.kind == crowsnest::StdioKind::CharDevice);
    CHECK(err.dev == makedev(136, 3));  // /dev/pts/3: the device's own number
    CHECK(std::string(crowsnest::stdio_type_name(err)) == "tty");
}

TEST_CASE("decoder: stdio is not carried to a failed exec or another record", "[decoder][stdio]") {
    Event ev;
    REQUIRE(decode(exec_with_stdio(), ev) == DecodeStatus::Ok);
    REQUIRE(decode(exec_record("/nope", {"nope"}, -2), ev) == DecodeStatus::Ok);
    CHECK_FALSE(ev.has_stdio);
    for (const auto &fd : ev.stdio) {
        CHECK(fd.kind == crowsnest::StdioKind::Closed);
        CHECK(fd.family == 0);
    }
    REQUIRE(decode(exec_with_stdio(), ev) == DecodeStatus::Ok);
    REQUIRE(decode(open_record("/etc/passwd"), ev) == DecodeStatus::Ok);
    CHECK_FALSE(ev.has_stdio);
}

TEST_CASE("decoder: malformed stdio", "[decoder][stdio][malformed]") {
    SECTION("a kind the ABI does not name is BadType") {
        for (uint8_t kind : {uint8_t(STDIO_KIND_MAX), uint8_t(0xff)}) {
            for (size_t fd = 0; fd < STDIO_FDS; fd++) {
                Bytes rec = exec_with_stdio();
                patch<exec_event>(rec, [&](exec_event &e) { e.stdio[fd].kind = kind; });
                INFO("kind " << int(kind) << " at fd " << fd);
                CHECK(decode(rec) == DecodeStatus::BadType);
            }
        }
    }
    SECTION("a record that did not read its stdio yet names one is BadType") {
        Bytes rec = exec_with_stdio();
        patch<exec_event>(rec, [](exec_event &e) { e.flags &= ~EVENT_FLAG_STDIO; });
        CHECK(decode(rec) == DecodeStatus::BadType);
    }
    SECTION("a record cut inside its stdio is TooShort") {
        Bytes rec = exec_with_stdio();
        resize_record(rec, offsetof(exec_event, stdio) + sizeof(stdio_fd) + 3);
        CHECK(decode(rec) == DecodeStatus::TooShort);
    }
}

TEST_CASE("decoder: a connect made through io_uring says so", "[decoder]") {
    Event ev;
    Bytes rec = connect_inet_record(AF_INET, "127.0.0.1", 9, -ECONNREFUSED);
    patch<connect_event>(rec, [](connect_event &e) { e.syscall = CONNECT_SYSCALL_IO_URING; });
    REQUIRE(decode(rec, ev) == DecodeStatus::Ok);
    CHECK(ev.syscall == Syscall::IoUringConnect);
    REQUIRE(decode(connect_inet_record(AF_INET, "127.0.0.1", 9), ev) == DecodeStatus::Ok);
    CHECK(ev.syscall == Syscall::Connect);
}

TEST_CASE("decoder: a relative exec filename comes with its base directory", "[decoder]") {
    Event ev;
    REQUIRE(decode(exec_record("./xmrig", {"./xmrig", "-o", "x"}, 0, 0, std::string("miner\0tmp\0", 10)), ev) ==
            DecodeStatus::Ok);
    CHECK(ev.filename == "./xmrig");
    CHECK(ev.argv == std::vector<std::string>{"./xmrig", "-o", "x"});
    CHECK(ev.base_dir == "/tmp/miner");
    REQUIRE(decode(exec_record("/bin/true", {"true"}), ev) == DecodeStatus::Ok);
    CHECK(ev.base_dir.empty());
    // base bytes past the record, or a component without its NUL
    Bytes bad = exec_record("./x", {"x"}, 0, 0, "tmp");
    CHECK(decode(bad, ev) == DecodeStatus::BadLength);
}

TEST_CASE("decoder: open with file identity converts the kernel dev_t", "[decoder]") {
    Event ev;
    SECTION("sda1: 8:1") {
        REQUIRE(decode(open_record("/etc/shadow"), ev) == DecodeStatus::Ok);
        CHECK(ev.dev == makedev(8, 1));
    }
    SECTION("a large major and a 20-bit minor") {
        REQUIRE(decode(open_record("/x", EVENT_FLAG_FILE_IDENTITY, (259u << 20) | 0xabcdeu), ev) == DecodeStatus::Ok);
        CHECK(major(ev.dev) == 259);
        CHECK(minor(ev.dev) == 0xabcde);
        CHECK(ev.dev == makedev(259, 0xabcde));
    }
    SECTION("overlayfs: anonymous 0:45") {
        REQUIRE(decode(open_record("/x", EVENT_FLAG_FILE_IDENTITY, 45u), ev) == DecodeStatus::Ok);
        CHECK(ev.dev == makedev(0, 45));
    }
    CHECK(ev.type == EventType::Open);
    CHECK(ev.has_file_identity);
    CHECK(ev.ino == 131077);
    CHECK(ev.mnt_id == 29);
    CHECK(ev.ret == 3);
    CHECK(ev.dirfd == AT_FDCWD);
    CHECK(ev.open_flags == uint32_t(O_WRONLY | O_CREAT));
    CHECK(ev.mode == 0644);
    CHECK(ev.syscall == Syscall::Openat);
    CHECK(ev.comm == "bash");
}

TEST_CASE("decoder: open paths and flags", "[decoder]") {
    Event ev;
    SECTION("without file identity the dev is 0") {
        REQUIRE(decode(open_record("/etc/passwd", 0), ev) == DecodeStatus::Ok);
        CHECK(ev.path == "/etc/passwd");
        CHECK_FALSE(ev.has_file_identity);
        CHECK(ev.dev == 0);
    }
    SECTION("relative path, kept as sent, with its base directory") {
        REQUIRE(decode(open_record("../etc/./shadow", 0, 0, std::string("etc\0host\0", 9)), ev) == DecodeStatus::Ok);
        CHECK(ev.path == "../etc/./shadow");
        CHECK(ev.base_dir == "/host/etc");
    }
    SECTION("relative path opened from the root directory") {
        REQUIRE(decode(open_record("etc/shadow", 0), ev) == DecodeStatus::Ok);
        CHECK(ev.base_dir == "/");
    }
    SECTION("relative path whose base directory could not be read") {
        REQUIRE(decode(open_record("shadow", EVENT_FLAG_BASE_INCOMPLETE, 0, std::string("a\0", 2)), ev) ==
                DecodeStatus::Ok);
        CHECK(ev.base_dir.empty());
        CHECK(ev.path_truncated);
    }
    SECTION("an absolute path has no base directory") {
        REQUIRE(decode(open_record("shadow", 0, 0, std::string("etc\0", 4)), ev) == DecodeStatus::Ok);
        REQUIRE(decode(open_record("/etc/shadow", 0), ev) == DecodeStatus::Ok);
        CHECK(ev.base_dir.empty());
    }
    SECTION("a base directory whose last component has no NUL is BadLength") {
        CHECK(decode(open_record("shadow", 0, 0, "etc"), ev) == DecodeStatus::BadLength);
    }
    SECTION("empty path") {
        REQUIRE(decode(open_record(""), ev) == DecodeStatus::Ok);
        CHECK(ev.path.empty());
    }
    SECTION("the longest path (255 bytes), truncated") {
        const std::string path = "/" + std::string(PATH_LEN - 2, 'p');
        REQUIRE(decode(open_record(path, EVENT_FLAG_PATH_TRUNCATED), ev) == DecodeStatus::Ok);
        CHECK(ev.path == path);
        CHECK(ev.path_truncated);
        CHECK_FALSE(ev.has_file_identity);
    }
}

TEST_CASE("decoder: connect to inet, inet6, unix and abstract unix", "[decoder]") {
    Event ev;
    SECTION("inet") {
        REQUIRE(decode(connect_inet_record(AF_INET, "10.1.2.3", 3333, -EINPROGRESS), ev) == DecodeStatus::Ok);
        CHECK(ev.type == EventType::Connect);
        CHECK(ev.family == AF_INET);
        CHECK(ev.port == 3333);
        CHECK(ev.ret == -EINPROGRESS);
        CHECK(ev.fd == 7);
        CHECK(std::vector<int>(ev.addr.begin(), ev.addr.begin() + 4) == std::vector<int>{10, 1, 2, 3});
        CHECK(ev.unix_path.empty());
        CHECK_FALSE(ev.unix_abstract);
    }
    SECTION("inet6") {
        REQUIRE(decode(connect_inet_record(AF_INET6, "2001:db8::1", 443), ev) == DecodeStatus::Ok);
        CHECK(ev.family == AF_INET6);
        CHECK(ev.port == 443);
        in6_addr want{};
        REQUIRE(inet_pton(AF_INET6, "2001:db8::1", &want) == 1);
        CHECK(std::memcmp(ev.addr.data(), &want, 16) == 0);
    }
    SECTION("unix path") {
        REQUIRE(decode(connect_unix_record("/var/run/docker.sock", false), ev) == DecodeStatus::Ok);
        CHECK(ev.family == AF_UNIX);
        CHECK(ev.unix_path == "/var/run/docker.sock");
        CHECK_FALSE(ev.unix_abstract);
        CHECK(ev.ret == -ECONNREFUSED);
    }
    SECTION("unix path with a length past its NUL is cut at the NUL") {
        Bytes rec = connect_unix_record("/run/a.sock", false);
        patch<connect_event>(rec, [](connect_event &e) { e.unix_path_len = 50; });
        REQUIRE(decode(rec, ev) == DecodeStatus::Ok);
        CHECK(ev.unix_path == "/run/a.sock");
    }
    SECTION("abstract name keeps its exact bytes, NULs included") {
        const std::string name("dbus\0x", 6);
        REQUIRE(decode(connect_unix_record(name, true), ev) == DecodeStatus::Ok);
        CHECK(ev.unix_abstract);
        CHECK(ev.unix_path == name);
        CHECK(ev.unix_path.size() == 6);
    }
    SECTION("the longest unix path (107 bytes)") {
        const std::string path = "/" + std::string(UNIX_PATH_LEN - 2, 's');
        REQUIRE(decode(connect_unix_record(path, false), ev) == DecodeStatus::Ok);
        CHECK(ev.unix_path == path);
    }
}

TEST_CASE("decoder: exit", "[decoder]") {
    Event ev;
    ev.ret = -1;
    REQUIRE(decode(exit_record(137), ev) == DecodeStatus::Ok);
    CHECK(ev.type == EventType::Exit);
    CHECK(ev.exit_code == 137);
    CHECK(ev.ret == 0);
    CHECK(ev.pid == 100);
}

// ---- time -------------------------------------------------------------------

TEST_CASE("decoder: wall time is the boot time plus the decoder's offset", "[decoder]") {
    const Bytes rec = exit_record(0);
    Event ev;
    SECTION("positive offset") {
        const int64_t offset = 1'700'000'000'000'000'000ll;
        REQUIRE(decode(rec, ev, Decoder(offset)) == DecodeStatus::Ok);
        CHECK(ev.boot_ns == kBootNs);
        CHECK(ev.time_ns == kBootNs + uint64_t(offset));
    }
    SECTION("negative offset") {
        REQUIRE(decode(rec, ev, Decoder(-1'000'000'000ll)) == DecodeStatus::Ok);
        CHECK(ev.time_ns == kBootNs - 1'000'000'000ull);
    }
    SECTION("the current offset maps boot time to the real-time clock") {
        const int64_t offset = Decoder::current_boot_to_wall_ns();
        timespec real{}, boot{};
        clock_gettime(CLOCK_BOOTTIME, &boot);
        clock_gettime(CLOCK_REALTIME, &real);
        const int64_t boot_ns = int64_t(boot.tv_sec) * 1'000'000'000 + boot.tv_nsec;
        const int64_t real_ns = int64_t(real.tv_sec) * 1'000'000'000 + real.tv_nsec;
        CHECK(offset > 0);
        CHECK(std::llabs(boot_ns + offset - real_ns) < 1'000'000'000ll);
    }
}

// ---- reuse of one Event ---------------------------------------------------------

TEST_CASE("decoder: one Event object is reused across record types", "[decoder]") {
    Event ev;
    REQUIRE(decode(exec_record("/bin/sh", {"sh", "-c", "id", "x"}), ev) == DecodeStatus::Ok);
    CHECK(ev.argv.size() == 4);

    REQUIRE(decode(open_record("/etc/hosts"), ev) == DecodeStatus::Ok);
    CHECK(ev.type == EventType::Open);
    CHECK(ev.path == "/etc/hosts");
    CHECK(ev.ret == 3);

    REQUIRE(decode(connect_inet_record(AF_INET, "127.0.0.1", 80), ev) == DecodeStatus::Ok);
    CHECK(ev.type == EventType::Connect);
    CHECK(ev.port == 80);
    CHECK(ev.ret == 0);

    REQUIRE(decode(connect_unix_record("/run/a.sock", false), ev) == DecodeStatus::Ok);
    CHECK(ev.unix_path == "/run/a.sock");
    REQUIRE(decode(connect_inet_record(AF_INET, "127.0.0.1", 81), ev) == DecodeStatus::Ok);
    CHECK(ev.unix_path.empty());  // an inet connect carries no unix path

    REQUIRE(decode(exec_record("/bin/id", {"id"}), ev) == DecodeStatus::Ok);
    CHECK(ev.type == EventType::Exec);
    CHECK(ev.filename == "/bin/id");
    CHECK(ev.argv == std::vector<std::string>{"id"});  // shrank from 4

    REQUIRE(decode(exit_record(1), ev) == DecodeStatus::Ok);
    CHECK(ev.type == EventType::Exit);
    CHECK(ev.exit_code == 1);
    CHECK(ev.ret == 0);
}

// Engine::handle_event counts an event as truncated when path_truncated or
// argv_truncated is set, so a flag left over from an earlier record of
// another type miscounts every later event.
TEST_CASE("decoder: truncation flags do not leak into later records of other types", "[decoder]") {
    Event ev;
    REQUIRE(decode(exec_record("/bin/a", {"a"}, 0, EVENT_FLAG_ARGV_TRUNCATED), ev) == DecodeStatus::Ok);
    REQUIRE(ev.argv_truncated);
    REQUIRE(decode(open_record("/etc/hosts", EVENT_FLAG_PATH_TRUNCATED), ev) == DecodeStatus::Ok);
    CHECK_FALSE(ev.argv_truncated);  // an open has no argv
    REQUIRE(ev.path_truncated);
    REQUIRE(decode(exit_record(0), ev) == DecodeStatus::Ok);
    CHECK_FALSE(ev.path_truncated);  // an exit has no path
    CHECK_FALSE(ev.argv_truncated);
}

// ---- malformed: header ------------------------------------------------------

TEST_CASE("decoder: records shorter than a header are TooShort", "[decoder][malformed]") {
    const Bytes rec = exit_record(0);
    Event ev;
    CHECK(Decoder().decode(rec.data(), 0, ev) == DecodeStatus::TooShort);
    CHECK(Decoder().decode(rec.data(), 1, ev) == DecodeStatus::TooShort);
    CHECK(Decoder().decode(rec.data(), sizeof(event_header) - 1, ev) == DecodeStatus::TooShort);
}

TEST_CASE("decoder: a different ABI version is BadVersion", "[decoder][malformed]") {
    for (uint16_t version : {uint16_t(0), uint16_t(CROWSNEST_ABI_VERSION + 1), uint16_t(0xffff)}) {
        Bytes rec = exec_record("/bin/a", {"a"});
        patch<event_header>(rec, [&](event_header &h) { h.version = version; });
        CAPTURE(version);
        CHECK(decode(rec) == DecodeStatus::BadVersion);
    }
}

TEST_CASE("decoder: an unknown event type is BadType", "[decoder][malformed]") {
    for (uint16_t type : {uint16_t(0), uint16_t(EVENT_TYPE_MAX), uint16_t(0xffff)}) {
        Bytes rec = exit_record(0);
        patch<event_header>(rec, [&](event_header &h) { h.type = type; });
        CAPTURE(type);
        CHECK(decode(rec) == DecodeStatus::BadType);
    }
}

TEST_CASE("decoder: header.size differing from the bytes received is SizeMismatch", "[decoder][malformed]") {
    Bytes rec = exec_record("/bin/a", {"a"});
    const auto len = uint32_t(rec.size());
    for (uint32_t size : {len - 1, len + 1, 0u, uint32_t(sizeof(exec_event))}) {
        set_header_size(rec, size);
        CAPTURE(size);
        CHECK(decode(rec) == DecodeStatus::SizeMismatch);
    }
    SECTION("a header-only record with a matching size but too short for its type") {
        Bytes hdr = exec_record("", {});
        resize_record(hdr, sizeof(event_header));
        CHECK(decode(hdr) == DecodeStatus::TooShort);
        patch<event_header>(hdr, [](event_header &h) { h.type = EVENT_OPEN; });
        CHECK(decode(hdr) == DecodeStatus::TooShort);
        patch<event_header>(hdr, [](event_header &h) { h.type = EVENT_CONNECT; });
        CHECK(decode(hdr) == DecodeStatus::TooShort);
        patch<event_header>(hdr, [](event_header &h) { h.type = EVENT_EXIT; });
        CHECK(decode(hdr) == DecodeStatus::TooShort);
    }
}

TEST_CASE("decoder: fixed-size records of another length", "[decoder][malformed]") {
    SECTION("connect one byte short / long") {
        Bytes rec = connect_inet_record(AF_INET, "10.0.0.1", 80);
        resize_record(rec, sizeof(connect_event) - 1);
        CHECK(decode(rec) == DecodeStatus::TooShort);
        resize_record(rec, sizeof(connect_event) + 1);
        CHECK(decode(rec) == DecodeStatus::SizeMismatch);
    }
    SECTION("exit one byte short / long") {
        Bytes rec = exit_record(0);
        resize_record(rec, sizeof(exit_event) - 1);
        CHECK(decode(rec) == DecodeStatus::TooShort);
        resize_record(rec, sizeof(exit_event) + 8);
        CHECK(decode(rec) == DecodeStatus::SizeMismatch);
    }
    SECTION("exec and open shorter than their fixed part") {
        Bytes exec = exec_record("", {});
        resize_record(exec, offsetof(exec_event, data) - 1);
        CHECK(decode(exec) == DecodeStatus::TooShort);
        Bytes open = open_record("");
        resize_record(open, offsetof(open_event, data) - 1);
        CHECK(decode(open) == DecodeStatus::TooShort);
    }
}

// ---- malformed: variable lengths --------------------------------------------

TEST_CASE("decoder: exec lengths past the record or the field are BadLength", "[decoder][malformed]") {
    Bytes rec = exec_record("/bin/sh", {"sh", "-c", "id"});
    SECTION("filename_len past the record") {
        patch<exec_event>(rec, [&](exec_event &e) { e.filename_len = uint16_t(rec.size()); });
    }
    SECTION("filename_len of PATH_LEN or more, inside a record that long") {
        rec = exec_record(std::string(PATH_LEN, 'f'), {"x"});  // consistent, but the filename is too long
    }
    SECTION("argv_len past the record") {
        patch<exec_event>(rec, [](exec_event &e) { e.argv_len += 1; });
    }
    SECTION("argv_len past the data field") {
        patch<exec_event>(rec, [](exec_event &e) { e.argv_len = EXEC_ARGV_LEN + 1; e.argv_total = e.argv_len; });
        resize_record(rec, offsetof(exec_event, data) + 7 + EXEC_ARGV_LEN + 1);
    }
    SECTION("argv_total smaller than what came") {
        patch<exec_event>(rec, [](exec_event &e) { e.argv_total = e.argv_len - 1; });
    }
    SECTION("base_len past the record") {
        patch<exec_event>(rec, [](exec_event &e) { e.base_len = 1; });
    }
    SECTION("filename and base past their shared room") {
        patch<exec_event>(rec, [](exec_event &e) { e.filename_len = 7; e.base_len = PATH_LEN + BASE_LEN; });
    }
    CHECK(decode(rec) == DecodeStatus::BadLength);
}

// The BPF program sends exactly offsetof(data) + filename_len + base_len +
// argv_len bytes.
TEST_CASE("decoder: exec bytes after the argument area are BadLength", "[decoder][malformed]") {
    Bytes rec = exec_record("/bin/sh", {"sh", "-c", "id"});
    resize_record(rec, rec.size() + 4);  // argv_len unchanged: 4 unaccounted bytes
    CHECK(decode(rec) == DecodeStatus::BadLength);
}

TEST_CASE("decoder: open path_len disagreeing with the record is BadLength", "[decoder][malformed]") {
    Bytes rec = open_record("/etc/shadow");
    SECTION("path_len past the record") {
        patch<open_event>(rec, [](open_event &e) { e.path_len += 1; });
    }
    SECTION("path_len shorter than the record (trailing bytes)") {
        patch<open_event>(rec, [](open_event &e) { e.path_len -= 1; });
    }
    SECTION("path_len of PATH_LEN, inside a record that long") {
        resize_record(rec, offsetof(open_event, data) + PATH_LEN);
        patch<open_event>(rec, [](open_event &e) { e.path_len = PATH_LEN; });
    }
    SECTION("path_len 0xffff") {
        patch<open_event>(rec, [](open_event &e) { e.path_len = 0xffff; });
    }
    CHECK(decode(rec) == DecodeStatus::BadLength);
}

TEST_CASE("decoder: an open's path in its filesystem", "[decoder]") {
    Event ev;
    const uint16_t fs = EVENT_FLAG_FILE_IDENTITY | EVENT_FLAG_FS_PATH;
    SECTION("after the path, leaf first") {
        REQUIRE(decode(open_record("/host/etc/shadow", fs, (8u << 20) | 1u, "", std::string("shadow\0etc\0", 11)), ev) ==
                DecodeStatus::Ok);
        CHECK(ev.path == "/host/etc/shadow");
        CHECK(ev.fs_path == "/etc/shadow");
    }
    SECTION("after a relative path's base") {
        REQUIRE(decode(open_record("x", fs, (8u << 20) | 1u, std::string("d\0", 2), std::string("x\0d\0srv\0", 8)),
                       ev) == DecodeStatus::Ok);
        CHECK(ev.base_dir == "/d");
        CHECK(ev.fs_path == "/srv/d/x");
    }
    SECTION("the filesystem's root itself: no component") {
        REQUIRE(decode(open_record("/mnt", fs), ev) == DecodeStatus::Ok);
        CHECK(ev.fs_path == "/");
    }
    SECTION("not read whole: none") {
        REQUIRE(decode(open_record("/mnt/x"), ev) == DecodeStatus::Ok);
        CHECK(ev.fs_path.empty());
    }
    SECTION("bytes that are not NUL-terminated components") {
        CHECK(decode(open_record("/x", fs, (8u << 20) | 1u, "", "x"), ev) == DecodeStatus::BadLength);
    }
    SECTION("bytes without the flag") {
        CHECK(decode(open_record("/x", EVENT_FLAG_FILE_IDENTITY, (8u << 20) | 1u, "", std::string("x\0", 2)), ev) ==
              DecodeStatus::BadLength);
    }
    SECTION("fs_len past the record") {
        Bytes rec = open_record("/x", fs, (8u << 20) | 1u, "", std::string("x\0", 2));
        patch<open_event>(rec, [](open_event &e) { e.fs_len = 3; });
        CHECK(decode(rec, ev) == DecodeStatus::BadLength);
    }
    SECTION("fs_len 0xffff") {
        Bytes rec = open_record("/x", fs, (8u << 20) | 1u, "", std::string("x\0", 2));
        patch<open_event>(rec, [](open_event &e) { e.fs_len = 0xffff; });
        CHECK(decode(rec, ev) == DecodeStatus::BadLength);
    }
}

TEST_CASE("decoder: an open refused on a file it named says so", "[decoder]") {
    Event ev;
    for (int err : {EPERM, EACCES, EEXIST, ETXTBSY, EROFS, ENOENT, ENOTDIR, ELOOP, 0, 200}) {
        INFO(err);
        Bytes rec = open_record("/host/etc/shadow", 0);
        patch<open_event>(rec, [&](open_event &e) { e.ret = -err; });
        REQUIRE(decode(rec, ev) == DecodeStatus::Ok);
        CHECK(ev.open_refused == (err == EPERM || err == EACCES || err == EEXIST || err == ETXTBSY || err == EROFS));
    }
    REQUIRE(decode(open_record("/etc/shadow"), ev) == DecodeStatus::Ok);  // fd 3
    CHECK_FALSE(ev.open_refused);
}

TEST_CASE("decoder: connect unix_path_len past its field is BadLength", "[decoder][malformed]") {
    for (uint16_t len : {uint16_t(UNIX_PATH_LEN), uint16_t(UNIX_PATH_LEN + 1), uint16_t(0xffff)}) {
        for (bool abstract : {false, true}) {
            Bytes rec = connect_unix_record("/run/x.sock", abstract);
            patch<connect_event>(rec, [&](connect_event &e) { e.unix_path_len = len; });
            CAPTURE(len, abstract);
            CHECK(decode(rec) == DecodeStatus::BadLength);
        }
    }
}

// ---- the other calls (EVENT_SYSCALL) ------------------------------------------

TEST_CASE("decoder: a call with integer arguments alone", "[decoder][syscall]") {
    Event ev;
    REQUIRE(decode(syscall_record(SYSCALL_PTRACE, {16, 4242}, -EPERM), ev) == DecodeStatus::Ok);
    CHECK(ev.type == EventType::Syscall);
    CHECK(ev.syscall == Syscall::Ptrace);
    CHECK(ev.ret == -EPERM);
    CHECK(ev.args == std::array<int64_t, 4>{16, 4242, 0, 0});
    CHECK(ev.path.empty());
    CHECK(ev.path2.empty());
    CHECK_FALSE(ev.has_socket);
    CHECK(ev.family == 0);
    CHECK(ev.pid == 100);  // the header, as for every type
    CHECK(std::string(crowsnest::syscall_name(ev)) == "ptrace");
    CHECK(std::string(crowsnest::event_type_name(ev.type)) == "syscall");
}

TEST_CASE("decoder: every call of the ABI is a call of the engine, in order", "[decoder][syscall]") {
    const char *names[] = {"ptrace",  "setns",     "unshare", "init_module", "finit_module", "bpf",   "socket",
                           "symlink", "symlinkat", "link",    "linkat",      "chmod",        "fchmod", "fchmodat",
                           "setuid",  "setgid",    "setresuid", "setresgid", "dup",          "dup2",  "dup3",
                           "mount",   "umount2",   "mknod",   "mknodat",     "memfd_create", "fsopen",
                           "unlink",  "unlinkat",  "accept",  "accept4",
                           "listen",  "io_uring_accept"};
    REQUIRE(std::size(names) == SYSCALL_ID_MAX - SYSCALL_PTRACE);
    for (uint16_t id = SYSCALL_PTRACE; id < SYSCALL_ID_MAX; id++) {
        Event ev;
        CAPTURE(id);
        REQUIRE(decode(syscall_record(id, {}), ev) == DecodeStatus::Ok);
        CHECK(std::string(crowsnest::syscall_name(ev)) == names[id - SYSCALL_PTRACE]);
    }
}

TEST_CASE("decoder: two paths, one after the other, bytes kept as sent", "[decoder][syscall]") {
    Event ev;
    const std::string hostile("/etc/sha\ndow\0x\xff", 15);  // a newline, a NUL, a byte that is not UTF-8
    REQUIRE(decode(syscall_record(SYSCALL_SYMLINKAT, {AT_FDCWD}, 0, hostile, "s"), ev) == DecodeStatus::Ok);
    CHECK(ev.syscall == Syscall::Symlinkat);
    CHECK(ev.path == hostile);
    CHECK(ev.path2 == "s");
    CHECK(ev.args[0] == AT_FDCWD);
    const std::string longest(PATH_LEN - 1, 'a');
    REQUIRE(decode(syscall_record(SYSCALL_LINK, {}, 0, longest, longest), ev) == DecodeStatus::Ok);
    CHECK(ev.path.size() == PATH_LEN - 1);
    CHECK(ev.path2.size() == PATH_LEN - 1);
}

TEST_CASE("decoder: a dup of a socket carries its two ends", "[decoder][syscall]") {
    socket_ends ends{};
    ends.family = AF_INET;
    ends.protocol = IPPROTO_TCP;
    ends.lport = 40000;
    ends.rport = 4444;
    REQUIRE(inet_pton(AF_INET, "10.0.0.2", ends.laddr) == 1);
    REQUIRE(inet_pton(AF_INET, "10.9.8.7", ends.raddr) == 1);
    Event ev;
    REQUIRE(decode(syscall_record(SYSCALL_DUP2, {3, 0}, 0, "", "", &ends), ev) == DecodeStatus::Ok);
    CHECK(ev.has_socket);
    CHECK(ev.family == AF_INET);
    CHECK(ev.port == 4444);
    CHECK(ev.local_port == 40000);
    CHECK(ev.protocol == IPPROTO_TCP);
    CHECK(ev.fd == 3);  // dup: the old fd
    CHECK(crowsnest::ip_string(ev) == "10.9.8.7");
    // the next record of the same type without a socket does not keep it
    REQUIRE(decode(syscall_record(SYSCALL_SETNS, {3, 0}), ev) == DecodeStatus::Ok);
    CHECK_FALSE(ev.has_socket);
    CHECK(ev.family == 0);
    // nor does a connect after it
    REQUIRE(decode(syscall_record(SYSCALL_DUP, {3}, 4, "", "", &ends), ev) == DecodeStatus::Ok);
    REQUIRE(decode(connect_inet_record(AF_INET, "10.1.2.3", 443), ev) == DecodeStatus::Ok);
    CHECK_FALSE(ev.has_socket);
}

TEST_CASE("decoder: an accepted connection: its new fd, the listener, the peer and the local end", "[decoder][syscall]") {
    socket_ends ends{};
    ends.family = AF_INET6;
    ends.protocol = IPPROTO_TCP;
    ends.lport = 4444;
    ends.rport = 51000;
    REQUIRE(inet_pton(AF_INET6, "fd00::2", ends.laddr) == 1);
    REQUIRE(inet_pton(AF_INET6, "fd00::9", ends.raddr) == 1);
    Event ev;
    REQUIRE(decode(syscall_record(SYSCALL_ACCEPT4, {3, SOCK_CLOEXEC}, 7, "", "", &ends), ev) == DecodeStatus::Ok);
    CHECK(ev.syscall == Syscall::Accept4);
    CHECK(ev.fd == 7);  // the new connection's, as Falco's fd.num
    CHECK(ev.args[0] == 3);
    CHECK(ev.args[1] == SOCK_CLOEXEC);
    CHECK(ev.has_socket);
    CHECK(ev.port == 51000);
    CHECK(ev.local_port == 4444);
    CHECK(crowsnest::ip_string(ev) == "fd00::9");
    CHECK(crowsnest::local_ip_string(ev) == "fd00::2");
    REQUIRE(decode(syscall_record(SYSCALL_ACCEPT, {3}, 8, "", "", &ends), ev) == DecodeStatus::Ok);
    CHECK(ev.syscall == Syscall::Accept);
    CHECK(ev.fd == 8);
}

TEST_CASE("decoder: a socket call's fd is its result", "[decoder][syscall]") {
    Event ev;
    REQUIRE(decode(syscall_record(SYSCALL_SOCKET, {AF_PACKET, SOCK_RAW, 768}, 5), ev) == DecodeStatus::Ok);
    CHECK(ev.fd == 5);
    CHECK(ev.args[0] == AF_PACKET);
}

TEST_CASE("decoder: a mount carries its source, target and fs type", "[decoder][syscall]") {
    Event ev;
    REQUIRE(decode(syscall_record(SYSCALL_MOUNT, {MS_RDONLY}, -EPERM, "/dev/sda1", "/mnt/host", nullptr, "ext4"), ev) ==
            DecodeStatus::Ok);
    CHECK(ev.syscall == Syscall::Mount);
    CHECK(ev.path == "/dev/sda1");
    CHECK(ev.path2 == "/mnt/host");
    CHECK(ev.name == "ext4");
    CHECK(ev.args[0] == MS_RDONLY);
    CHECK_FALSE(ev.path_truncated);
    // a bind mount has no fs type, a propagation change no source: both empty
    REQUIRE(decode(syscall_record(SYSCALL_MOUNT, {MS_PRIVATE | MS_REC}, 0, "", "/"), ev) == DecodeStatus::Ok);
    CHECK(ev.path.empty());
    CHECK(ev.path2 == "/");
    CHECK(ev.name.empty());  // not the previous record's
    // the longest of each, and hostile bytes kept as sent
    const std::string longest(PATH_LEN - 1, 'p'), longest_name(SYSCALL_NAME_LEN - 1, 'n');
    const std::string hostile("ext4\n\0\xff", 7);
    REQUIRE(decode(syscall_record(SYSCALL_MOUNT, {0}, 0, longest, longest, nullptr, longest_name), ev) ==
            DecodeStatus::Ok);
    CHECK(ev.path.size() == PATH_LEN - 1);
    CHECK(ev.path2.size() == PATH_LEN - 1);
    CHECK(ev.name == longest_name);
    REQUIRE(decode(syscall_record(SYSCALL_MOUNT, {0}, 0, "proc", "/p", nullptr, hostile), ev) == DecodeStatus::Ok);
    CHECK(ev.name == hostile);
}

TEST_CASE("decoder: umount2, mknod and memfd_create", "[decoder][syscall]") {
    Event ev;
    REQUIRE(decode(syscall_record(SYSCALL_UMOUNT2, {MNT_DETACH}, 0, "/proc/sys"), ev) == DecodeStatus::Ok);
    CHECK(ev.syscall == Syscall::Umount2);
    CHECK(ev.path == "/proc/sys");
    CHECK(ev.args[0] == MNT_DETACH);
    REQUIRE(decode(syscall_record(SYSCALL_MKNODAT, {AT_FDCWD, S_IFBLK | 0600, 0x801}, 0, "sda1"), ev) ==
            DecodeStatus::Ok);
    CHECK(ev.syscall == Syscall::Mknodat);
    CHECK(ev.path == "sda1");
    CHECK(ev.args == std::array<int64_t, 4>{AT_FDCWD, S_IFBLK | 0600, 0x801, 0});
    // memfd_create: the name, and the fd it made as the result
    REQUIRE(decode(syscall_record(SYSCALL_MEMFD_CREATE, {MFD_CLOEXEC}, 7, "", "", nullptr, "payload"), ev) ==
            DecodeStatus::Ok);
    CHECK(ev.syscall == Syscall::MemfdCreate);
    CHECK(ev.name == "payload");
    CHECK(ev.path.empty());
    CHECK(ev.fd == 7);
}

TEST_CASE("decoder: malformed syscall records", "[decoder][syscall][malformed]") {
    SECTION("an unknown call is BadType") {
        for (uint16_t id : {uint16_t(0), uint16_t(SYSCALL_ID_MAX), uint16_t(0xffff)}) {
            Bytes rec = syscall_record(SYSCALL_BPF, {5});
            patch<syscall_event>(rec, [&](syscall_event &e) { e.syscall = id; });
            CAPTURE(id);
            CHECK(decode(rec) == DecodeStatus::BadType);
        }
    }
    SECTION("shorter than the fixed part is TooShort") {
        Bytes rec = syscall_record(SYSCALL_BPF, {5});
        resize_record(rec, offsetof(syscall_event, data) - 1);
        CHECK(decode(rec) == DecodeStatus::TooShort);
    }
    SECTION("path lengths that disagree with the record are BadLength") {
        Bytes rec = syscall_record(SYSCALL_LINK, {}, 0, "/etc/shadow", "/tmp/h");
        patch<syscall_event>(rec, [](syscall_event &e) { e.path_len += 1; });
        CHECK(decode(rec) == DecodeStatus::BadLength);
        rec = syscall_record(SYSCALL_LINK, {}, 0, "/etc/shadow", "/tmp/h");
        resize_record(rec, rec.size() + 1);  // a byte after the paths
        CHECK(decode(rec) == DecodeStatus::BadLength);
        rec = syscall_record(SYSCALL_LINK, {}, 0, "/etc/shadow", "/tmp/h");
        resize_record(rec, rec.size() - 1);  // the second path cut
        CHECK(decode(rec) == DecodeStatus::BadLength);
    }
    SECTION("a name as long as its field, or one the record does not hold, is BadLength") {
        for (uint16_t len : {uint16_t(SYSCALL_NAME_LEN), uint16_t(0xffff)}) {
            Bytes rec = syscall_record(SYSCALL_MEMFD_CREATE, {0}, 3, "", "", nullptr, "x");
            patch<syscall_event>(rec, [&](syscall_event &e) { e.name_len = len; });
            resize_record(rec, offsetof(syscall_event, data) + len);
            CAPTURE(len);
            CHECK(decode(rec) == DecodeStatus::BadLength);
        }
        Bytes rec = syscall_record(SYSCALL_MOUNT, {0}, 0, "/dev/sda1", "/mnt", nullptr, "ext4");
        resize_record(rec, rec.size() - 1);  // the name cut
        CHECK(decode(rec) == DecodeStatus::BadLength);
        rec = syscall_record(SYSCALL_MOUNT, {0}, 0, "/dev/sda1", "/mnt", nullptr, "ext4");
        patch<syscall_event>(rec, [](syscall_event &e) { e.name_len = 0; });  // its bytes left over
        CHECK(decode(rec) == DecodeStatus::BadLength);
    }
    SECTION("a path as long as its field, or longer, is BadLength") {
        for (uint16_t len : {uint16_t(PATH_LEN), uint16_t(0xffff)}) {
            Bytes rec = syscall_record(SYSCALL_CHMOD, {0644}, 0, "/tmp/x");
            patch<syscall_event>(rec, [&](syscall_event &e) {
                e.path_len = len;
                e.path2_len = 0;
            });
            resize_record(rec, offsetof(syscall_event, data) + len);
            CAPTURE(len);
            CHECK(decode(rec) == DecodeStatus::BadLength);
        }
    }
}

// ---- connect results (EVENT_CONNECT_RESULT) -------------------------------------

TEST_CASE("decoder: a connect's outcome, with its 4-tuple", "[decoder][connect_result]") {
    Event ev;
    REQUIRE(decode(connect_result_record(CONNECT_OUTCOME_FAILED, -ECONNREFUSED, "10.0.0.2", 40000, "10.0.0.9", 22), ev) ==
            DecodeStatus::Ok);
    CHECK(ev.type == EventType::ConnectResult);
    CHECK(ev.outcome == crowsnest::ConnectOutcome::Failed);
    CHECK(ev.ret == -ECONNREFUSED);
    CHECK(crowsnest::ip_string(ev) == "10.0.0.9");
    CHECK(crowsnest::local_ip_string(ev) == "10.0.0.2");
    CHECK(ev.port == 22);
    CHECK(ev.local_port == 40000);
    CHECK(ev.protocol == IPPROTO_TCP);
    CHECK(ev.boot_ns - ev.connect_boot_ns == 1000);
    CHECK(ev.pid == 100);  // the connecting task's header
    CHECK(std::string(crowsnest::syscall_name(ev)) == "connect");
    CHECK(std::string(crowsnest::event_type_name(ev.type)) == "connect_result");
    CHECK(std::string(crowsnest::connect_outcome_name(ev.outcome)) == "failed");
    REQUIRE(decode(connect_result_record(CONNECT_OUTCOME_ESTABLISHED, 0, "fd00::2", 1, "fd00::1", 443), ev) ==
            DecodeStatus::Ok);
    CHECK(ev.outcome == crowsnest::ConnectOutcome::Established);
    CHECK(crowsnest::ip_string(ev) == "fd00::1");
    REQUIRE(decode(connect_result_record(CONNECT_OUTCOME_ABANDONED, 0, "10.0.0.2", 1, "10.0.0.9", 2), ev) ==
            DecodeStatus::Ok);
    CHECK(std::string(crowsnest::connect_outcome_name(ev.outcome)) == "abandoned");
}

TEST_CASE("decoder: malformed connect results", "[decoder][connect_result][malformed]") {
    const Bytes good = connect_result_record(CONNECT_OUTCOME_ESTABLISHED, 0, "10.0.0.2", 1, "10.0.0.9", 2);
    for (uint16_t outcome : {uint16_t(0), uint16_t(4), uint16_t(0xffff)}) {
        Bytes rec = good;
        patch<connect_result_event>(rec, [&](connect_result_event &e) { e.outcome = outcome; });
        CAPTURE(outcome);
        CHECK(decode(rec) == DecodeStatus::BadType);
    }
    Bytes rec = good;
    resize_record(rec, rec.size() - 1);
    CHECK(decode(rec) == DecodeStatus::TooShort);
    rec = good;
    resize_record(rec, rec.size() + 1);
    CHECK(decode(rec) == DecodeStatus::SizeMismatch);
}

TEST_CASE("decoder: status names", "[decoder]") {
    CHECK(std::string(crowsnest::decode_status_name(DecodeStatus::Ok)) == "ok");
    CHECK(std::string(crowsnest::decode_status_name(DecodeStatus::TooShort)) == "too_short");
    CHECK(std::string(crowsnest::decode_status_name(DecodeStatus::BadVersion)) == "bad_version");
    CHECK(std::string(crowsnest::decode_status_name(DecodeStatus::BadType)) == "bad_type");
    CHECK(std::string(crowsnest::decode_status_name(DecodeStatus::SizeMismatch)) == "size_mismatch");
    CHECK(std::string(crowsnest::decode_status_name(DecodeStatus::BadLength)) == "bad_length");
    CHECK(std::string(crowsnest::event_type_name(EventType::Connect)) == "connect");
}
