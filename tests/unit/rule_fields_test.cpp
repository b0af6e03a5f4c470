// rule_fields: every field's value on the events that set it (rendered as
// text the way output templates show them), and OutputTemplate.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include "rules/output_template.h"
#include "enrich/process_table.h"
#include "test_context.h"

using crowsnest::field_table;
using crowsnest::FieldReader;
using crowsnest::find_field;
using crowsnest::OutputTemplate;
using crowsnest::Syscall;
using crowsnest::test::connect_inet_scene;
using crowsnest::test::connect_unix_scene;
using crowsnest::test::exec_scene;
using crowsnest::test::kContainerId;
using crowsnest::test::open_scene;
using crowsnest::test::Scene;
using crowsnest::test::socket_scene;

namespace {

// The template rendered for the scene; unknown fields are a test error.
std::string render(const std::string &text, const Scene &s) {
    OutputTemplate t;
    std::vector<std::string> unknown;
    t.parse(text, unknown);
    INFO(text);
    CHECK(unknown.empty());
    FieldReader reader;
    const auto ctx = s.ctx();
    reader.reset(ctx);
    return t.render(reader);
}

std::string value(const Scene &s, const std::string &field) { return render("%" + field, s); }

}  // namespace

TEST_CASE("fields: every field is documented, names are unique", "[fields]") {
    REQUIRE(field_table().size() >= 40);
    for (const auto &f : field_table()) {
        INFO(f.name);
        CHECK(!f.doc.empty());
        CHECK(find_field(f.name) == &f);
        CHECK(f.events != 0);
    }
    CHECK(find_field("proc.nam") == nullptr);
    CHECK(find_field("") == nullptr);
}

TEST_CASE("fields: rules/README.md documents every field", "[fields]") {
    std::ifstream in(CROWSNEST_SOURCE_DIR "/rules/README.md");
    std::stringstream doc;
    doc << in.rdbuf();
    REQUIRE(!doc.str().empty());
    for (const auto &f : field_table()) {
        const std::string arg = f.arg == crowsnest::FieldInfo::Arg::Index  ? "[N]"
                              : f.arg == crowsnest::FieldInfo::Arg::Text ? "[ARG]"
                                                                           : "";
        INFO(f.name);
        CHECK(doc.str().find("| `" + std::string(f.name) + arg + "` |") != std::string::npos);
    }
}

TEST_CASE("fields: process, user and container fields of an exec", "[fields]") {
    Scene s = exec_scene("/usr/bin/../bin/nmap", {"nmap", "-sS", "10.0.0.0/24", "--min-rate=100"});
    s.event.uid = 1000;
    s.event.gid = 1001;
    s.cgroup.container.pod_uid = "6de31acc-3b6d-4fe3-bd53-2cc9ddcd1b0e";
    CHECK(value(s, "evt.type") == "execve");
    CHECK(value(s, "evt.dir") == "<");
    CHECK(value(s, "evt.res") == "SUCCESS");
    CHECK(value(s, "evt.rawres") == "0");
    CHECK(value(s, "evt.failed") == "false");
    CHECK(value(s, "evt.syscall") == "execve");
    CHECK(value(s, "proc.name") == "nmap");
    CHECK(value(s, "proc.exe") == "nmap");
    CHECK(value(s, "proc.exepath") == "/usr/bin/nmap");
    CHECK(value(s, "proc.names") == "nmap nmap nmap");
    CHECK(value(s, "proc.cmdline") == "nmap -sS 10.0.0.0/24 --min-rate=100");
    CHECK(value(s, "proc.args") == "-sS 10.0.0.0/24 --min-rate=100");
    CHECK(value(s, "proc.argv") == "-sS 10.0.0.0/24 --min-rate=100");
    CHECK(value(s, "proc.argopts") == "-sS --min-rate");
    CHECK(value(s, "proc.optval[--min-rate]") == "100");
    CHECK(value(s, "proc.optval[-s]") == "S");
    CHECK(value(s, "proc.optval[--max-rate]") == "<NA>");
    CHECK(value(s, "proc.pid") == "4321");
    CHECK(value(s, "proc.ppid") == "4300");
    CHECK(value(s, "proc.pname") == "sh");
    CHECK(value(s, "proc.pexe") == "sh");
    CHECK(value(s, "proc.pexepath") == "/bin/sh");
    CHECK(value(s, "proc.pcmdline") == "sh -c entrypoint");
    CHECK(value(s, "proc.aname[1]") == "sh");
    CHECK(value(s, "proc.aname") == "sh");  // in an output: the parent
    CHECK(value(s, "proc.aname[2]") == "<NA>");  // no process table in this scene
    CHECK(value(s, "proc.is_exe_upper_layer") == "false");
    CHECK(value(s, "proc.in_host_pidns") == "false");
    CHECK(value(s, "user.uid") == "1000");
    CHECK(value(s, "user.gid") == "1001");
    CHECK(value(s, "cgroup.id") == "9876");
    CHECK(value(s, "container.id") == kContainerId);
    CHECK(value(s, "container.runtime") == "docker");
    CHECK(value(s, "k8s.pod.uid") == "6de31acc-3b6d-4fe3-bd53-2cc9ddcd1b0e");
    for (const char *unset : {"fd.name", "fd.sip", "fd.sport", "fd.num", "host.path", "evt.arg.flags",
                              "evt.is_open_write", "fd.unix_path"})
        CHECK(value(s, unset) == "<NA>");
}

