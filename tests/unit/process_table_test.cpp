// ProcessTable: seeded from a fake /proc in a temporary directory, fed by exec
// and exit events, bounded by its capacity; and seeded from the real /proc.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "event/event.h"
#include "util/path_util.h"
#include "enrich/process_table.h"
#include "test_util.h"

using crowsnest::Event;
using crowsnest::EventType;
using crowsnest::ProcessInfo;
using crowsnest::ProcessTable;
using crowsnest::test::make_symlink;
using crowsnest::test::TempDir;
using crowsnest::test::write_file;

namespace {

struct FakeProcess {
    uint32_t pid;
    uint32_t ppid;
    std::string comm;
    std::vector<std::string> args;
    std::string exe;  // "" for no exe link (a kernel thread)
};

// Writes <root>/<pid>/stat, cmdline and the exe symlink.
void add_process(const TempDir &root, const FakeProcess &p) {
    const std::string dir = root / std::to_string(p.pid);
    write_file(dir + "/stat", std::to_string(p.pid) + " (" + p.comm + ") S " + std::to_string(p.ppid) +
                                  " " + std::to_string(p.pid) + " 0 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 5\n");
    std::string cmdline;
    for (const auto &a : p.args) cmdline.append(a).push_back('\0');
    write_file(dir + "/cmdline", cmdline);
    if (!p.exe.empty()) make_symlink(p.exe, dir + "/exe");
}

Event exec_event(uint32_t pid, const std::string &filename, std::vector<std::string> argv, int64_t ret = 0,
                 int32_t dirfd = AT_FDCWD) {
    Event e;
    e.type = EventType::Exec;
    e.pid = e.tid = pid;
    e.ppid = 1;
    e.comm = argv.empty() ? "?" : std::string(crowsnest::base_name(argv[0])).substr(0, 15);
    e.filename = filename;
    e.argv = std::move(argv);
    e.ret = ret;
    e.dirfd = dirfd;
    return e;
}

const FakeProcess kPython{4242, 77, "my (weird) comm", {"python3", "-m", "http.server"}, "/usr/bin/python3.11"};
const FakeProcess kShell{77, 1, "bash", {"-bash"}, "/usr/bin/bash"};

// A pid no process can have: above the kernel's pid_max.
uint32_t dead_pid(uint32_t n) {
    std::ifstream in("/proc/sys/kernel/pid_max");
    uint32_t pid_max = 4194304;
    in >> pid_max;
    return pid_max + 1 + n;
}

// A child that sleeps until the test kills it: a pid that is surely alive.
class LiveChild {
public:
    LiveChild() : pid_(fork()) {
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            pause();
            _exit(0);
        }
    }
    ~LiveChild() {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
    uint32_t pid() const { return uint32_t(pid_); }

private:
    pid_t pid_;
};

}  // namespace

TEST_CASE("process_table: seed reads every process of the proc root", "[process_table]") {
    TempDir root;
    add_process(root, kPython);
    add_process(root, kShell);
    write_file(root / "self/stat", "1 (x) S 0\n");             // not a pid
    write_file(root / "net/dev", "");                          // not a pid
    std::filesystem::create_directories(root / "555");        // no stat: skipped
    write_file(root / "556/stat", "556 no parentheses S 1\n");  // unreadable stat: skipped

    ProcessTable t(root.path());
    CHECK(t.seed() == 2);
    CHECK(t.size() == 2);
}

TEST_CASE("process_table: find after seed (comm with spaces and parentheses)", "[process_table]") {
    TempDir root;
    add_process(root, kPython);
    ProcessTable t(root.path());
    REQUIRE(t.seed() == 1);

    const ProcessInfo *p = t.find(kPython.pid);
    REQUIRE(p != nullptr);
    CHECK(p->pid == kPython.pid);
    CHECK(p->ppid == 77);
    CHECK(p->comm == "my (weird) comm");
    CHECK(p->exe == "/usr/bin/python3.11");
    CHECK(p->args == kPython.args);
}

TEST_CASE("process_table: stat parsing uses the last ')'", "[process_table]") {
    TempDir root;
    add_process(root, {10, 9, "a) S 2", {"a"}, "/bin/a"});
    add_process(root, {11, 9, ")", {"b"}, "/bin/b"});
    add_process(root, {12, 9, "", {"c"}, "/bin/c"});
    ProcessTable t(root.path());
    REQUIRE(t.seed() == 3);
    for (auto [pid, comm] : {std::pair<uint32_t, std::string>{10, "a) S 2"}, {11, ")"}, {12, ""}}) {
        CAPTURE(pid);
        const ProcessInfo *p = t.find(pid);
        REQUIRE(p != nullptr);
        CHECK(p->comm == comm);
        CHECK(p->ppid == 9);
    }
}

