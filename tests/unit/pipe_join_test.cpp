// PipeJoin: the two ends of a pipe joined between processes, whichever
// execs first; connects and accepts counted; entries gone at exit or upkeep; bounded.
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "enrich/pipe_join.h"
#include "util/path_util.h"

using crowsnest::Event;
using crowsnest::EventContext;
using crowsnest::EventType;
using crowsnest::PipeJoin;
using crowsnest::PipePeer;
using crowsnest::ProcessInfo;
using crowsnest::StdioFd;
using crowsnest::StdioKind;

namespace {

constexpr uint64_t kPipeDev = 13;  // pipefs

StdioFd pipe_fd(uint64_t ino, uint64_t dev = kPipeDev) {
    StdioFd fd;
    fd.kind = StdioKind::Pipe;
    fd.ino = ino;
    fd.dev = dev;
    return fd;
}

StdioFd tty() {
    StdioFd fd;
    fd.kind = StdioKind::CharDevice;
    fd.ino = 3;
    return fd;
}

// Feeds the join one event the way the engine does, keeping what it saw.
struct Feed {
    PipeJoin join;
    Event event;
    ProcessInfo process;
    EventContext ctx;

    explicit Feed(size_t capacity = 16384) : join(capacity) {}

    EventContext &exec(uint32_t pid, const std::string &exe, std::vector<std::string> argv, const StdioFd &in,
                       const StdioFd &out, std::string comm = "") {
        event = Event{};
        event.type = EventType::Exec;
        event.pid = event.tid = pid;
        event.filename = exe;
        event.has_stdio = true;
        event.stdio = {in, out, tty()};
        event.comm = comm.empty() ? std::string(crowsnest::base_name(exe)) : comm;
        process = {pid, 1, event.comm, exe, std::move(argv)};
        event.argv = process.args;
        return run();
    }
    EventContext &connect(uint32_t pid, uint16_t family = AF_INET, int64_t ret = 0) {
        event = Event{};
        event.type = EventType::Connect;
        event.pid = event.tid = pid;
        event.family = family;
        event.ret = ret;
        return run();
    }
    // an accepted inbound connection (EventType::Syscall) of `family`
    EventContext &accept(uint32_t pid, uint16_t family = AF_INET, crowsnest::Syscall call = crowsnest::Syscall::Accept) {
        event = Event{};
        event.type = EventType::Syscall;
        event.syscall = call;
        event.pid = event.tid = pid;
        event.family = family;
        event.has_socket = true;
        event.ret = 5;
        return run();
    }
    EventContext &other(uint32_t pid, EventType type) {
        event = Event{};
        event.type = type;
        event.pid = event.tid = pid;
        return run();
    }
    EventContext &run() {
        ctx = EventContext{};
        ctx.event = &event;
        ctx.process = &process;
        join.join(ctx);
        return ctx;
    }
};

std::vector<uint32_t> pids(const std::vector<const PipePeer *> &peers) {
    std::vector<uint32_t> out;
    for (const PipePeer *p : peers) out.push_back(p->pid);
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST_CASE("pipe join: the writer execs first, then the reader", "[pipe_join]") {
    Feed f;
    auto &curl = f.exec(100, "/usr/bin/curl", {"curl", "-s", "http://example.test/x.sh"}, tty(), pipe_fd(7));
    REQUIRE(curl.pipe_self != nullptr);
    CHECK(curl.stdout_readers.empty());
    CHECK(f.connect(100).pipe_self->connects == 1);
    auto &sh = f.exec(101, "/bin/sh", {"sh"}, pipe_fd(7), tty());
    REQUIRE(pids(sh.stdin_writers) == std::vector<uint32_t>{100});
    const PipePeer &w = *sh.stdin_writers[0];
    CHECK(w.names == std::array<std::string, 3>{"curl", "curl", "curl"});
    CHECK(w.exe == "/usr/bin/curl");
    CHECK(w.args == "-s http://example.test/x.sh");
    CHECK(w.connects == 1);
    CHECK(sh.stdout_readers.empty());
    CHECK(sh.pipe_self->connects == 0);
}

TEST_CASE("pipe join: the reader execs first, then the writer, which connects later", "[pipe_join]") {
    Feed f;
    f.exec(201, "/bin/bash", {"bash", "-s", "--", "-y"}, pipe_fd(8), tty());
    auto &py = f.exec(200, "/usr/bin/python3", {"python3", "-c", "import urllib.request"}, tty(), pipe_fd(8));
    REQUIRE(pids(py.stdout_readers) == std::vector<uint32_t>{201});
    CHECK(py.stdout_readers[0]->args == "-s -- -y");
    CHECK(py.pipe_self->connects == 0);
    // refused or in progress, IPv4 or IPv6, loopback or not: an attempt counts
    CHECK(f.connect(200, AF_INET6, -111).pipe_self->connects == 1);
    auto &again = f.connect(200, AF_INET, -115);
    CHECK(again.pipe_self->connects == 2);
    CHECK(pids(again.stdout_readers) == std::vector<uint32_t>{201});
    // a unix socket is no download
    CHECK(f.connect(200, AF_UNIX).pipe_self->connects == 2);
}

TEST_CASE("pipe join: a listener's accepts are counted apart from its connects, and name its reader", "[pipe_join]") {
    Feed f;
    f.exec(301, "/bin/sh", {"sh"}, pipe_fd(9), tty());
    auto &nc = f.exec(300, "/tmp/kworker", {"kworker", "-l", "-p", "4444"}, tty(), pipe_fd(9));
    CHECK(nc.pipe_self->accepts == 0);
    auto &first = f.accept(300);
    REQUIRE(first.pipe_self != nullptr);
    CHECK(first.pipe_self->accepts == 1);
    CHECK(first.pipe_self->connects == 0);
    CHECK(pids(first.stdout_readers) == std::vector<uint32_t>{301});
    CHECK(f.accept(300, AF_INET6, crowsnest::Syscall::Accept4).pipe_self->accepts == 2);
    CHECK(f.connect(300).pipe_self->accepts == 2);
    // the shell that starts now sees a writer that accepted
    auto &late = f.exec(302, "/bin/sh", {"sh"}, pipe_fd(9), tty());
    REQUIRE(late.stdin_writers.size() == 1);
    CHECK(late.stdin_writers[0]->accepts == 2);
    // other calls are not joined, a socket call neither
    CHECK(f.other(300, EventType::Syscall).pipe_self == nullptr);
}

TEST_CASE("pipe join: FIFOs of different filesystems and unpiped processes are not joined", "[pipe_join]") {
    Feed f;
    f.exec(300, "/usr/bin/wget", {"wget", "-O-", "http://x"}, tty(), pipe_fd(9, 64769));
    CHECK(f.exec(301, "/bin/sh", {"sh"}, pipe_fd(9, 2049), tty()).stdin_writers.empty());
    CHECK(f.exec(302, "/bin/sh", {"sh"}, tty(), tty()).pipe_self == nullptr);
    CHECK(f.join.size() == 2);
    CHECK(f.connect(302).pipe_self == nullptr);  // not tracked
    CHECK(f.other(300, EventType::Open).pipe_self == nullptr);  // only execs and connects are joined
}

TEST_CASE("pipe join: busybox applets and renamed programs go by all their names", "[pipe_join]") {
    Feed f;
    // busybox re-run through /proc/self/exe: comm "exe", argv[0] the applet
    f.exec(400, "/bin/busybox", {"wget", "-O", "-", "http://127.0.0.1:8080/x"}, tty(), pipe_fd(10), "exe");
    // a copy of busybox under another name, started with argv[0] "wget"
    f.exec(401, "/tmp/getter", {"wget", "-qO-", "http://127.0.0.1:8080/y"}, tty(), pipe_fd(10));
    auto &sh = f.exec(402, "/bin/sh", {"sh"}, pipe_fd(10), tty());
    REQUIRE(sh.stdin_writers.size() == 2);
    std::vector<std::string> names;
    for (const PipePeer *p : sh.stdin_writers) names.insert(names.end(), p->names.begin(), p->names.end());
    std::sort(names.begin(), names.end());
    CHECK(names == std::vector<std::string>{"busybox", "exe", "getter", "getter", "wget", "wget"});
}

TEST_CASE("pipe join: an exec replaces the entry, an exit removes readers and keeps writers until upkeep",
          "[pipe_join]") {
    Feed f;
    f.exec(500, "/usr/bin/curl", {"curl", "http://x"}, tty(), pipe_fd(11));
    f.connect(500);
    f.exec(501, "/bin/sh", {"sh"}, pipe_fd(11), tty());
    // the writer's output fits in the pipe: it ends before a second reader execs
    f.join.on_exit(500);
    auto &late = f.exec(502, "/bin/sh", {"sh"}, pipe_fd(11), tty());
    REQUIRE(pids(late.stdin_writers) == std::vector<uint32_t>{500});
    CHECK(late.stdin_writers[0]->ended);
    // an ended reader runs nothing more: a writer no longer sees it
    f.join.on_exit(501);
    CHECK(f.join.size() == 2);
    CHECK(pids(f.exec(503, "/usr/bin/wget", {"wget", "-O-", "http://x"}, tty(), pipe_fd(11)).stdout_readers) ==
          std::vector<uint32_t>{502});
    f.join.prune();  // the ended writer stays one more upkeep, then goes
    CHECK(pids(f.exec(504, "/bin/sh", {"sh"}, pipe_fd(11), tty()).stdin_writers) == std::vector<uint32_t>{500, 503});
    f.join.prune();
    CHECK(pids(f.exec(504, "/bin/sh", {"sh"}, pipe_fd(11), tty()).stdin_writers) == std::vector<uint32_t>{503});
    // a new program in the same process starts with no connects and its own pipes
    auto &reexec = f.exec(503, "/bin/cat", {"cat"}, tty(), pipe_fd(12));
    CHECK(reexec.pipe_self->connects == 0);
    CHECK(f.exec(505, "/bin/sh", {"sh"}, pipe_fd(11), tty()).stdin_writers.empty());
    CHECK(f.exec(503, "/bin/true", {"true"}, tty(), tty()).pipe_self == nullptr);
    // a failed exec changes nothing, and joins nothing
    f.exec(504, "/bin/sh", {"sh"}, pipe_fd(11), tty());
    f.event.ret = -2;
    f.event.stdio = {tty(), tty(), tty()};
    CHECK(f.run().pipe_self == nullptr);
    CHECK(pids(f.exec(506, "/usr/bin/curl", {"curl", "http://x"}, tty(), pipe_fd(11)).stdout_readers) ==
          std::vector<uint32_t>{502, 504, 505});
}

TEST_CASE("pipe join: bounded by its capacity, evictions counted, peers capped", "[pipe_join]") {
    Feed f(4);
    for (uint32_t pid = 1; pid <= 10; pid++) f.exec(pid, "/bin/cat", {"cat"}, tty(), pipe_fd(20));
    CHECK(f.join.size() == 4);
    CHECK(f.join.evictions() == 6);
    Feed many;
    for (uint32_t pid = 1; pid <= 20; pid++) many.exec(pid, "/bin/cat", {"cat"}, tty(), pipe_fd(21));
    CHECK(many.exec(99, "/bin/sh", {"sh"}, pipe_fd(21), tty()).stdin_writers.size() == PipeJoin::kMaxPeers);
    // hostile arguments and argv[0] are cut
    const std::string huge(100000, 'A');
    const PipePeer &cut = *many.exec(98, "/bin/cat", {huge, huge, huge}, tty(), pipe_fd(22)).pipe_self;
    CHECK(cut.args.size() == crowsnest::kMaxPipePeerText);
    CHECK(cut.names[1].size() == crowsnest::kMaxPipePeerText);
}