TEST_CASE("fields: a failed exec, execveat, a host process and missing context", "[fields]") {
    Scene s = exec_scene("/nope", {"nope"}, -2);
    CHECK(value(s, "evt.res") == "ENOENT");
    CHECK(value(s, "evt.rawres") == "-2");
    CHECK(value(s, "evt.failed") == "true");
    s.event.syscall = Syscall::Execveat;
    CHECK(value(s, "evt.type") == "execveat");
    CHECK(value(s, "container.id") == kContainerId);
    s.on_host();
    CHECK(value(s, "container.id") == "host");  // Falco's value outside containers
    CHECK(value(s, "container.runtime") == "");
    s.has_process = s.has_parent = s.has_cgroup = false;
    CHECK(value(s, "proc.exepath") == "/nope");  // the exec's own file name
    CHECK(value(s, "proc.cmdline") == "nope");   // the comm alone
    CHECK(value(s, "proc.pname") == "<NA>");
    CHECK(value(s, "container.id") == "host");
}

TEST_CASE("fields: proc.names holds every name a process goes by", "[fields]") {
    // busybox's shell runs an applet as /proc/self/exe with argv[0] "nc": its comm is "exe"
    Scene applet = exec_scene("/proc/self/exe", {"nc", "-z", "db", "5432"});
    applet.event.comm = "exe";
    applet.process.exe = "/bin/busybox";
    CHECK(value(applet, "proc.names") == "exe nc busybox");
    // exec -a: argv[0] is not the file
    Scene renamed = exec_scene("/tmp/xmrig", {"[kworker]"});
    CHECK(value(renamed, "proc.names") == "xmrig [kworker] xmrig");
    // the multi-call form names its applet by its first argument
    CHECK(value(exec_scene("/bin/busybox", {"busybox", "killall", "-9", "falco"}), "proc.names") ==
          "busybox busybox killall busybox");
    CHECK(value(exec_scene("/bin/toybox", {"/bin/toybox", "nc", "-l"}), "proc.names") == "toybox toybox nc toybox");
    CHECK(value(exec_scene("/bin/busybox", {"busybox", "--list"}), "proc.names") == "busybox busybox busybox");
    CHECK(value(exec_scene("/bin/busybox", {"busybox"}), "proc.names") == "busybox busybox busybox");
}

TEST_CASE("fields: ancestors come from the process table", "[fields]") {
    crowsnest::ProcessTable table("/nonexistent");
    crowsnest::test::add_process(table, 100, 1, "containerd-shim", "/usr/bin/containerd-shim-runc-v2");
    crowsnest::test::add_process(table, 200, 100, "bash", "/bin/bash");
    crowsnest::test::add_process(table, 4300, 200, "sh", "/bin/sh");
    Scene s = exec_scene("/usr/bin/curl", {"curl"});
    s.parent = *table.find(4300);
    auto ctx = s.ctx();
    ctx.processes = &table;
    FieldReader reader;
    reader.reset(ctx);
    OutputTemplate t;
    std::vector<std::string> unknown;
    t.parse("%proc.aname[1] %proc.aname[2] %proc.aname[3] %proc.aname[4]", unknown);
    CHECK(t.render(reader) == "sh bash containerd-shim <NA>");
}