TEST_CASE("process_table: cmdline shapes", "[process_table]") {
    TempDir root;
    add_process(root, {20, 1, "kthreadd", {}, ""});  // kernel thread: no cmdline, no exe
    add_process(root, {21, 1, "sh", {"sh", "", "-c", "echo hi"}, "/bin/sh"});
    write_file(root / "22/stat", "22 (setproctitle) S 1 22\n");
    write_file(root / "22/cmdline", "nginx: worker process");  // no NUL at the end
    ProcessTable t(root.path());

    const ProcessInfo *k = t.find(20);
    REQUIRE(k != nullptr);
    CHECK(k->args.empty());
    CHECK(k->exe.empty());

    const ProcessInfo *sh = t.find(21);
    REQUIRE(sh != nullptr);
    CHECK(sh->args == std::vector<std::string>{"sh", "", "-c", "echo hi"});

    const ProcessInfo *n = t.find(22);
    REQUIRE(n != nullptr);
    CHECK(n->args == std::vector<std::string>{"nginx: worker process"});
}

TEST_CASE("process_table: find misses and fills from the proc root", "[process_table]") {
    TempDir root;
    add_process(root, kShell);
    ProcessTable t(root.path());
    CHECK(t.size() == 0);
    CHECK(t.find(999) == nullptr);  // in neither the table nor the proc root
    CHECK(t.size() == 0);

    const ProcessInfo *p = t.find(kShell.pid);  // not seeded: read on demand
    REQUIRE(p != nullptr);
    CHECK(p->comm == "bash");
    CHECK(t.size() == 1);

    ProcessTable missing_root(root / "does-not-exist");
    CHECK(missing_root.seed() == 0);
    CHECK(missing_root.find(kShell.pid) == nullptr);
}

TEST_CASE("process_table: a pid found gone is not read again until prune or its exec", "[process_table]") {
    TempDir root;
    ProcessTable t(root.path());
    CHECK(t.find(kShell.pid) == nullptr);  // gone: remembered
    add_process(root, kShell);
    CHECK(t.find(kShell.pid) == nullptr);  // not read again: a burst of a dead process's events costs no reads
    t.prune();                             // the upkeep forgets what was gone
    const ProcessInfo *p = t.find(kShell.pid);
    REQUIRE(p != nullptr);
    CHECK(p->comm == "bash");

    CHECK(t.find(kPython.pid) == nullptr);
    t.on_exec(exec_event(kPython.pid, "/usr/bin/python3", {"python3"}));  // an exec of that pid: it runs again
    p = t.find(kPython.pid);
    REQUIRE(p != nullptr);
    CHECK(p->comm == "python3");
}

TEST_CASE("process_table: on_exec with an absolute filename normalises it", "[process_table]") {
    TempDir root;
    ProcessTable t(root.path());
    Event e = exec_event(300, "/usr/bin/../bin//./nmap", {"nmap", "-sS", "10.0.0.0/24"});
    e.ppid = 299;
    t.on_exec(e);

    const ProcessInfo *p = t.find(300);
    REQUIRE(p != nullptr);
    CHECK(p->pid == 300);
    CHECK(p->ppid == 299);
    CHECK(p->comm == "nmap");
    CHECK(p->exe == "/usr/bin/nmap");
    CHECK(p->args == std::vector<std::string>{"nmap", "-sS", "10.0.0.0/24"});
}

TEST_CASE("process_table: on_exec with a relative filename", "[process_table]") {
    TempDir root;
    ProcessTable t(root.path());

    SECTION("joined to the base directory the kernel side read (cwd or dirfd)") {
        Event e = exec_event(400, "./bin/../worker", {"worker"});
        e.base_dir = "/srv/app";
        t.on_exec(e);
        REQUIRE(t.find(400) != nullptr);
        CHECK(t.find(400)->exe == "/srv/app/worker");
    }
    SECTION("no base directory (the kernel could not read it): kept as given") {
        t.on_exec(exec_event(401, "tool", {"tool"}));
        REQUIRE(t.find(401) != nullptr);
        CHECK(t.find(401)->exe == "tool");
    }
}

TEST_CASE("process_table: on_exec with an empty filename reads the exe link", "[process_table]") {
    TempDir root;
    make_symlink("/memfd:payload (deleted)", root / "500/exe");
    ProcessTable t(root.path());
    t.on_exec(exec_event(500, "", {"payload"}));
    REQUIRE(t.find(500) != nullptr);
    CHECK(t.find(500)->exe == "/memfd:payload (deleted)");
}