TEST_CASE("fields: connect destinations", "[fields]") {
    const Scene v4 = connect_inet_scene("10.1.2.3", 3333, -115);
    CHECK(value(v4, "evt.type") == "connect");
    CHECK(value(v4, "evt.res") == "EINPROGRESS");
    CHECK(value(v4, "fd.name") == "10.1.2.3:3333");
    CHECK(value(v4, "fd.sip") == "10.1.2.3");
    CHECK(value(v4, "fd.snet") == "10.1.2.3");
    CHECK(value(v4, "fd.sport") == "3333");
    CHECK(value(v4, "fd.num") == "3");
    CHECK(value(v4, "fd.typechar") == "4");
    CHECK(value(v4, "fd.sockfamily") == "ip");
    CHECK(value(v4, "fd.unix_path") == "<NA>");
    CHECK(value(v4, "fd.directory") == "<NA>");

    const Scene v6 = connect_inet_scene("2001:db8::1", 443);
    CHECK(value(v6, "fd.name") == "[2001:db8::1]:443");
    CHECK(value(v6, "fd.sip") == "2001:db8::1");
    CHECK(value(v6, "fd.typechar") == "6");

    const Scene unix_path = connect_unix_scene("/var/run/docker.sock");
    CHECK(value(unix_path, "fd.name") == "/var/run/docker.sock");
    CHECK(value(unix_path, "fd.unix_path") == "/var/run/docker.sock");
    CHECK(value(unix_path, "fd.sockfamily") == "unix");
    CHECK(value(unix_path, "fd.typechar") == "u");
    CHECK(value(unix_path, "fd.sport") == "<NA>");
    CHECK(value(unix_path, "fd.sip") == "<NA>");

    const Scene abstract = connect_unix_scene(std::string("dbus\0x", 6), true);
    CHECK(value(abstract, "fd.name") == "@dbus@x");
    CHECK(value(abstract, "fd.unix_path") == "@dbus@x");
}

TEST_CASE("fields: an accepted connection and a listen, rendered as Falco reads their ends", "[fields]") {
    const Scene accepted =
        socket_scene(Syscall::Accept4, {3, 0}, 5, "10.0.0.2", 4444, "10.9.8.7", 51000, IPPROTO_TCP);
    CHECK(value(accepted, "evt.type") == "accept4");
    CHECK(value(accepted, "fd.name") == "10.9.8.7:51000->10.0.0.2:4444");
    CHECK(value(accepted, "fd.sip") == "10.0.0.2");  // the server: the local end
    CHECK(value(accepted, "fd.snet") == "10.0.0.2");
    CHECK(value(accepted, "fd.ip") == "10.0.0.2");
    CHECK(value(accepted, "fd.sport") == "4444");
    CHECK(value(accepted, "fd.cip") == "10.9.8.7");  // the client: the remote end
    CHECK(value(accepted, "fd.cport") == "51000");
    CHECK(value(accepted, "fd.rip") == "10.9.8.7");
    CHECK(value(accepted, "fd.rnet") == "10.9.8.7");
    CHECK(value(accepted, "fd.rport") == "51000");
    CHECK(value(accepted, "fd.lip") == "10.0.0.2");
    CHECK(value(accepted, "fd.lnet") == "10.0.0.2");
    CHECK(value(accepted, "fd.lport") == "4444");
    CHECK(value(accepted, "fd.num") == "5");
    CHECK(value(accepted, "evt.args") == "fd=5 tuple=10.9.8.7:51000->10.0.0.2:4444 flags=0");

    const Scene listening = socket_scene(Syscall::Listen, {3, 511}, 0, "::", 8443, "::", 0, IPPROTO_TCP);
    CHECK(value(listening, "fd.name") == "[::]:8443");
    CHECK(value(listening, "fd.sip") == "::");
    CHECK(value(listening, "fd.sport") == "8443");
    CHECK(value(listening, "fd.cip") == "<NA>");
    CHECK(value(listening, "fd.typechar") == "6");
    CHECK(value(listening, "evt.arg.backlog") == "511");

    const Scene v4 = connect_inet_scene("10.1.2.3", 3333);  // a connect carries no local address
    CHECK(value(v4, "fd.lip") == "<NA>");
    CHECK(value(v4, "fd.cip") == "<NA>");
    CHECK(value(v4, "fd.rip") == "10.1.2.3");
}

TEST_CASE("fields: the new program's stdin, stdout and stderr at exec", "[fields][stdio]") {
    using crowsnest::StdioKind;
    Scene s = exec_scene("/bin/sh", {"sh", "-i"});
    // before the kernel side read them (a failed exec, an event built by hand): unset
    for (const char *unset : {"proc.stdin.type", "proc.stdout.is_stdin", "proc.stderr.ino"})
        CHECK(value(s, unset) == "<NA>");
    s.event.has_stdio = true;
    auto &in = s.event.stdio[0], &out = s.event.stdio[1], &err = s.event.stdio[2];
    in.kind = StdioKind::Socket;
    in.family = AF_INET6;
    in.protocol = IPPROTO_TCP;
    in.ino = 5001;
    in.local_port = 40000;
    in.remote_port = 4444;
    in.local_addr = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
    in.remote_addr = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9};
    out = in;
    err.kind = StdioKind::Pipe;
    err.ino = 777;
    CHECK(value(s, "proc.stdin.type") == "ipv6");
    CHECK(value(s, "proc.stdin.ino") == "5001");
    CHECK(value(s, "proc.stdin.lip") == "fd00::2");
    CHECK(value(s, "proc.stdin.lport") == "40000");
    CHECK(value(s, "proc.stdin.rip") == "fd00::9");
    CHECK(value(s, "proc.stdin.rport") == "4444");
    CHECK(value(s, "proc.stdin.l4proto") == "tcp");
    CHECK(value(s, "proc.stdout.is_stdin") == "true");
    CHECK(value(s, "proc.stdin.pipe") == "<NA>");  // a socket is no pipe
    CHECK(value(s, "proc.stderr.type") == "pipe");
    CHECK(value(s, "proc.stderr.pipe") == "777");
    CHECK(value(s, "proc.stderr.is_stdin") == "false");
    for (const char *unset : {"proc.stderr.rip", "proc.stderr.lport", "proc.stderr.l4proto"})
        CHECK(value(s, unset) == "<NA>");
    // IPv4, a unix socket, a closed fd
    in.family = AF_INET;
    in.remote_addr = {127, 0, 0, 1};
    CHECK(value(s, "proc.stdin.type") == "ipv4");
    CHECK(value(s, "proc.stdin.rip") == "127.0.0.1");
    out.ino = 5002;  // another socket
    CHECK(value(s, "proc.stdout.is_stdin") == "false");
    out.family = AF_UNIX;
    CHECK(value(s, "proc.stdout.type") == "unix");
    CHECK(value(s, "proc.stdout.rip") == "<NA>");
    CHECK(value(s, "proc.stdout.l4proto") == "<NA>");
    err = {};
    CHECK(value(s, "proc.stderr.type") == "none");
    CHECK(value(s, "proc.stderr.ino") == "<NA>");
    CHECK(value(s, "proc.stderr.is_stdin") == "false");
    // exec events only
    Scene c = connect_inet_scene("10.0.0.1", 443);
    c.event.has_stdio = true;
    CHECK(value(c, "proc.stdin.type") == "<NA>");
}