TEST_CASE("process_table: a failed exec changes nothing", "[process_table]") {
    TempDir root;
    ProcessTable t(root.path());
    t.on_exec(exec_event(600, "/bin/sh", {"sh"}));
    REQUIRE(t.size() == 1);

    t.on_exec(exec_event(600, "/tmp/xmrig", {"xmrig"}, -ENOENT));
    t.on_exec(exec_event(601, "/tmp/xmrig", {"xmrig"}, -EACCES));
    CHECK(t.size() == 1);
    REQUIRE(t.find(600) != nullptr);
    CHECK(t.find(600)->exe == "/bin/sh");
    CHECK(t.find(600)->args == std::vector<std::string>{"sh"});
    CHECK(t.find(601) == nullptr);
}

TEST_CASE("process_table: a second exec replaces the image", "[process_table]") {
    TempDir root;
    ProcessTable t(root.path());
    t.on_exec(exec_event(700, "/bin/sh", {"sh", "-c", "exec sleep 1"}));
    t.on_exec(exec_event(700, "/bin/sleep", {"sleep", "1"}));
    REQUIRE(t.find(700) != nullptr);
    CHECK(t.find(700)->exe == "/bin/sleep");
    CHECK(t.find(700)->args == std::vector<std::string>{"sleep", "1"});
    CHECK(t.find(700)->comm == "sleep");
    CHECK(t.size() == 1);
}

TEST_CASE("process_table: on_exit forgets the process", "[process_table]") {
    TempDir root;
    ProcessTable t(root.path());
    t.on_exec(exec_event(800, "/bin/sh", {"sh"}));
    t.on_exec(exec_event(801, "/bin/sh", {"sh"}));
    t.on_exit(800);
    CHECK(t.size() == 1);
    CHECK(t.find(800) == nullptr);
    CHECK(t.find(801) != nullptr);
    t.on_exit(12345);  // unknown: nothing happens
    CHECK(t.size() == 1);
}

TEST_CASE("process_table: capacity drops processes that no longer run first", "[process_table]") {
    TempDir root;
    ProcessTable t(root.path(), 3);
    for (uint32_t i = 0; i < 3; i++) t.on_exec(exec_event(dead_pid(i), "/bin/dead", {"dead"}));
    REQUIRE(t.size() == 3);

    const auto self = uint32_t(getpid());
    t.on_exec(exec_event(self, "/bin/alive", {"alive"}));
    CHECK(t.size() == 4);  // nothing is dropped while events are handled
    t.prune();
    CHECK(t.size() == 1);
    REQUIRE(t.find(self) != nullptr);
    CHECK(t.find(self)->exe == "/bin/alive");
    for (uint32_t i = 0; i < 3; i++) CHECK(t.find(dead_pid(i)) == nullptr);
}

TEST_CASE("process_table: capacity still full of live processes forgets some", "[process_table]") {
    TempDir root;
    LiveChild a, b, c;
    const std::vector<uint32_t> live = {uint32_t(getpid()), a.pid(), b.pid()};
    ProcessTable t(root.path(), 3);
    for (uint32_t pid : live) t.on_exec(exec_event(pid, "/bin/live", {"live"}));
    REQUIRE(t.size() == 3);

    t.on_exec(exec_event(c.pid(), "/bin/newest", {"newest"}));
    const ProcessInfo *newest = t.find(c.pid());
    for (uint32_t pid : live) CHECK(t.find(pid) != nullptr);  // pointers stay valid until prune()
    CHECK(newest->exe == "/bin/newest");
    t.prune();
    CHECK(t.size() <= 3 / 2 + 1);  // all four run: an arbitrary half is forgotten
    size_t kept = 0;
    for (uint32_t pid : {live[0], live[1], live[2], uint32_t(c.pid())})
        kept += t.find(pid) != nullptr;  // the fake root cannot refill them
    CHECK(kept == t.size());
}

TEST_CASE("process_table: seed on the real /proc finds this process", "[process_table]") {
    ProcessTable t;
    CHECK(t.seed() > 0);
    const ProcessInfo *self = t.find(uint32_t(getpid()));
    REQUIRE(self != nullptr);
    CHECK(self->pid == uint32_t(getpid()));
    CHECK(self->ppid == uint32_t(getppid()));
    CHECK(self->exe == crowsnest::read_link("/proc/self/exe"));
    REQUIRE_FALSE(self->args.empty());
    CHECK_THAT(self->args[0], Catch::Contains("unit_tests"));
    CHECK(self->comm == "unit_tests");
}