TEST_CASE("fields: open paths and flags", "[fields]") {
    Scene s = open_scene("/host//etc/../etc/shadow");
    s.host_path = "/etc/shadow";
    s.event.open_flags = O_RDWR | O_CREAT | O_CLOEXEC;
    CHECK(value(s, "evt.type") == "openat");
    CHECK(value(s, "fd.name") == "/host/etc/shadow");  // the resolved path
    CHECK(value(s, "fd.directory") == "/host/etc");
    CHECK(value(s, "fd.filename") == "shadow");
    CHECK(value(s, "fd.num") == "3");
    CHECK(value(s, "fd.typechar") == "f");
    CHECK(value(s, "host.path") == "/etc/shadow");
    CHECK(value(s, "evt.arg.flags") == "O_RDWR|O_CREAT|O_CLOEXEC");
    CHECK(value(s, "evt.is_open_read") == "true");
    CHECK(value(s, "evt.is_open_write") == "true");
    s.event.open_flags = O_WRONLY;
    CHECK(value(s, "evt.is_open_read") == "false");
    s.event.syscall = Syscall::IoUringOpenat;
    CHECK(value(s, "evt.type") == "openat");
    CHECK(value(s, "evt.syscall") == "io_uring_openat");
    s.event.syscall = Syscall::Open;
    CHECK(value(s, "evt.type") == "open");
    s.event.syscall = Syscall::Openat2;
    CHECK(value(s, "evt.type") == "openat2");

    CHECK(value(open_scene("/etc"), "fd.directory") == "/");
    Scene failed = open_scene("/nope", -2);
    CHECK(value(failed, "fd.num") == "<NA>");
    Scene relative = open_scene("etc/shadow");  // not resolved: the path as sent
    CHECK(value(relative, "fd.name") == "etc/shadow");
    CHECK(value(relative, "fd.filename") == "<NA>");
}

TEST_CASE("OutputTemplate: unknown fields print <NA> and are named", "[fields]") {
    const Scene s = exec_scene("/usr/bin/nmap", {"nmap"});
    OutputTemplate t;
    std::vector<std::string> unknown;
    t.parse("%proc.name by %user.shell in %k8s.deployment.name %proc.aname[x]", unknown);
    CHECK(unknown == std::vector<std::string>{"unknown field 'user.shell'", "unknown field 'k8s.deployment.name'",
                                              "field 'proc.aname' needs an ancestor number from 1 to 16 in [N], not 'x'"});
    FieldReader reader;
    const auto ctx = s.ctx();
    reader.reset(ctx);
    CHECK(t.render(reader) == "nmap by <NA> in <NA> <NA>");
}

TEST_CASE("OutputTemplate: a trailing full stop and a lone '%' stay text", "[fields]") {
    const Scene s = exec_scene("/usr/bin/nmap", {"nmap"});
    CHECK(render("Started %proc.name.", s) == "Started nmap.");
    CHECK(render("%proc.name...", s) == "nmap...");
    CHECK(render("%proc.exepath, then %proc.name: done", s) == "/usr/bin/nmap, then nmap: done");
    CHECK(render("(%proc.name)", s) == "(nmap)");
    CHECK(render("100% sure", s) == "100% sure");
    CHECK(render("%", s) == "%");
    CHECK(render("50%", s) == "50%");
    CHECK(render("%%proc.name", s) == "%nmap");
    CHECK(render("", s) == "");
}

TEST_CASE("OutputTemplate: a long text is read in one pass", "[fields]") {
    // each character was read again for each one before it: a 1 MB output took minutes to load
    const Scene s = exec_scene("/usr/bin/nmap", {"nmap"});
    const auto start = std::chrono::steady_clock::now();
    const std::string letters(1 << 20, 'a');
    CHECK(render(letters, s) == letters);
    std::string unclosed, rendered;  // '[' after each field and no ']': each looked for one up to the end
    for (int i = 0; i < 100000; i++) {
        unclosed += "%proc.name[";
        rendered += "nmap[";
    }
    CHECK(render(unclosed, s) == rendered);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
}

TEST_CASE("OutputTemplate: a folded block's trailing newline is not part of the output", "[output]") {
    const Scene s = crowsnest::test::exec_scene("/usr/bin/nmap", {"nmap"});
    CHECK(render("scan by %proc.name\n", s) == "scan by nmap");
    CHECK(render("scan by %proc.name \n\n", s) == "scan by nmap");
    CHECK(render("  leading space stays", s) == "  leading space stays");
}
