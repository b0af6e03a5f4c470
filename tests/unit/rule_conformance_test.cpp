// Conformance of the rule language (Falco's, plus crowsnest's extensions):
// table-driven rows of (condition, event, fires?) loaded through RuleSet,
// covering every operator, every field (set and unset), lists and macros,
// exceptions, append/override across files, thresholds and the one verdict
// per category. Each row has a positive and a negative partner; a failing
// row is named by INFO.
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cerrno>

#include <algorithm>
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "enrich/process_table.h"
#include "rules/rule_fields.h"
#include "rules/rule_set.h"
#include "test_rule_files.h"
#include "test_context.h"
#include "test_util.h"

using crowsnest::Detection;
using crowsnest::EventType;
using crowsnest::ProcessTable;
using crowsnest::Syscall;
using crowsnest::RuleSet;
using crowsnest::ConnectOutcome;
using crowsnest::test::connect_inet_scene;
using crowsnest::test::connect_outcome_scene;
using crowsnest::test::connect_unix_scene;
using crowsnest::test::exec_scene;
using crowsnest::test::open_scene;
using crowsnest::test::socket_scene;
using crowsnest::test::syscall_scene;
using crowsnest::test::RuleFiles;
using crowsnest::test::Scene;

namespace {

constexpr uint64_t kSecond = 1000000000ULL;

// ---- the events ---------------------------------------------------------------

// Ancestors beyond the parent: 100 containerd-shim (parent 1), 1 systemd.
ProcessTable &ancestry() {
    static ProcessTable *table = [] {
        auto *t = new ProcessTable("/nonexistent-proc-root");
        crowsnest::test::add_process(*t, 1, 0, "systemd", "/usr/lib/systemd/systemd");
        crowsnest::test::add_process(*t, 100, 1, "containerd-shim", "/usr/bin/containerd-shim-runc-v2");
        return t;
    }();
    return *table;
}

// exec: xmrig in a container, renamed argv[0], miner flags in every spelling
Scene ex_xmrig() {
    return exec_scene("/tmp/.x/xmrig", {"./xmrig", "--donate-level=1", "--algo", "rx/0", "-o",
                                        "stratum+tcp://Pool.Example:3333"});
}
Scene ex_algo_eq() { return exec_scene("/tmp/xmrig", {"xmrig", "--algo=cn/r", "--threads", "4"}); }
Scene ex_short_opt() { return exec_scene("/usr/bin/cpuminer", {"cpuminer", "-acryptonight", "-t", "2"}); }
Scene ex_algo_last() { return exec_scene("/tmp/xmrig", {"xmrig", "--algorithm=x", "--algo"}); }
Scene ex_bash() { return exec_scene("/bin/bash", {"bash", "-c", "id"}); }
Scene ex_dash() { return exec_scene("/bin/dash", {"dash"}); }
Scene ex_zsh() { return exec_scene("/bin/zsh", {"zsh"}); }
Scene ex_shells() { return exec_scene("/opt/shells", {"shells"}); }  // a program named like a list
Scene ex_no_args() { return exec_scene("/bin/true", {"true"}); }
Scene ex_empty_argv() { return exec_scene("/bin/true", {}); }
Scene ex_host() { return exec_scene("/usr/sbin/sshd", {"sshd", "-D"}).on_host(); }
Scene ex_no_cgroup() {
    Scene s = exec_scene("/usr/bin/id", {"id"});
    s.has_cgroup = false;
    return s;
}
Scene ex_pod() {
    Scene s = exec_scene("/usr/bin/id", {"id"});
    s.cgroup.container.pod_uid = "6a1c1f6e-0000-4d6b-9c1a-2f3e4d5c6b7a";
    s.cgroup.container.runtime = "containerd";
    return s;
}
// a pod's container whose runtime recorded what it is, in a kubelet cgroupfs path
Scene ex_workload() {
    Scene s = exec_scene("/usr/bin/id", {"id"});
    s.cgroup.container.runtime = "cri";
    s.has_workload = true;
    s.workload.runtime = "containerd";
    s.workload.name = "api";
    s.workload.image = "registry.example:5000/shop/api:1.4";
    s.workload.image_repository = "registry.example:5000/shop/api";
    s.workload.image_tag = "1.4";
    s.workload.pod_name = "web-0";
    s.workload.pod_namespace = "shop";
    s.workload.pod_uid = "6a1c1f6e-0000-4d6b-9c1a-2f3e4d5c6b7a";
    s.workload.privileged = crowsnest::WorkloadInfo::Privileged::Yes;
    s.workload.labels = {{"app", "web"}, {"tier", "front"}};
    s.workload.pod_labels = {{"team", "payments"}};
    return s;
}
Scene ex_execveat() {
    Scene s = exec_scene("/bin/bash", {"bash"});
    s.event.syscall = Syscall::Execveat;
    return s;
}
Scene ex_enoent() { return exec_scene("/tmp/missing", {"missing"}, -2); }
Scene ex_eacces() { return exec_scene("/tmp/noexec", {"noexec"}, -13); }
Scene ex_upper() {
    Scene s = exec_scene("/tmp/dropped", {"dropped"});
    s.event.exe_upper_layer = true;
    return s;
}
// a dropped program that the container's locked profile never ran
Scene ex_upper_new() {
    Scene s = ex_upper();
    s.profile_state = "locked";
    s.profile_new_kind = "exec";
    return s;
}
Scene ex_host_pidns() { return exec_scene("/usr/bin/nsenter", {"nsenter", "-t", "1"}).with_host_pid_ns(); }
Scene ex_no_parent() {
    Scene s = exec_scene("/usr/bin/id", {"id"});
    s.has_parent = false;
    return s;
}
Scene ex_deep() {  // sh (4300) <- containerd-shim (100) <- systemd (1)
    Scene s = exec_scene("/usr/bin/id", {"id"});
    s.parent.ppid = 100;
    return s;
}
Scene ex_user() {
    Scene s = exec_scene("/usr/bin/id", {"id", "-u"});
    s.event.uid = 1000;
    s.event.gid = 100;
    return s;
}
Scene ex_long_name() { return exec_scene("/usr/local/bin/kube-controller-manager", {"kube-controller-manager"}); }
Scene ex_upper_case() { return exec_scene("/opt/XMRig", {"XMRig", "--URL", "Stratum+TCP://x"}); }

// connect
Scene cn_v4() { return connect_inet_scene("10.1.2.3", 443); }
Scene cn_v4_pool() { return connect_inet_scene("192.168.7.9", 3333); }
Scene cn_v4_mapped() { return connect_inet_scene("::ffff:10.1.2.3", 443); }
Scene cn_v6() { return connect_inet_scene("2001:db8::1", 443); }
Scene cn_v6_ula() { return connect_inet_scene("fd12:3456::7", 8080); }
Scene cn_v6_ll() { return connect_inet_scene("fe80::1", 80); }
Scene cn_inprogress() { return connect_inet_scene("10.1.2.3", 80, -115); }
Scene cn_uring() {
    Scene s = connect_inet_scene("10.1.2.3", 443);
    s.event.syscall = Syscall::IoUringConnect;
    return s;
}
Scene cn_unix() { return connect_unix_scene("/var/run/docker.sock"); }
Scene cn_refused_later() { return connect_outcome_scene("10.1.2.3", 80, ConnectOutcome::Failed, -111); }
Scene cn_given_up() { return connect_outcome_scene("10.1.2.3", 80, ConnectOutcome::Abandoned, -103); }
Scene cn_made() { return connect_outcome_scene("10.1.2.3", 80, ConnectOutcome::Established); }
Scene cn_udp() {
    Scene s = connect_inet_scene("10.1.2.3", 53);
    s.event.has_socket = true;
    s.event.protocol = IPPROTO_UDP;
    s.event.local_port = 40001;
    return s;
}

// the other calls (EventType::Syscall), arguments in the record's order
Scene sc_ptrace_attach() { return syscall_scene(Syscall::Ptrace, {PTRACE_ATTACH, 4242}); }
Scene sc_ptrace_traceme() { return syscall_scene(Syscall::Ptrace, {PTRACE_TRACEME, 0}); }
Scene sc_ptrace_peek() { return syscall_scene(Syscall::Ptrace, {PTRACE_PEEKDATA, 4242}); }
Scene sc_setns() { return syscall_scene(Syscall::Setns, {3, CLONE_NEWNET}); }
Scene sc_unshare_user() { return syscall_scene(Syscall::Unshare, {CLONE_NEWUSER | CLONE_NEWNS}, -EPERM); }
Scene sc_init_module() { return syscall_scene(Syscall::InitModule, {4096}, -ENOSYS); }
Scene sc_finit_module() { return syscall_scene(Syscall::FinitModule, {3, 0}, -EPERM); }
Scene sc_bpf_prog_load() { return syscall_scene(Syscall::Bpf, {5}, -EPERM); }
Scene sc_bpf_map_lookup() { return syscall_scene(Syscall::Bpf, {1}); }
Scene sc_socket_packet() { return syscall_scene(Syscall::Socket, {AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 768}, 3); }
Scene sc_socket_udp() {
    return socket_scene(Syscall::Socket, {AF_INET, SOCK_DGRAM, 0}, 4, "0.0.0.0", 0, "0.0.0.0", 0, IPPROTO_UDP);
}
Scene sc_symlink_shadow() { return syscall_scene(Syscall::Symlink, {}, 0, "/etc/shadow", "/tmp/s"); }
Scene sc_symlinkat_rel() { return syscall_scene(Syscall::Symlinkat, {AT_FDCWD}, 0, "../etc/shadow", "s"); }
// a hostile target: a newline, bytes that are not UTF-8, a quote
Scene sc_symlink_hostile() { return syscall_scene(Syscall::Symlink, {}, 0, "/etc/sha\ndow\xff\"", "/tmp/s"); }
Scene sc_link_shadow() { return syscall_scene(Syscall::Link, {}, 0, "/etc/shadow", "/tmp/h"); }
Scene sc_linkat() {
    return syscall_scene(Syscall::Linkat, {AT_FDCWD, AT_FDCWD, AT_SYMLINK_FOLLOW}, 0, "/etc/passwd", "/tmp/p");
}
Scene sc_chmod_suid() { return syscall_scene(Syscall::Chmod, {04755}, 0, "/tmp/x"); }
Scene sc_fchmod() { return syscall_scene(Syscall::Fchmod, {3, 0644}); }
Scene sc_fchmodat_sgid() { return syscall_scene(Syscall::Fchmodat, {AT_FDCWD, 02755}, 0, "bin/x"); }
Scene sc_setuid_root() { return syscall_scene(Syscall::Setuid, {0}, -EPERM); }
// nobody becoming nobody: Falco writes the uid as the caller's own name
Scene sc_setuid_nobody() {
    Scene s = syscall_scene(Syscall::Setuid, {65534});
    s.event.uid = 65534;
    s.process.facts.known = true;
    s.process.facts.uid = 65534;
    s.process.facts.user_name = "nobody";
    return s;
}
Scene sc_setresuid() { return syscall_scene(Syscall::Setresuid, {-1, 0, -1}); }
Scene sc_dup2_sock() {
    return socket_scene(Syscall::Dup2, {3, 0}, 0, "10.0.0.2", 40000, "10.9.8.7", 4444, IPPROTO_TCP);
}
Scene sc_dup_v6() { return socket_scene(Syscall::Dup, {5}, 1, "fd00::2", 5555, "fd00::1", 443, IPPROTO_TCP); }
Scene sc_dup3_udp() {
    return socket_scene(Syscall::Dup3, {3, 1, O_CLOEXEC}, 1, "10.0.0.2", 53000, "10.0.0.53", 53, IPPROTO_UDP);
}
Scene sc_dup2_stderr() {
    return socket_scene(Syscall::Dup2, {3, 7}, 7, "10.0.0.2", 40000, "10.9.8.7", 4444, IPPROTO_TCP);
}
// an inbound connection from 10.9.8.7:51000 taken on 10.0.0.2:4444, listener fd 3, new fd 5
Scene sc_accept() {
    return socket_scene(Syscall::Accept, {3}, 5, "10.0.0.2", 4444, "10.9.8.7", 51000, IPPROTO_TCP);
}
Scene sc_accept4_v6() {
    return socket_scene(Syscall::Accept4, {3, SOCK_NONBLOCK | SOCK_CLOEXEC}, 6, "fd00::2", 8443, "fd00::9", 52000,
                        IPPROTO_TCP);
}
Scene sc_uring_accept() {
    return socket_scene(Syscall::IoUringAccept, {-1, SOCK_CLOEXEC}, 7, "10.0.0.2", 4444, "10.9.8.7", 51000,
                        IPPROTO_TCP);
}
Scene sc_listen() {
    return socket_scene(Syscall::Listen, {3, 128}, 0, "0.0.0.0", 4444, "0.0.0.0", 0, IPPROTO_TCP);
}
Scene sc_mount_disk() {
    return syscall_scene(Syscall::Mount, {MS_MGC_VAL | MS_RDONLY}, -EPERM, "/dev/sda1", "/mnt", "ext4");
}
Scene sc_mount_bind() { return syscall_scene(Syscall::Mount, {MS_BIND | MS_REC}, 0, "/data", "/srv/data"); }
Scene sc_mount_hostile() {
    return syscall_scene(Syscall::Mount, {0}, 0, "none", "/m\nt\xff", std::string("cgroup\0x", 8));
}
Scene sc_umount2() { return syscall_scene(Syscall::Umount2, {MNT_DETACH | UMOUNT_NOFOLLOW}, 0, "/mnt"); }
Scene sc_mknod_blk() { return syscall_scene(Syscall::Mknod, {S_IFBLK | 0600, 0x800}, 0, "/tmp/sda"); }
Scene sc_mknodat_fifo() { return syscall_scene(Syscall::Mknodat, {AT_FDCWD, S_IFIFO | 0644, 0}, 0, "f"); }
Scene sc_mknod_plain() { return syscall_scene(Syscall::Mknod, {0, 0}, -EEXIST, "/tmp/x"); }
Scene sc_memfd() { return syscall_scene(Syscall::MemfdCreate, {MFD_CLOEXEC | MFD_ALLOW_SEALING}, 4, "", "", "jit"); }
Scene sc_memfd_failed() { return syscall_scene(Syscall::MemfdCreate, {0}, -EINVAL, "", "", "x"); }
Scene sc_fsopen_ext4() { return syscall_scene(Syscall::Fsopen, {FSOPEN_CLOEXEC}, 5, "", "", "ext4"); }
Scene cn_abstract() { return connect_unix_scene("containerd-shim", true); }
Scene cn_no_process() {
    Scene s = connect_inet_scene("10.1.2.3", 443);
    s.has_process = false;
    return s;
}

// open
Scene with_flags(Scene s, uint32_t flags) {
    s.event.open_flags = flags;
    return s;
}
Scene op_shadow() { return with_flags(open_scene("/etc/shadow"), O_RDONLY); }
Scene op_passwd_write() { return with_flags(open_scene("/etc/passwd"), O_WRONLY | O_CREAT | O_TRUNC); }
Scene op_hosts_rdwr() { return with_flags(open_scene("/etc/hosts"), O_RDWR); }
Scene op_etc_dir() { return with_flags(open_scene("/etc"), O_RDONLY | O_DIRECTORY); }
Scene op_etcd() { return open_scene("/etcd/member/snap/db"); }
Scene op_root_file() { return open_scene("/shadow"); }
Scene op_nginx_conf() { return open_scene("/etc/nginx/nginx.conf"); }
Scene op_ssh_key() { return open_scene("/root/.ssh/id_rsa"); }
Scene op_dotdot() { return open_scene("/tmp/../etc/./shadow"); }
Scene op_enoent() { return open_scene("/etc/nothing", -2); }
Scene op_relative() { return open_scene("notes.txt"); }
Scene op_empty_path() { return open_scene(""); }
Scene with_open_syscall(Scene s, Syscall syscall) {
    s.event.syscall = syscall;
    return s;
}
Scene op_open() { return with_open_syscall(open_scene("/etc/shadow"), Syscall::Open); }
Scene op_openat2() { return with_open_syscall(open_scene("/etc/shadow"), Syscall::Openat2); }
Scene op_uring() { return with_open_syscall(open_scene("/etc/shadow"), Syscall::IoUringOpenat); }
Scene op_uring2() { return with_open_syscall(open_scene("/etc/shadow"), Syscall::IoUringOpenat2); }
Scene op_host_path() {
    Scene s = open_scene("/host/etc/shadow");
    s.host_path = "/etc/shadow";
    return s;
}

// process exit
Scene exit_ev() {
    Scene s;
    s.event.type = EventType::Exit;
    s.event.exit_code = 0;
    s.by("/usr/bin/id", {"id"});
    return s;
}

// what /proc told of the process (TaskFacts): a login shell on a terminal
constexpr uint64_t kBoot = 100 * kSecond;
constexpr int64_t kWall = 1700000000LL * 1000000000LL;
Scene ex_facts() {
    Scene s = exec_scene("/bin/sh", {"sh", "-i"});
    s.event.boot_ns = kBoot;
    s.event.time_ns = uint64_t(kWall);
    crowsnest::TaskFacts &t = s.process.facts;
    t.known = true;
    t.loginuid = 1000;
    t.tty = 34816;
    t.sid = t.pgid = 4321;  // its own session and group
    t.vpid = t.vpgid = 7;
    t.cap_effective = (1ULL << 21) | 1;  // CAP_SYS_ADMIN, CAP_CHOWN
    t.cap_permitted = (1ULL << 41) - 1;  // all 41
    t.start_boot_ns = kBoot - 5 * kSecond;
    t.cwd = "/dev/shm/";
    t.env = {"HOME=/root", "TERM=xterm", "LD_PRELOAD=/tmp/x.so", "EMPTY="};
    t.exe_known = true;
    t.exe_ino = 1234;
    t.exe_mtime_ns = kWall - 60 * int64_t(kSecond);
    t.exe_ctime_ns = kWall - 7 * int64_t(kSecond);  // changed 2 s before the process started
    t.user_name = "root";
    t.login_name = "alice";
    t.group_name = "root";
    return s;
}
// a daemon without terminal or login, uid and gid unnamed, in another session, from a memfd
Scene ex_facts_other() {
    Scene s = ex_facts();
    s.event.uid = 1000;
    s.event.gid = 100;
    crowsnest::TaskFacts &t = s.process.facts;
    t.uid = 1000;
    t.gid = 5;  // changed since the process was learnt: its name is not the event's
    t.loginuid = -1;
    t.tty = 0;
    t.sid = 100;  // containerd-shim's session
    t.pgid = 100;
    t.vpgid = 1;
    t.cap_effective = 0;
    t.exe_from_memfd = true;
    t.user_name = "";
    t.login_name = "";
    t.group_name = "users";
    t.cwd = "/";
    t.env.clear();
    t.exe_known = false;
    t.start_boot_ns = 0;
    return s;
}
// the process had ended before /proc could be read
Scene ex_facts_unknown() {
    Scene s = ex_facts();
    s.process.facts.known = false;
    return s;
}
Scene op_create_exec() {
    Scene s = with_flags(open_scene("/tmp/dropper"), O_WRONLY | O_CREAT | O_TRUNC);
    s.event.mode = 0755;
    return s;
}
Scene op_create_plain() {
    Scene s = with_flags(open_scene("/tmp/notes"), O_WRONLY | O_CREAT);
    s.event.mode = 0644;
    return s;
}
Scene cn_fastopen() {
    Scene s = connect_inet_scene("10.1.2.3", 443);
    s.event.syscall = Syscall::SendtoFastOpen;
    return s;
}

// A reverse shell: stdin and stdout one TCP socket from 10.0.0.2:40000 to
// 203.0.113.9:4444 (inode 5001), stderr a pipe (inode 777).
Scene ex_stdio_shell() {
    Scene s = exec_scene("/bin/sh", {"sh", "-i"});
    s.event.has_stdio = true;
    crowsnest::StdioFd tcp;
    tcp.kind = crowsnest::StdioKind::Socket;
    tcp.family = AF_INET;
    tcp.protocol = IPPROTO_TCP;
    tcp.ino = 5001;
    tcp.local_port = 40000;
    tcp.remote_port = 4444;
    tcp.local_addr = {10, 0, 0, 2};
    tcp.remote_addr = {203, 0, 113, 9};
    crowsnest::StdioFd pipe;
    pipe.kind = crowsnest::StdioKind::Pipe;
    pipe.ino = 777;
    s.event.stdio = {tcp, tcp, pipe};
    return s;
}
// The same shell with its stdio the other way round: stdin the pipe, stdout and stderr the socket.
Scene ex_stdio_swapped() {
    Scene s = ex_stdio_shell();
    std::swap(s.event.stdio[0], s.event.stdio[2]);
    return s;
}

// `curl -s http://x | sh`: the shell's exec, curl having connected once.
Scene ex_piped_shell() {
    Scene s = exec_scene("/bin/sh", {"sh"});
    s.has_pipe_self = true;
    s.pipe_self = {4321, {"sh", "sh", "sh"}, "/bin/sh", "", 0, 0, false};
    s.stdin_writers = {{10, {"curl", "curl", "curl"}, "/usr/bin/curl", "-s http://x", 1, 0, true}};
    return s;
}
// The same pipeline seen from the writer: a python one-liner's first connect, sh reading.
Scene ex_piped_writer() {
    Scene s = connect_inet_scene("203.0.113.9", 80);
    s.by("/usr/bin/python3", {"python3", "-c", "urlopen"});
    s.has_pipe_self = true;
    s.pipe_self = {4321, {"python3", "python3", "python3"}, "/usr/bin/python3", "-c urlopen", 1, 0, false};
    s.stdout_readers = {{11, {"sh", "sh", "sh"}, "/bin/sh", "-s", 0, 0, false}};
    return s;
}
// `nc -l -p 4444 | sh`: the listener's first accept, sh reading; then the shell's exec after it.
Scene ex_listener_writer() {
    Scene s = socket_scene(Syscall::Accept, {3}, 4, "10.0.0.2", 4444, "10.9.8.7", 51000, IPPROTO_TCP);
    s.by("/bin/nc", {"nc", "-l", "-p", "4444"});
    s.has_pipe_self = true;
    s.pipe_self = {4321, {"nc", "nc", "nc"}, "/bin/nc", "-l -p 4444", 0, 1, false};
    s.stdout_readers = {{11, {"sh", "sh", "sh"}, "/bin/sh", "", 0, 0, false}};
    return s;
}
Scene ex_listener_shell() {
    Scene s = exec_scene("/bin/sh", {"sh"});
    s.has_pipe_self = true;
    s.pipe_self = {11, {"sh", "sh", "sh"}, "/bin/sh", "", 0, 0, false};
    s.stdin_writers = {{4321, {"nc", "nc", "nc"}, "/bin/nc", "-l -p 4444", 0, 1, false}};
    return s;
}

// ---- loading and matching ------------------------------------------------------

// Lists and macros that every row's rule file starts with.
const char *kPrelude = R"(- list: ports
  items: [80, 443]
- list: shells
  items: [bash, sh]
- list: more_shells
  items: [shells, dash]
- list: all_shells
  items: [more_shells, "zsh"]
- list: etc_dirs
  items: [/etc, /root/.ssh]
- list: v4_nets
  items: ["10.0.0.0/8", "172.16.0.0/12"]
- list: v6_nets
  items: ["fd00::/8"]
- list: bin_dirs
  items: [/usr/bin/, /bin/]
- list: pool_words
  items: [stratum, nicehash]
- list: empty_list
  items: []
- macro: is_exec
  condition: evt.type in (execve, execveat)
- macro: in_ctr
  condition: container.id != host
- macro: exec_in_ctr
  condition: is_exec and in_ctr
- macro: shell_in_ctr
  condition: exec_in_ctr and proc.name in (all_shells)
- macro: https
  condition: fd.sport = 443
)";

std::string rule_text(const std::string &condition, const std::string &extra = "") {
    return "- rule: t\n  desc: t\n  condition: |-\n    " + condition +
           "\n  output: \"x\"\n  priority: WARNING\n  tags: [test]\n" + extra;
}

std::string joined(const std::vector<std::string> &v) {
    std::string out;
    for (const auto &s : v) out += s + "\n";
    return out;
}

std::vector<Detection> detect(const RuleSet &rules, const Scene &scene) {
    crowsnest::EventContext ctx = scene.ctx();
    ctx.processes = &ancestry();
    std::vector<Detection> out;
    rules.match(ctx, out);
    for (auto &d : out) rules.render_output(d);
    return out;
}

bool fires(const RuleSet &rules, const Scene &scene, const std::string &rule = "t") {
    for (const auto &d : detect(rules, scene))
        if (d.rule->name == rule) return true;
    return false;
}

// ---- the condition table -------------------------------------------------------

struct Row {
    const char *condition;
    Scene (*make)();
    bool fires;
};

const std::vector<Row> kRows = {
    // = and == (Falco's two spellings), !=
    {"proc.name = xmrig", ex_xmrig, true},
    {"proc.name = xmri", ex_xmrig, false},
    {"proc.name == xmrig", ex_xmrig, true},
    {"proc.name == bash", ex_xmrig, false},
    {"proc.name != bash", ex_xmrig, true},
    {"proc.name != xmrig", ex_xmrig, false},
    {"proc.name = \"xmrig\"", ex_xmrig, true},
    {"proc.name = 'XMRIG'", ex_xmrig, false},  // = is case-sensitive
    {"proc.name=xmrig", ex_xmrig, true},       // no spaces needed
    // < <= > >= on numbers
    {"fd.sport < 1024", cn_v4, true},
    {"fd.sport < 443", cn_v4, false},
    {"fd.sport <= 443", cn_v4, true},
    {"fd.sport <= 442", cn_v4, false},
    {"fd.sport > 442", cn_v4, true},
    {"fd.sport > 443", cn_v4, false},
    {"fd.sport >= 443", cn_v4, true},
    {"fd.sport >= 444", cn_v4, false},
    {"evt.rawres < 0", ex_enoent, true},
    {"evt.rawres < 0", ex_bash, false},
    {"evt.rawres = -2", ex_enoent, true},
    // in, intersects
    {"proc.name in (bash, xmrig)", ex_xmrig, true},
    {"proc.name in (bash, zsh)", ex_xmrig, false},
    {"proc.name in ()", ex_xmrig, false},
    {"fd.sport in (80, 443)", cn_v4, true},
    {"fd.sport in (80, 8080)", cn_v4, false},
    {"proc.argv intersects (--algo, --coin)", ex_xmrig, true},
    {"proc.argv intersects (--coin, --url)", ex_xmrig, false},
    {"proc.name intersects (xmrig)", ex_xmrig, true},
    {"proc.argopts in (--donate-level)", ex_xmrig, true},  // in on a multi-valued field: any value
    {"proc.argopts in (--coin)", ex_xmrig, false},
    // contains, icontains
    {"proc.cmdline contains stratum+tcp", ex_xmrig, true},
    {"proc.cmdline contains Stratum", ex_xmrig, false},
    {"proc.cmdline icontains POOL.example", ex_xmrig, true},
    {"proc.cmdline icontains nicehash", ex_xmrig, false},
    {"proc.cmdline contains \"--algo rx\"", ex_xmrig, true},  // quoted: spaces are part of the value
    {"proc.cmdline contains \"--algo  rx\"", ex_xmrig, false},
    // startswith, endswith
    {"proc.exepath startswith /tmp/", ex_xmrig, true},
    {"proc.exepath startswith /usr/", ex_xmrig, false},
    {"proc.exepath endswith /xmrig", ex_xmrig, true},
    {"proc.exepath endswith .sh", ex_xmrig, false},
    {"proc.exepath startswith ''", ex_xmrig, true},  // the empty prefix
    // list-valued contains/icontains/startswith/endswith: any item (crowsnest's extension)
    {"proc.cmdline contains (nicehash, stratum)", ex_xmrig, true},
    {"proc.cmdline contains (pool_words)", ex_xmrig, true},
    {"proc.cmdline contains (nicehash, minergate)", ex_xmrig, false},
    {"proc.cmdline icontains (MINERGATE, pool.EXAMPLE)", ex_xmrig, true},
    {"proc.cmdline icontains (MINERGATE, xmr-stak)", ex_xmrig, false},
    {"proc.exepath startswith (/usr/, /tmp/)", ex_xmrig, true},
    {"proc.exepath startswith (bin_dirs)", ex_bash, true},
    {"proc.exepath startswith (bin_dirs)", ex_xmrig, false},
    {"proc.exepath endswith (/bash, /xmrig)", ex_xmrig, true},
    {"proc.exepath endswith (/bash, /dash)", ex_xmrig, false},
    // glob: * ? [a-z] [!x]
    {"fd.name glob /etc/*.conf", op_nginx_conf, true},  // * crosses '/'
    {"fd.name glob /etc/*.cnf", op_nginx_conf, false},
    {"fd.name glob /etc/*/*.conf", op_nginx_conf, true},
    {"fd.name glob /etc/*", op_nginx_conf, true},
    {"fd.name glob /etc/shado?", op_shadow, true},
    {"fd.name glob /etc/shad?", op_shadow, false},
    {"fd.name glob /etc/[a-s]hadow", op_shadow, true},
    {"fd.name glob /etc/[t-z]hadow", op_shadow, false},
    {"fd.name glob /etc/[!p]hadow", op_shadow, true},
    {"fd.name glob /etc/[!s]hadow", op_shadow, false},
    {"fd.name glob /etc/[ps]*", op_passwd_write, true},
    {"fd.name glob *shadow", op_passwd_write, false},
    // pmatch: path prefixes on component boundaries
    {"fd.name pmatch (/etc)", op_etc_dir, true},
    {"fd.name pmatch (/etc)", op_shadow, true},
    {"fd.name pmatch (/etc)", op_etcd, false},
    {"fd.name pmatch (/etc/)", op_shadow, true},
    {"fd.name pmatch (/var, /root/.ssh)", op_ssh_key, true},
    {"fd.name pmatch (etc_dirs)", op_ssh_key, true},
    {"fd.name pmatch (/root/.ss)", op_ssh_key, false},
    {"fd.name pmatch (/)", op_etcd, true},
    // exists
    {"fd.name exists", op_shadow, true},
    {"fd.name exists", ex_xmrig, false},
    {"proc.optval[--algo] exists", ex_xmrig, true},
    {"proc.optval[--coin] exists", ex_xmrig, false},
    // regex: RE2, full match
    {"proc.name regex 'xm.*g'", ex_xmrig, true},
    {"proc.name regex 'mri'", ex_xmrig, false},  // a partial match does not count
    {"proc.name regex '.*mri.*'", ex_xmrig, true},
    {"proc.name regex '[a-z]+'", ex_xmrig, true},
    {"proc.name regex '[0-9]+'", ex_xmrig, false},
    {"proc.cmdline regex '.*--algo[= ](rx|cn)/.*'", ex_algo_eq, true},
    {"proc.argv regex 'stratum\\+tcp://.*'", ex_xmrig, true},  // any value of a multi-valued field

    // ---- precedence: not > and > or; parentheses ----
    {"proc.name = xmrig or proc.name = bash and proc.name = zsh", ex_xmrig, true},
    {"(proc.name = xmrig or proc.name = bash) and proc.name = zsh", ex_xmrig, false},
    {"proc.name = zsh and proc.name = bash or proc.name = xmrig", ex_xmrig, true},
    {"not proc.name = xmrig and proc.name = xmrig", ex_xmrig, false},  // (not a) and a
    {"not (proc.name = xmrig and proc.name = bash)", ex_xmrig, true},
    {"not proc.name = bash and not proc.name = zsh", ex_xmrig, true},
    {"not not proc.name = xmrig", ex_xmrig, true},
    {"not proc.name = bash or proc.name = bash", ex_bash, true},  // (not a) or a, not: not (a or a)
    {"((proc.name = xmrig))", ex_xmrig, true},
    {"(proc.name = bash or (proc.name = zsh or (proc.name = xmrig and fd.num exists)))", ex_xmrig, false},
    {"proc.name = xmrig and (fd.num exists or proc.pid = 4321)", ex_xmrig, true},
    {"proc.name=xmrig and(proc.pid=4321)", ex_xmrig, true},
    {"proc.name = xmrig\n    and proc.pid = 4321", ex_xmrig, true},  // a condition over two lines

    // ---- lists and macros ----
    {"proc.name in (shells)", ex_bash, true},
    {"proc.name in (shells)", ex_dash, false},
    {"proc.name in (more_shells)", ex_dash, true},  // a list naming a list
    {"proc.name in (more_shells)", ex_bash, true},
    {"proc.name in (all_shells)", ex_bash, true},  // two levels
    {"proc.name in (all_shells)", ex_zsh, true},
    {"proc.name in (all_shells)", ex_xmrig, false},
    {"proc.name in (shells, zsh)", ex_zsh, true},  // a list and a value together
    {"proc.name in (\"shells\")", ex_shells, true},  // quoted: the value itself, not the list
    {"proc.name in (\"shells\")", ex_bash, false},
    {"proc.name in ('shells', dash)", ex_dash, true},
    {"proc.name = shells", ex_bash, false},  // = never expands a list
    {"proc.name in (empty_list)", ex_bash, false},
    {"fd.sport in (ports)", cn_v4, true},
    {"fd.sport in (ports)", cn_v6_ula, false},
    {"fd.sport in (ports, 8080)", cn_v6_ula, true},
    {"is_exec", ex_xmrig, true},
    {"is_exec", op_shadow, false},
    {"exec_in_ctr", ex_xmrig, true},  // a macro of macros
    {"exec_in_ctr", ex_host, false},
    {"shell_in_ctr", ex_zsh, true},  // macros of macros and nested lists
    {"shell_in_ctr", ex_xmrig, false},
    {"not exec_in_ctr", ex_host, true},
    {"is_exec and not in_ctr", ex_host, true},
    {"evt.type = connect and https", cn_v4, true},
    {"evt.type = connect and https", cn_v6_ula, false},

    // ---- evt.type names, evt.syscall ----
    {"evt.type = execve", ex_xmrig, true},
    {"evt.type = execve", ex_execveat, false},
    {"evt.type = execveat", ex_execveat, true},
    {"evt.type in (execve, execveat)", ex_execveat, true},
    {"evt.type = connect", cn_v4, true},
    {"evt.type = connect", cn_uring, true},  // io_uring connect is a connect
    {"evt.type = connect", op_shadow, false},
    {"evt.type = open", op_open, true},
    {"evt.type = open", op_shadow, false},
    {"evt.type = openat", op_shadow, true},
    {"evt.type = openat", op_uring, true},  // io_uring openat is an openat
    {"evt.type = openat2", op_openat2, true},
    {"evt.type = openat2", op_uring2, true},
    {"evt.type = openat2", op_uring, false},
    {"evt.type = io_uring_openat", op_uring, false},  // not an evt.type (a warning)
    {"evt.type = procexit", exit_ev, true},
    {"evt.type = procexit", ex_xmrig, false},
    {"evt.type != execve", op_shadow, true},
    {"evt.type != execve", ex_xmrig, false},
    {"not evt.type in (open, openat, openat2)", cn_v4, true},
    {"not evt.type in (open, openat, openat2)", op_uring2, false},
    {"evt.syscall = io_uring_openat", op_uring, true},
    {"evt.syscall = io_uring_openat", op_shadow, false},
    {"evt.syscall = io_uring_openat2", op_uring2, true},
    {"evt.syscall = io_uring_connect", cn_uring, true},
    {"evt.syscall = connect", cn_uring, false},
    {"evt.syscall = execveat", ex_execveat, true},
    {"evt.syscall = openat", op_shadow, true},
    {"evt.syscall = exit", exit_ev, true},
    // a connect's outcome is its own evt.type, with the connect's socket
    {"evt.type = connect_result", cn_made, true},
    {"evt.type = connect", cn_made, false},
    {"evt.type = connect_result", cn_inprogress, false},
    {"evt.syscall = connect", cn_given_up, true},
    {"evt.outcome = established", cn_made, true},
    {"evt.outcome = established", cn_given_up, false},
    {"evt.outcome in (failed, abandoned)", cn_given_up, true},
    {"evt.outcome = failed and evt.res = ECONNREFUSED", cn_refused_later, true},
    {"evt.outcome = abandoned and evt.res = ECONNABORTED and evt.failed = true", cn_given_up, true},
    {"evt.outcome exists", cn_inprogress, false},  // unset on the connect call
    {"fd.sip = 10.1.2.3 and fd.sport = 80 and fd.l4proto = tcp", cn_given_up, true},
    {"fd.num exists", cn_made, false},  // the socket's fd is not known where the state changes
    {"evt.dir = '<'", ex_xmrig, true},
    {"evt.dir = '>'", ex_xmrig, false},

    // ---- evt.res, evt.rawres, evt.failed (syscalls; unset on exit) ----
    {"evt.res = SUCCESS", ex_xmrig, true},
    {"evt.res = SUCCESS", ex_enoent, false},
    {"evt.res = ENOENT", ex_enoent, true},
    {"evt.res = ENOENT", ex_eacces, false},
    {"evt.res = EACCES", ex_eacces, true},
    {"evt.res = EINPROGRESS", cn_inprogress, true},
    {"evt.res = ENOENT", op_enoent, true},
    {"evt.res exists", exit_ev, false},
    {"not evt.res = SUCCESS", exit_ev, true},
    {"evt.rawres = 3", op_shadow, true},
    {"evt.rawres = 0", exit_ev, false},
    {"evt.failed = true", ex_enoent, true},
    {"evt.failed = true", ex_xmrig, false},
    {"evt.failed = false", ex_xmrig, true},
    {"evt.failed != true", ex_xmrig, true},
    {"evt.failed = false", exit_ev, false},
    {"evt.failed exists", exit_ev, false},

    // ---- open flags (open only) ----
    {"evt.is_open_read = true", op_shadow, true},  // O_RDONLY
    {"evt.is_open_read = true", op_hosts_rdwr, true},  // O_RDWR
    {"evt.is_open_read = true", op_passwd_write, false},  // O_WRONLY
    {"evt.is_open_write = true", op_passwd_write, true},
    {"evt.is_open_write = true", op_hosts_rdwr, true},
    {"evt.is_open_write = true", op_shadow, false},
    {"evt.is_open_write = false", op_shadow, true},
    {"evt.is_open_write = false", ex_xmrig, false},  // unset on exec
    {"not evt.is_open_write = true", cn_v4, true},
    {"evt.is_open_read exists", cn_v4, false},
    {"evt.arg.flags contains O_CREAT", op_passwd_write, true},
    {"evt.arg.flags contains O_CREAT", op_shadow, false},
    {"evt.arg.flags startswith O_RDWR", op_hosts_rdwr, true},
    {"evt.arg.flags contains O_DIRECTORY", op_etc_dir, true},
    {"evt.arg.flags exists", ex_xmrig, false},

    // ---- process fields ----
    {"proc.name = kube-controller", ex_long_name, true},  // comm: 15 characters
    {"proc.name = kube-controller-manager", ex_long_name, false},
    {"proc.name = curl", cn_v4, true},  // the process behind a connect
    {"proc.name = cat", op_shadow, true},
    {"proc.name = id", exit_ev, true},
    {"proc.exe = ./xmrig", ex_xmrig, true},  // argv[0]
    {"proc.exe = xmrig", ex_xmrig, false},
    {"proc.exe = curl", cn_v4, true},
    {"proc.exe exists", ex_empty_argv, false},
    {"proc.exe exists", cn_no_process, false},
    {"proc.exepath = /tmp/.x/xmrig", ex_xmrig, true},
    {"proc.exepath = /usr/bin/curl", cn_v4, true},
    {"proc.exepath = /usr/bin/curl", cn_no_process, false},
    {"not proc.exepath exists", cn_no_process, true},
    {"proc.cmdline = \"xmrig --algo=cn/r --threads 4\"", ex_algo_eq, true},
    {"proc.cmdline = true", ex_no_args, true},  // no arguments: no trailing space
    {"proc.cmdline = \"curl http://10.1.2.3\"", cn_v4, true},
    {"proc.args = \"--algo=cn/r --threads 4\"", ex_algo_eq, true},
    {"proc.args = ''", ex_no_args, true},
    {"proc.args contains xmrig", ex_algo_eq, false},  // argv[0] is not an argument
    {"proc.argv = rx/0", ex_xmrig, true},  // any argument
    {"proc.argv = ./xmrig", ex_xmrig, false},
    {"proc.argv != --coin", ex_xmrig, true},  // none of the arguments
    {"proc.argv != rx/0", ex_xmrig, false},
    {"proc.argv startswith stratum+", ex_xmrig, true},
    {"proc.argv exists", ex_no_args, false},
    {"proc.argv = x", ex_no_args, false},
    {"not proc.argv = x", ex_no_args, true},
    {"proc.argopts = --algo", ex_xmrig, true},
    {"proc.argopts = --donate-level", ex_xmrig, true},  // cut at '='
    {"proc.argopts = --donate-level=1", ex_xmrig, false},
    {"proc.argopts = rx/0", ex_xmrig, false},  // not an option
    {"proc.argopts in (-o)", ex_xmrig, true},
    {"proc.argopts exists", ex_dash, false},
    {"proc.optval[--algo] = rx/0", ex_xmrig, true},  // --algo x
    {"proc.optval[--algo] = cn/r", ex_algo_eq, true},  // --algo=x
    {"proc.optval[-a] = cryptonight", ex_short_opt, true},  // -ax
    {"proc.optval[-t] = 2", ex_short_opt, true},
    {"proc.optval[--donate-level] = 1", ex_xmrig, true},
    {"proc.optval[--algo] exists", ex_short_opt, false},
    {"proc.optval[--algo] exists", ex_algo_last, false},  // --algorithm=x is not --algo; a last --algo has no value
    {"proc.optval[--threads] = 4", ex_algo_eq, true},
    {"proc.optval[--thread] exists", ex_algo_eq, false},
    {"proc.optval[--algo] icontains rx/", ex_xmrig, true},
    {"proc.optval[--algo] in (cn/r, rx/0)", ex_algo_eq, true},
    {"proc.pid = 4321", ex_xmrig, true},
    {"proc.pid = 4300", ex_xmrig, false},
    {"proc.ppid = 4300", ex_xmrig, true},
    {"proc.ppid in (1, 2)", ex_xmrig, false},
    {"proc.pname = sh", ex_xmrig, true},
    {"proc.pname = sh", ex_no_parent, false},
    {"not proc.pname = sh", ex_no_parent, true},
    {"proc.pname exists", ex_no_parent, false},
    {"proc.pexe = sh", ex_xmrig, true},
    {"proc.pexe exists", ex_no_parent, false},
    {"proc.pexepath = /bin/sh", ex_xmrig, true},
    {"proc.pexepath exists", ex_no_parent, false},
    {"proc.pcmdline = \"sh -c entrypoint\"", ex_xmrig, true},
    {"proc.pcmdline contains entrypoint", ex_no_parent, false},
    {"proc.aname[1] = sh", ex_deep, true},  // the parent
    {"proc.aname[2] = containerd-shim", ex_deep, true},
    {"proc.aname[2] = sh", ex_deep, false},
    {"proc.aname[3] = systemd", ex_deep, true},
    {"proc.aname[4] exists", ex_deep, false},
    {"proc.aname[1] exists", ex_no_parent, false},
    {"proc.aname = containerd-shim", ex_deep, true},  // any ancestor
    {"proc.aname = systemd", ex_deep, true},
    {"proc.aname = containerd-shim", ex_xmrig, false},  // sh <- systemd only
    {"proc.aname in (runc, containerd-shim)", ex_deep, true},
    {"proc.aname in (runc, dockerd)", ex_deep, false},
    {"proc.aname exists", ex_no_parent, false},
    {"proc.aname = sh", ex_no_parent, false},
    {"proc.is_exe_upper_layer = true", ex_upper, true},
    {"proc.is_exe_upper_layer = true", ex_xmrig, false},
    {"proc.is_exe_upper_layer = false", op_shadow, false},  // exec only
    {"proc.is_exe_upper_layer exists", cn_v4, false},
    {"profile.new = true and proc.is_exe_upper_layer = true", ex_upper_new, true},
    {"profile.new = true and proc.is_exe_upper_layer = true", ex_upper, false},
    {"profile.new.kind = exec and profile.state = locked", ex_upper_new, true},
    {"profile.state = learning", ex_upper_new, false},
    {"profile.state = ''", ex_xmrig, true},  // profiles off
    {"proc.in_host_pidns = true", ex_host_pidns, true},
    {"proc.in_host_pidns = true", ex_xmrig, false},
    {"proc.in_host_pidns = false", op_shadow, true},

    // ---- user, cgroup, container ----
    {"user.uid = 0", ex_xmrig, true},
    {"user.uid = 0", ex_user, false},
    {"user.uid >= 1000", ex_user, true},
    {"user.gid = 100", ex_user, true},
    {"user.gid != 0", ex_xmrig, false},
    {"cgroup.id = 9876", ex_xmrig, true},
    {"cgroup.id = 9877", ex_xmrig, false},
    {"cgroup.id > 0", exit_ev, true},
    {"container.id = host", ex_host, true},
    {"container.id = host", ex_no_cgroup, true},  // an unresolved cgroup counts as the host
    {"container.id = host", ex_xmrig, false},
    {"container.id != host", ex_xmrig, true},
    {"container.id startswith 3f4e5d6c", ex_xmrig, true},
    {"container.runtime = docker", ex_xmrig, true},
    {"container.runtime = containerd", ex_pod, true},
    {"container.runtime = docker", ex_host, false},
    {"container.runtime = ''", ex_host, true},
    {"k8s.pod.uid = 6a1c1f6e-0000-4d6b-9c1a-2f3e4d5c6b7a", ex_pod, true},
    {"k8s.pod.uid exists", ex_xmrig, false},  // unset outside a pod: no comparison holds
    {"k8s.pod.uid = ''", ex_xmrig, false},
    {"k8s.pod.uid != ''", ex_host, false},
    {"k8s.pod.uid = 6a1c1f6e-0000-4d6b-9c1a-2f3e4d5c6b7a", ex_workload, true},  // from the runtime's record
    // ---- what the runtime recorded ----
    {"container.type = containerd", ex_workload, true},  // the cgroup path named no runtime
    {"container.type = docker", ex_xmrig, true},
    {"container.name = api", ex_workload, true},
    {"container.name = host", ex_host, true},
    {"container.name exists", ex_xmrig, false},  // no record
    {"container.image = registry.example:5000/shop/api:1.4", ex_workload, true},
    {"container.image.repository = registry.example:5000/shop/api", ex_workload, true},
    {"container.image.repository startswith registry.example", ex_xmrig, false},
    {"container.image.tag = 1.4", ex_workload, true},
    {"container.image.digest exists", ex_workload, false},  // the reference names none
    {"container.privileged = true", ex_workload, true},
    {"container.privileged = false", ex_workload, false},
    {"container.privileged exists", ex_xmrig, false},
    {"container.label[app] = web", ex_workload, true},
    {"container.labels[tier] = front", ex_workload, true},
    {"container.labels contains 'app:web'", ex_workload, true},
    {"container.label[missing] exists", ex_workload, false},
    {"k8s.pod.name = web-0", ex_workload, true},
    {"k8s.ns.name = shop", ex_workload, true},
    {"k8s.ns.name in (kube-system, shop)", ex_workload, true},
    {"k8s.ns.name = shop", ex_host, false},
    {"k8s.ns.name exists", ex_pod, false},  // a pod uid from the cgroup path, but no record
    {"k8s.pod.label[team] = payments", ex_workload, true},
    {"k8s.pod.labels[team] = payments", ex_workload, true},
    {"k8s.pod.labels = 'team:payments'", ex_workload, true},

    // ---- fd fields ----
    {"fd.num = 3", op_shadow, true},  // open: the result
    {"fd.num = 3", cn_v4, true},  // connect: the socket
    {"fd.num exists", op_enoent, false},  // a failed open has no fd
    {"fd.num exists", ex_xmrig, false},
    {"fd.typechar = f", op_shadow, true},
    {"fd.typechar = 4", cn_v4, true},
    {"fd.typechar = 6", cn_v6, true},
    {"fd.typechar = 4", cn_v6, false},
    {"fd.typechar = u", cn_unix, true},
    {"fd.typechar exists", ex_xmrig, false},
    {"fd.name = /etc/shadow", op_shadow, true},
    {"fd.name = /etc/shadow", op_dotdot, true},  // normalised
    {"fd.name = /etc/shadow", op_passwd_write, false},
    {"fd.name = notes.txt", op_relative, true},  // not resolved: as written
    {"fd.name = 10.1.2.3:443", cn_v4, true},
    {"fd.name = '[2001:db8::1]:443'", cn_v6, true},
    {"fd.name = /var/run/docker.sock", cn_unix, true},
    {"fd.name = @containerd-shim", cn_abstract, true},
    {"fd.name exists", op_empty_path, false},
    {"fd.directory = /etc", op_shadow, true},
    {"fd.directory = /etc/nginx", op_nginx_conf, true},
    {"fd.directory = /", op_root_file, true},
    {"fd.directory = /etc", op_nginx_conf, false},
    {"fd.directory exists", op_relative, false},
    {"fd.directory exists", cn_unix, false},
    {"fd.filename = shadow", op_shadow, true},
    {"fd.filename = nginx.conf", op_nginx_conf, true},
    {"fd.filename = shadow", op_passwd_write, false},
    {"fd.filename exists", cn_v4, false},
    {"fd.sip = 10.1.2.3", cn_v4, true},
    {"fd.sip = 10.1.2.4", cn_v4, false},
    {"fd.sip != 10.1.2.4", cn_v4, true},
    {"fd.sip = 10.1.2.3", cn_v4_mapped, true},  // IPv4-mapped IPv6 is the IPv4 address
    {"fd.sip = ::ffff:10.1.2.3", cn_v4, true},
    {"fd.sip = 2001:db8::1", cn_v6, true},
    {"fd.sip = 2001:db8::2", cn_v6, false},
    {"fd.sip = '2001:0db8:0000::0001'", cn_v6, true},  // any spelling of the address
    {"fd.sip in (192.168.7.9, 2001:db8::1)", cn_v6, true},
    {"fd.sip exists", cn_unix, false},
    {"fd.sip = 10.1.2.3", op_shadow, false},
    {"fd.snet in (10.0.0.0/8)", cn_v4, true},
    {"fd.snet in (10.0.0.0/8)", cn_v4_pool, false},
    {"fd.snet in (v4_nets)", cn_v4, true},
    {"fd.snet in (192.168.0.0/16, 10.1.2.0/24)", cn_v4_pool, true},
    {"fd.snet = 10.1.2.0/24", cn_v4, true},
    {"fd.snet != 10.1.2.0/24", cn_v4, false},
    {"fd.snet in (10.1.2.3/32)", cn_v4, true},
    {"fd.snet in (fd00::/8)", cn_v6_ula, true},
    {"fd.snet in (v6_nets)", cn_v6, false},
    {"fd.snet in (2001:db8::/32)", cn_v6, true},
    {"fd.snet in (2001:db8::/32)", cn_v6_ll, false},
    {"fd.snet in (0.0.0.0/0)", cn_v4_pool, true},
    {"fd.snet in (0.0.0.0/0)", cn_v6, false},  // an IPv4 network holds no IPv6 address
    {"fd.snet in (::/0)", cn_v6_ll, true},
    {"fd.snet in (10.0.0.0/8)", cn_v4_mapped, true},
    {"fd.snet exists", cn_abstract, false},
    {"fd.sport = 443", cn_v6, true},
    {"fd.sport = 443", cn_unix, false},
    {"not fd.sport = 443", cn_unix, true},
    {"fd.sport exists", op_shadow, false},
    {"fd.sockfamily = ip", cn_v4, true},
    {"fd.sockfamily = ip", cn_v6, true},
    {"fd.sockfamily = unix", cn_unix, true},
    {"fd.sockfamily = ip", cn_unix, false},
    {"fd.sockfamily exists", op_shadow, false},
    {"fd.unix_path = /var/run/docker.sock", cn_unix, true},
    {"fd.unix_path = @containerd-shim", cn_abstract, true},
    {"fd.unix_path = containerd-shim", cn_abstract, false},
    {"fd.unix_path exists", cn_v4, false},
    {"host.path = /etc/shadow", op_host_path, true},
    {"host.path = /etc/shadow", op_shadow, false},  // nothing reached a protected host file
    {"host.path in (/etc/shadow, /etc/sudoers)", op_host_path, true},
    {"host.path exists", cn_v4, false},

    {"proc.names = xmrig", [] { return exec_scene("/tmp/kworker", {"xmrig", "-o", "x"}); }, true},  // argv[0]'s name
    {"proc.names = minerd", [] { return exec_scene("/tmp/kworker", {"xmrig", "-o", "x"}); }, false},

    // ---- unset fields and case ----
    {"proc.name icontains xmrig", ex_upper_case, true},
    {"proc.cmdline icontains stratum+tcp", ex_upper_case, true},
    {"proc.args contains stratum+tcp", ex_upper_case, false},
    // evt.num counts from 1: Falco's never_true macro (evt.num=0) holds for no event
    {"evt.num = 0", ex_xmrig, false},
    {"evt.num > 0", ex_xmrig, true},
    // bcontains, bstartswith: bytes in hex
    {"proc.name bcontains 6d7269", ex_xmrig, true},    // "mri"
    {"proc.name bcontains 6d7269ff", ex_xmrig, false},
    {"proc.name bcontains 4D5249", ex_xmrig, false},   // "MRI": bytes, so case counts
    {"proc.name bstartswith 786d", ex_xmrig, true},    // "xm"
    {"proc.name bstartswith 6d72", ex_xmrig, false},
    // ---- Falco's user, process and thread fields, from /proc (TaskFacts) ----
    {"user.name = root", ex_facts, true},
    {"user.name = root", ex_facts_other, false},   // uid 1000 is not in its /etc/passwd
    {"user.name exists", ex_facts_unknown, false},
    {"user.loginuid = 1000", ex_facts, true},
    {"user.loginuid = -1", ex_facts_other, true},  // no login: -1, as Falco
    {"user.loginuid = -1", ex_facts_unknown, false},
    {"user.loginname = alice", ex_facts, true},
    {"user.loginname exists", ex_facts_other, false},
    {"group.name = root", ex_facts, true},
    {"group.name = users", ex_facts_other, false},  // of gid 5, but the event's gid is 100
    {"group.gid = 100", ex_user, true},
    {"group.gid = 0", ex_user, false},
    {"proc.tty != 0", ex_facts, true},
    {"proc.tty = 0", ex_facts_other, true},
    {"proc.tty = 0", ex_facts_unknown, false},
    {"proc.cwd startswith /dev/shm/", ex_facts, true},
    {"proc.cwd = /", ex_facts_other, true},
    {"proc.cwd exists", ex_facts_unknown, false},
    {"proc.vpid = 7", ex_facts, true},
    {"proc.vpid = 4321", ex_facts, false},
    {"proc.sid = 4321", ex_facts, true},
    {"proc.sname = sh", ex_facts, true},                     // its own session
    {"proc.sname = containerd-shim", ex_facts_other, true},  // the leader, from the process table
    {"proc.sname exists", ex_facts_unknown, false},
    {"proc.vpgid = 7", ex_facts, true},
    {"proc.vpgid = 7", ex_facts_other, false},
    {"proc.is_vpgid_leader = true", ex_facts, true},
    {"proc.is_vpgid_leader = true", ex_facts_other, false},
    {"proc.env[LD_PRELOAD] = /tmp/x.so", ex_facts, true},
    {"proc.env[EMPTY] = ''", ex_facts, true},
    {"proc.env[LD_PRELOA] exists", ex_facts, false},  // a whole name, not a prefix
    {"proc.env contains 'TERM=xterm LD_PRELOAD'", ex_facts, true},
    {"proc.env[HOME] exists", ex_facts_other, false},
    {"proc.duration >= 5000000000", ex_facts, true},
    {"proc.duration > 5000000000", ex_facts, false},
    {"proc.duration exists", ex_facts_other, false},  // start unknown
    {"proc.is_exe_from_memfd = true", ex_facts_other, true},
    {"proc.is_exe_from_memfd = true", ex_facts, false},
    {"proc.exe_ino = 1234", ex_facts, true},
    {"proc.exe_ino exists", ex_facts_other, false},
    {"proc.exe_ino.ctime = 1699999993000000000", ex_facts, true},
    {"proc.exe_ino.mtime = 1699999940000000000", ex_facts, true},
    {"proc.exe_ino.mtime = 1699999993000000000", ex_facts, false},
    {"proc.exe_ino.ctime_duration_proc_start = 2000000000", ex_facts, true},
    {"proc.exe_ino.ctime_duration_proc_start exists", ex_facts_other, false},
    {"proc.aexe[1] = sh", ex_deep, true},
    {"proc.aexe[2] = containerd-shim", ex_deep, true},
    {"proc.aexe[4] exists", ex_deep, false},
    {"proc.aexepath[2] = /usr/bin/containerd-shim-runc-v2", ex_deep, true},
    {"proc.aexepath = /usr/lib/systemd/systemd", ex_deep, true},  // any ancestor
    {"proc.aexepath = /usr/lib/systemd/systemd", ex_no_parent, false},
    {"thread.cap_effective icontains sys_admin", ex_facts, true},
    {"thread.cap_effective contains CAP_CHOWN", ex_facts, true},
    {"thread.cap_effective contains CAP_SYS_ADMIN", ex_facts_other, false},
    {"thread.cap_effective = ''", ex_facts_other, true},
    {"thread.cap_permitted contains CAP_CHECKPOINT_RESTORE", ex_facts, true},
    {"thread.cap_permitted contains CAP_BPF", ex_facts_unknown, false},
    // ---- evt.arg.NAME, evt.arg[NAME], evt.args ----
    {"evt.arg.name = /etc/shadow", op_shadow, true},
    {"evt.arg[name] = /etc/shadow", op_shadow, true},
    {"evt.arg.name = /etc/shadow", op_dotdot, false},  // as the call gave it
    {"evt.arg.filename = /tmp/.x/xmrig", ex_xmrig, true},
    {"evt.arg.fd = 3", op_shadow, true},
    {"evt.arg.fd exists", op_enoent, false},
    {"evt.arg.fd = 3", cn_v4, true},
    {"evt.arg.dirfd = 0", op_shadow, true},
    {"evt.arg.flags contains O_TRUNC", op_passwd_write, true},
    {"evt.arg.mode = 0755", op_create_exec, true},
    {"evt.arg.mode = 0755", op_create_plain, false},
    {"evt.arg.addr = 10.1.2.3:443", cn_v4, true},
    {"evt.arg.path exists", op_shadow, false},  // an argument of a call crowsnest does not observe
    {"evt.arg.request contains PTRACE_ATTACH", ex_xmrig, false},
    {"evt.args = 'fd=3 dirfd=0 name=/etc/shadow flags=O_RDONLY mode=00'", op_shadow, true},
    {"evt.args = 'filename=/tmp/.x/xmrig'", ex_xmrig, true},
    {"evt.args contains name=", cn_v4, false},
    {"evt.is_open_exec = true", op_create_exec, true},
    {"evt.is_open_exec = true", op_create_plain, false},
    // ---- Falco's socket fields ----
    {"fd.type = ipv4", cn_v4, true},
    {"fd.type = ipv6", cn_v6, true},
    {"fd.type = unix", cn_unix, true},
    {"fd.type = file", op_shadow, true},
    {"fd.type = directory", op_etc_dir, true},
    {"fd.type in (ipv4, ipv6)", cn_unix, false},
    {"fd.nameraw = /tmp/../etc/./shadow", op_dotdot, true},
    {"fd.nameraw = /etc/shadow", op_dotdot, false},
    {"fd.nameraw = 10.1.2.3:443", cn_v4, true},
    {"fd.name_changed = true", cn_fastopen, true},
    {"fd.name_changed = true", cn_v4, false},
    {"fd.connected = true", cn_v4, true},
    {"fd.connected = true", cn_inprogress, false},
    {"fd.ip = 10.1.2.3", cn_v4, true},
    {"fd.ip != \"0.0.0.0\"", cn_v4, true},
    {"fd.ip exists", cn_unix, false},
    {"fd.net = \"10.0.0.0/8\"", cn_v4, true},
    {"fd.net != \"127.0.0.0/8\"", cn_v4, true},
    {"fd.net = 127.0.0.0/8", cn_v4, false},
    {"fd.rip = 2001:db8::1", cn_v6, true},
    {"fd.rnet in (fd00::/8)", cn_v6_ula, true},
    {"fd.rnet in (fd00::/8)", cn_v6, false},
    {"fd.rport = 443", cn_v4, true},
    {"fd.port = 8080", cn_v6_ula, true},
    {"fd.port exists", cn_unix, false},
    // the socket's protocol and local port, when the kernel side read them
    {"fd.l4proto = udp and fd.lport = 40001", cn_udp, true},
    {"fd.l4proto = tcp", cn_udp, false},
    // not read (io_uring's connect): <NA>, so no comparison holds
    {"fd.l4proto != tcp", cn_v4, false},
    {"fd.lport exists", cn_v4, false},
    {"fd.cip != 10.1.2.3", cn_v4, false},
    {"fd.cnet in (0.0.0.0/0)", cn_v4, false},
    {"fd.cport exists", cn_v4, false},
    {"fd.sip.name exists", cn_v4, false},
    {"fd.cip.name exists", cn_v4, false},
    {"fd.rip.name != example.com", cn_v4, false},
    {"fd.lip.name exists", cn_v4, false},
    // ---- the other calls: ptrace, setns, unshare, modules, bpf, socket, links, chmod, set*id, dup ----
    {"evt.type = ptrace and evt.arg.request contains PTRACE_ATTACH", sc_ptrace_attach, true},
    {"evt.arg.request contains PTRACE_ATTACH", sc_ptrace_peek, false},
    {"evt.arg.request = PTRACE_TRACEME", sc_ptrace_traceme, true},
    {"evt.arg.pid = 4242", sc_ptrace_attach, true},
    {"evt.args = 'request=PTRACE_ATTACH pid=4242'", sc_ptrace_attach, true},
    {"evt.syscall = ptrace and evt.res = SUCCESS", sc_ptrace_attach, true},
    {"evt.type = setns and evt.arg.nstype = CLONE_NEWNET and evt.arg.fd = 3", sc_setns, true},
    {"evt.type = unshare", sc_setns, false},
    {"evt.type = unshare and evt.arg.flags contains CLONE_NEWUSER and evt.res = EPERM", sc_unshare_user, true},
    {"evt.type in (init_module, finit_module) and evt.failed = true", sc_finit_module, true},
    {"evt.type = init_module and evt.res = ENOSYS and evt.arg.length = 4096", sc_init_module, true},
    {"evt.type = finit_module", sc_init_module, false},
    {"evt.type = bpf and (evt.arg.cmd = 5 or evt.arg.cmd = BPF_PROG_LOAD)", sc_bpf_prog_load, true},
    {"evt.type = bpf and (evt.arg.cmd = 5 or evt.arg.cmd = BPF_PROG_LOAD)", sc_bpf_map_lookup, false},
    {"evt.type = socket and evt.arg.domain contains AF_PACKET", sc_socket_packet, true},
    {"evt.arg.type = SOCK_RAW|SOCK_CLOEXEC and evt.arg.proto = 768", sc_socket_packet, true},
    {"evt.arg.domain contains AF_PACKET", sc_socket_udp, false},
    {"fd.type exists", sc_socket_packet, false},  // no ends read: not a socket the kernel side described
    {"fd.l4proto = udp and fd.lport = 0 and fd.num = 4", sc_socket_udp, true},
    {"evt.type in (symlink, symlinkat) and evt.arg.target in (/etc/shadow)", sc_symlink_shadow, true},
    {"evt.arg.linkpath = /tmp/s", sc_symlink_shadow, true},
    {"evt.arg.target in (/etc/shadow)", sc_symlinkat_rel, false},  // as the call gave it
    {"evt.arg.target = ../etc/shadow and evt.arg.linkdirfd = -100", sc_symlinkat_rel, true},
    {"evt.arg.target startswith /etc/sha", sc_symlink_hostile, true},
    {"evt.arg.target = /etc/shadow", sc_symlink_hostile, false},
    {"evt.type in (link, linkat) and evt.arg.oldpath = /etc/shadow and evt.arg.newpath = /tmp/h", sc_link_shadow,
     true},
    {"evt.arg.flags = AT_SYMLINK_FOLLOW and evt.arg.olddir = -100 and evt.arg.newdir = -100", sc_linkat, true},
    {"evt.arg.oldpath exists", sc_symlink_shadow, false},
    {"evt.type in (chmod, fchmod, fchmodat) and evt.arg.mode contains S_ISUID", sc_chmod_suid, true},
    {"evt.arg.mode contains S_ISUID", sc_fchmod, false},
    {"evt.arg.mode = S_IROTH|S_IRGRP|S_IWUSR|S_IRUSR and evt.arg.fd = 3", sc_fchmod, true},
    {"evt.arg.mode contains S_ISGID and evt.arg.filename = bin/x and evt.arg.dirfd = -100", sc_fchmodat_sgid, true},
    {"evt.arg.filename = /tmp/x", sc_chmod_suid, true},
    {"evt.type = setuid and evt.arg.uid = 0 and evt.failed = true", sc_setuid_root, true},
    {"evt.arg.uid = nobody", sc_setuid_nobody, true},
    {"evt.arg.uid = nobody", sc_setuid_root, false},
    {"evt.arg.euid = 0 and evt.arg.ruid = -1 and evt.arg.suid = -1", sc_setresuid, true},
    {"evt.type in (dup, dup2, dup3) and evt.rawres in (0, 1, 2) and fd.type in (ipv4, ipv6)", sc_dup2_sock, true},
    {"evt.type in (dup, dup2, dup3) and evt.rawres in (0, 1, 2)", sc_dup2_stderr, false},
    {"fd.name = 10.9.8.7:4444 and fd.sip = 10.9.8.7 and fd.rport = 4444 and fd.lport = 40000 and fd.l4proto = tcp",
     sc_dup2_sock, true},
    {"evt.args = 'oldfd=3 newfd=0'", sc_dup2_sock, true},
    {"fd.typechar = 6 and fd.num = 5 and fd.sockfamily = ip and fd.net in (fd00::/8)", sc_dup_v6, true},
    {"evt.arg.flags = O_CLOEXEC and fd.l4proto = udp", sc_dup3_udp, true},
    // an accept's server is its local end, its client and remote end the peer (Falco's reading)
    {"evt.type in (accept, accept4) and fd.sip = 10.0.0.2 and fd.sport = 4444 and fd.lport = 4444", sc_accept, true},
    {"fd.cip = 10.9.8.7 and fd.cport = 51000 and fd.rip = 10.9.8.7 and fd.rport = 51000", sc_accept, true},
    {"fd.cnet in (10.9.0.0/16) and fd.rnet in (10.9.0.0/16) and fd.snet in (10.0.0.0/24)", sc_accept, true},
    {"fd.sip = 10.9.8.7", sc_accept, false},
    {"fd.name = '10.9.8.7:51000->10.0.0.2:4444' and fd.num = 5 and fd.typechar = 4 and fd.l4proto = tcp", sc_accept,
     true},
    {"evt.args = 'fd=5 tuple=10.9.8.7:51000->10.0.0.2:4444'", sc_accept, true},
    {"evt.arg.fd = 5 and evt.arg.tuple startswith 10.9.8.7", sc_accept, true},
    {"evt.type = accept4 and evt.arg.flags = SOCK_NONBLOCK|SOCK_CLOEXEC and fd.type = ipv6", sc_accept4_v6, true},
    {"fd.name = '[fd00::9]:52000->[fd00::2]:8443' and fd.cip = fd00::9 and fd.sip = fd00::2", sc_accept4_v6, true},
    {"fd.cip exists or fd.cport exists", sc_dup2_sock, false},  // only an accept knows its client
    // io_uring's accept is the call it stands for, told apart by evt.syscall
    {"evt.type = accept4 and evt.syscall = io_uring_accept and fd.cip = 10.9.8.7 and fd.num = 7", sc_uring_accept,
     true},
    {"evt.args = 'fd=7 tuple=10.9.8.7:51000->10.0.0.2:4444 flags=SOCK_CLOEXEC'", sc_uring_accept, true},
    {"evt.type = listen and fd.sport = 4444 and fd.sip = 0.0.0.0 and fd.name = '0.0.0.0:4444' and fd.num = 3",
     sc_listen, true},
    {"evt.args = 'fd=3 backlog=128' and fd.l4proto = tcp and not fd.cip exists", sc_listen, true},
    {"fd.rip = 10.9.8.7 and fd.rport = 4444", sc_dup2_sock, true},
    {"fd.lip = 10.0.0.2 and fd.lnet in (10.0.0.0/8) and fd.lport = 4444", sc_accept, true},
    {"fd.lip = 10.0.0.2 and fd.lport = 40000", sc_dup2_sock, true},
    {"fd.lip exists or fd.lnet exists", cn_no_process, false},  // a connect does not carry its local address
    {"evt.type = mount and evt.arg.dev = /dev/sda1 and evt.arg.dir = /mnt and evt.arg.type = ext4", sc_mount_disk,
     true},
    {"evt.arg.flags = RDONLY and evt.res = EPERM", sc_mount_disk, true},  // the old magic number dropped
    {"evt.args = 'dev=/dev/sda1 dir=/mnt type=ext4 flags=RDONLY'", sc_mount_disk, true},
    {"evt.arg.type exists", sc_mount_bind, true},  // a bind has no fs type: empty, not unset
    {"evt.arg.type = ''", sc_mount_bind, true},
    {"evt.arg.flags = BIND|REC and evt.arg.dev = /data", sc_mount_bind, true},
    {"evt.arg.type startswith cgroup", sc_mount_hostile, true},
    {"evt.arg.type = cgroup", sc_mount_hostile, false},  // the NUL and what follows it are kept
    {"evt.arg.dir startswith /m", sc_mount_hostile, true},
    {"evt.type = umount2 and evt.arg.name = /mnt and evt.arg.flags = DETACH|NOFOLLOW", sc_umount2, true},
    {"evt.arg.dir exists", sc_umount2, false},
    {"evt.type = mknod and evt.arg.mode contains S_IFBLK and evt.arg.dev = 0x800", sc_mknod_blk, true},
    {"evt.arg.mode = S_IFBLK|S_IWUSR|S_IRUSR and evt.arg.path = /tmp/sda", sc_mknod_blk, true},
    {"evt.arg.mode contains S_IFBLK", sc_mknodat_fifo, false},
    {"evt.args = 'dirfd=-100 path=f mode=S_IFIFO|S_IROTH|S_IRGRP|S_IWUSR|S_IRUSR dev=0x0'", sc_mknodat_fifo, true},
    {"evt.arg.mode = S_IFREG and evt.res = EEXIST", sc_mknod_plain, true},  // no type makes a regular file
    {"evt.type = memfd_create and evt.arg.name = jit and evt.arg.fd = 4", sc_memfd, true},
    {"evt.arg.flags = MFD_CLOEXEC|MFD_ALLOW_SEALING", sc_memfd, true},
    {"evt.args = 'fd=4 name=jit flags=MFD_CLOEXEC|MFD_ALLOW_SEALING'", sc_memfd, true},
    {"evt.arg.fd exists", sc_memfd_failed, false},  // a failed call made no fd
    {"evt.args = 'name=x flags=0'", sc_memfd_failed, true},
    {"evt.arg.path exists or evt.arg.dir exists", sc_memfd, false},
    {"evt.type = fsopen and evt.arg.type = ext4 and evt.arg.fd = 5 and evt.arg.flags = 1", sc_fsopen_ext4, true},
    {"evt.args = 'fd=5 type=ext4 flags=1'", sc_fsopen_ext4, true},
    {"evt.arg.dev exists", sc_fsopen_ext4, false},
    {"fd.type exists", sc_setns, false},  // only dup and socket have an fd
    {"fd.lport exists", sc_setns, false},
    // the new program's stdio at exec
    {"proc.stdin.type = ipv4 and proc.stdout.type = ipv4 and proc.stderr.type = pipe", ex_stdio_shell, true},
    {"proc.stdin.type = pipe or proc.stdout.type in (unix, tty) or proc.stderr.type = ipv4", ex_stdio_shell, false},
    {"proc.stdin.type exists", ex_xmrig, false},  // no stdio read: unset
    {"proc.stdin.ino = 5001 and proc.stdout.ino = 5001 and proc.stderr.ino = 777", ex_stdio_shell, true},
    {"proc.stdin.ino = 777 or proc.stdout.ino = 777 or proc.stderr.ino = 5001", ex_stdio_shell, false},
    {"proc.stderr.pipe = 777 and not proc.stdin.pipe exists and not proc.stdout.pipe exists", ex_stdio_shell, true},
    {"proc.stdin.pipe = 777 and proc.stdout.pipe exists and proc.stderr.pipe exists", ex_stdio_swapped, false},
    {"proc.stdin.lip = 10.0.0.2 and proc.stdout.lip in (v4_nets) and proc.stdin.lport = 40000 and "
     "proc.stdout.lport = 40000", ex_stdio_shell, true},
    {"proc.stdin.lip = 203.0.113.9 or proc.stderr.lip exists or proc.stderr.lport exists", ex_stdio_shell, false},
    {"proc.stdin.rip = 203.0.113.9 and proc.stdout.rip in (203.0.113.0/24) and proc.stdin.rport = 4444 and "
     "proc.stdout.rport = 4444", ex_stdio_shell, true},
    {"proc.stdin.rip in (v4_nets) or proc.stderr.rip exists or proc.stderr.rport exists", ex_stdio_shell, false},
    {"proc.stdin.l4proto = tcp and proc.stdout.l4proto in (tcp, udp)", ex_stdio_shell, true},
    {"proc.stdin.l4proto = udp or proc.stderr.l4proto exists", ex_stdio_shell, false},
    {"proc.stdout.is_stdin = true and proc.stderr.is_stdin = false", ex_stdio_shell, true},
    {"proc.stdout.is_stdin = true or proc.stderr.is_stdin = true", ex_stdio_swapped, false},
    {"proc.stderr.type = ipv4 and proc.stderr.rip = 203.0.113.9 and proc.stderr.lip = 10.0.0.2 and "
     "proc.stderr.rport = 4444 and proc.stderr.lport = 40000 and proc.stderr.l4proto = tcp and "
     "proc.stderr.ino = 5001 and proc.stdin.pipe = 777", ex_stdio_swapped, true},
    {"proc.stderr.type = ipv4 and proc.stderr.pipe exists", ex_stdio_swapped, false},
    {"proc.stdin.writer.names = curl and proc.stdin.writer.exepath = /usr/bin/curl and "
     "proc.stdin.writer.args = '-s http://x' and proc.stdin.writer.connected = true and proc.connects = 0",
     ex_piped_shell, true},
    {"proc.stdin.writer.names = wget or proc.stdin.writer.connected = false or proc.stdout.reader.names exists",
     ex_piped_shell, false},
    {"proc.stdout.reader.names = sh and proc.stdout.reader.exepath = /bin/sh and proc.stdout.reader.args = '-s' and "
     "proc.stdout.reader.connected = false and proc.connects = 1", ex_piped_writer, true},
    {"proc.connects exists or proc.stdin.writer.names exists or proc.stdout.reader.connected exists", ex_xmrig, false},
    {"evt.type = accept and proc.accepts = 1 and proc.connects = 0 and proc.stdout.reader.names = sh and "
     "proc.stdout.reader.accepted = false",
     ex_listener_writer, true},
    {"proc.stdin.writer.accepted = true and proc.stdin.writer.connected = false and proc.accepts = 0",
     ex_listener_shell, true},
    {"proc.stdin.writer.accepted = true", ex_piped_shell, false},
    {"proc.accepts exists or proc.stdout.reader.accepted exists", ex_xmrig, false},
    {"fd.name != /etc/shadow", ex_xmrig, false},  // an unset field compares false, even with !=
    {"not fd.name = /etc/shadow", ex_xmrig, true},
    {"fd.name != /etc/shadow or proc.name = xmrig", ex_xmrig, true},
};

TEST_CASE("conformance: conditions against events", "[conformance]") {
    CHECK(kRows.size() >= 150);
    RuleFiles files;
    for (const auto &row : kRows) {
        INFO("condition: " << row.condition << "\nexpected to " << (row.fires ? "fire" : "stay quiet"));
        auto rules = files.load({std::string(kPrelude) + rule_text(row.condition)});
        INFO("errors:\n" << joined(files.errors));
        REQUIRE(rules);
        CHECK(fires(*rules, row.make()) == row.fires);
    }
}

TEST_CASE("conformance: the table names every field", "[conformance]") {
    for (const auto &f : crowsnest::field_table()) {
        INFO(f.name);
        const std::string name(f.name);
        CHECK(std::any_of(kRows.begin(), kRows.end(), [&](const Row &r) {
            const std::string c = r.condition;
            for (size_t at = c.find(name); at != std::string::npos; at = c.find(name, at + 1)) {
                const size_t end = at + name.size();
                if (end == c.size() || c[end] == ' ' || c[end] == '[') return true;
            }
            return false;
        }));
    }
}

// ---- whole files: exceptions, append/override, enabled ---------------------------

struct FileRow {
    const char *what;
    std::vector<const char *> files;
    Scene (*make)();
    bool fires;
    const char *output = nullptr;  // the detection's text, when given
};

const char *kExecRule = R"(- list: shells
  items: [bash]
- macro: shell_exec
  condition: evt.type = execve and proc.name in (shells)
- rule: t
  desc: a shell ran
  condition: shell_exec
  output: "%proc.name ran"
  priority: WARNING
  tags: [test]
)";

const char *kConnectRule = R"(- rule: t
  desc: outbound
  condition: evt.type = connect and fd.sockfamily = ip
  output: "%proc.name to %fd.name"
  priority: NOTICE
  tags: [test]
  exceptions:
    - name: known_clients
      fields: [proc.name, fd.sport]
      comps: [=, in]
      values:
        - [curl, [80, 443]]
        - [wget, [8080]]
    - name: private_nets
      fields: [fd.snet]
      comps: [in]
      values:
        - [[172.16.0.0/12]]
)";

const char *kSingleException = R"(- rule: t
  desc: exec
  condition: evt.type = execve
  output: "%proc.name"
  priority: WARNING
  tags: [test]
  exceptions:
    - name: known
      fields: proc.name
      values: [bash, dash]
)";

const std::vector<FileRow> kFileRows = {
    {"base rule fires, with its output", {kExecRule}, ex_bash, true, "bash ran"},
    {"base rule quiet", {kExecRule}, ex_dash, false},
    // lists
    {"list appended (append: true)", {kExecRule, "- list: shells\n  items: [dash]\n  append: true\n"}, ex_dash, true},
    {"list appended keeps old items", {kExecRule, "- list: shells\n  items: [dash]\n  append: true\n"}, ex_bash, true},
    {"list appended (override: append)",
     {kExecRule, "- list: shells\n  items: [dash]\n  override:\n    items: append\n"}, ex_dash, true},
    {"list replaced (override: replace)",
     {kExecRule, "- list: shells\n  items: [dash]\n  override:\n    items: replace\n"}, ex_bash, false},
    {"list replaced (override: replace), new items",
     {kExecRule, "- list: shells\n  items: [dash]\n  override:\n    items: replace\n"}, ex_dash, true},
    {"list redefined in a later file", {kExecRule, "- list: shells\n  items: [zsh]\n"}, ex_zsh, true},
    {"list redefined in a later file drops old items", {kExecRule, "- list: shells\n  items: [zsh]\n"}, ex_bash, false},
    {"list appended in the same file before the rule",
     {"- list: shells\n  items: [bash]\n- list: shells\n  items: [zsh]\n  append: true\n"
      "- rule: t\n  desc: t\n  condition: proc.name in (shells)\n  output: x\n  priority: INFO\n"},
     ex_zsh, true},
    {"a list naming a list sees items appended to it later",
     {"- list: inner\n  items: [bash]\n- list: outer\n  items: [inner, zsh]\n"
      "- rule: t\n  desc: t\n  condition: proc.name in (outer)\n  output: x\n  priority: INFO\n",
      "- list: inner\n  items: [dash]\n  append: true\n"},
     ex_dash, true},
    // macros
    {"macro appended",
     {kExecRule, "- macro: shell_exec\n  condition: or proc.name = dash\n  append: true\n"}, ex_dash, true},
    {"macro appended (override: append)",
     {kExecRule, "- macro: shell_exec\n  condition: or proc.name = dash\n  override:\n    condition: append\n"},
     ex_dash, true},
    {"macro replaced", {kExecRule, "- macro: shell_exec\n  condition: proc.name = zsh\n  override:\n    condition: replace\n"},
     ex_bash, false},
    {"macro replaced, new condition",
     {kExecRule, "- macro: shell_exec\n  condition: proc.name = zsh\n  override:\n    condition: replace\n"}, ex_zsh,
     true},
    {"macro redefined in a later file", {kExecRule, "- macro: shell_exec\n  condition: proc.name = zsh\n"}, ex_zsh, true},
    {"macro defined after the rule that uses it",
     {"- rule: t\n  desc: t\n  condition: late\n  output: x\n  priority: INFO\n- macro: late\n  condition: proc.name = bash\n"},
     ex_bash, true},
    // rules
    {"rule condition appended (append: true)",
     {kExecRule, "- rule: t\n  condition: and proc.pid = 1\n  append: true\n"}, ex_bash, false},
    {"rule condition appended, still matching",
     {kExecRule, "- rule: t\n  condition: and proc.pid = 4321\n  append: true\n"}, ex_bash, true},
    {"rule condition replaced (override)",
     {kExecRule, "- rule: t\n  condition: proc.name = dash\n  override:\n    condition: replace\n"}, ex_dash, true},
    {"rule output replaced (override)",
     {kExecRule, "- rule: t\n  output: \"shell %proc.name by %proc.pname\"\n  override:\n    output: replace\n"}, ex_bash,
     true, "shell bash by sh"},
    {"legacy append leaves the output alone",
     {kExecRule, "- rule: t\n  condition: and proc.pid = 4321\n  output: changed\n  append: true\n"}, ex_bash, true,
     "bash ran"},
    {"rule redefined in a later file replaces it",
     {kExecRule,
      "- rule: t\n  desc: t2\n  condition: proc.name = dash\n  output: \"%proc.name again\"\n  priority: INFO\n"},
     ex_dash, true, "dash again"},
    {"rule redefined in a later file: old condition gone",
     {kExecRule, "- rule: t\n  desc: t2\n  condition: proc.name = dash\n  output: x\n  priority: INFO\n"}, ex_bash, false},
    {"rule disabled in a later file", {kExecRule, "- rule: t\n  enabled: false\n"}, ex_bash, false},
    {"rule disabled with override", {kExecRule, "- rule: t\n  enabled: false\n  override:\n    enabled: replace\n"},
     ex_bash, false},
    {"rule disabled in its own file", {"- rule: t\n  desc: t\n  condition: proc.name = bash\n  output: x\n  "
                                       "priority: INFO\n  enabled: false\n"},
     ex_bash, false},
    {"disabled rule enabled again",
     {"- rule: t\n  desc: t\n  condition: proc.name = bash\n  output: x\n  priority: INFO\n  enabled: false\n",
      "- rule: t\n  enabled: true\n"},
     ex_bash, true},
    // exceptions: tuple form
    {"tuple exception: not excepted", {kConnectRule}, cn_v4_pool, true, "curl to 192.168.7.9:3333"},
    {"tuple exception: curl to 443 excepted", {kConnectRule}, cn_v4, false},
    {"tuple exception: curl to 80 excepted",
     {kConnectRule}, [] { return connect_inet_scene("8.8.8.8", 80); }, false},
    {"tuple exception: curl to 8080 is not", {kConnectRule}, cn_v6_ula, true},
    {"tuple exception: wget to 8080 excepted",
     {kConnectRule}, [] { return connect_inet_scene("8.8.8.8", 8080).by("/usr/bin/wget", {"wget"}); }, false},
    {"tuple exception: wget to 443 is not",
     {kConnectRule}, [] { return connect_inet_scene("8.8.8.8", 443).by("/usr/bin/wget", {"wget"}); }, true},
    {"tuple exception: a network list",
     {kConnectRule}, [] { return connect_inet_scene("172.20.0.5", 3333); }, false},
    {"tuple exception values appended from a second file",
     {kConnectRule, "- rule: t\n  exceptions:\n    - name: known_clients\n      values:\n        - [curl, [3333]]\n"
                    "  append: true\n"},
     cn_v4_pool, false},
    {"tuple exception values appended (override: append)",
     {kConnectRule, "- rule: t\n  exceptions:\n    - name: known_clients\n      values:\n        - [curl, [3333]]\n"
                    "  override:\n    exceptions: append\n"},
     cn_v4_pool, false},
    {"appended exception values keep the old ones",
     {kConnectRule, "- rule: t\n  exceptions:\n    - name: known_clients\n      values:\n        - [curl, [3333]]\n"
                    "  append: true\n"},
     cn_v4, false},
    {"a new exception appended from a second file",
     {kConnectRule, "- rule: t\n  exceptions:\n    - name: by_port\n      fields: [fd.sport]\n      values:\n"
                    "        - [3333]\n  append: true\n"},
     cn_v4_pool, false},
    {"exceptions replaced (override: replace)",
     {kConnectRule, "- rule: t\n  exceptions:\n    - name: by_port\n      fields: [fd.sport]\n      values:\n"
                    "        - [3333]\n  override:\n    exceptions: replace\n"},
     cn_v4, true},
    {"exceptions replaced, then values appended to the new one by name",
     {kConnectRule,
      "- rule: t\n  exceptions:\n    - name: by_port\n      fields: [fd.sport]\n      values:\n"
      "        - [3333]\n  override:\n    exceptions: replace\n",
      "- rule: t\n  exceptions:\n    - name: by_port\n      values:\n        - [443]\n  append: true\n"},
     cn_v4, false},
    {"rule redefined in a later file, then values appended to its exception",
     {kSingleException,
      "- rule: t\n  desc: exec\n  condition: evt.type = execve\n  output: x\n  priority: INFO\n  exceptions:\n"
      "    - name: known\n      fields: proc.name\n      values: [dash]\n",
      "- rule: t\n  exceptions:\n    - name: known\n      values: [zsh]\n  append: true\n"},
     ex_zsh, false},
    {"rule redefined in a later file, then values appended: the old values are gone",
     {kSingleException,
      "- rule: t\n  desc: exec\n  condition: evt.type = execve\n  output: x\n  priority: INFO\n  exceptions:\n"
      "    - name: known\n      fields: proc.name\n      values: [dash]\n",
      "- rule: t\n  exceptions:\n    - name: known\n      values: [zsh]\n  append: true\n"},
     ex_bash, true},
    {"tuple exception with a list name",
     {"- list: good_ports\n  items: [443]\n", kConnectRule,
      "- rule: t\n  exceptions:\n    - name: by_port\n      fields: [fd.sport]\n      comps: [in]\n      values:\n"
      "        - [good_ports]\n  append: true\n"},
     [] { return connect_inet_scene("8.8.8.8", 443).by("/usr/bin/wget", {"wget"}); }, false},
    {"exception comps: pmatch and startswith",
     {"- rule: t\n  desc: t\n  condition: evt.type = openat\n  output: x\n  priority: INFO\n  exceptions:\n"
      "    - name: paths\n      fields: [fd.name, proc.exepath]\n      comps: [pmatch, startswith]\n"
      "      values:\n        - [[/etc], /usr/bin/]\n"},
     op_shadow, false},
    {"exception comps: pmatch does not match /etcd",
     {"- rule: t\n  desc: t\n  condition: evt.type = openat\n  output: x\n  priority: INFO\n  exceptions:\n"
      "    - name: paths\n      fields: [fd.name, proc.exepath]\n      comps: [pmatch, startswith]\n"
      "      values:\n        - [[/etc], /usr/bin/]\n"},
     op_etcd, true},
    {"exception on an unset field does not except",
     {"- rule: t\n  desc: t\n  condition: evt.type = execve\n  output: x\n  priority: INFO\n  exceptions:\n"
      "    - name: by_port\n      fields: [fd.sport]\n      comps: ['!=']\n      values:\n        - [1]\n"},
     ex_bash, true},
    // exceptions: single-field form
    {"single-field exception: excepted", {kSingleException}, ex_bash, false},
    {"single-field exception: excepted (second value)", {kSingleException}, ex_dash, false},
    {"single-field exception: not excepted", {kSingleException}, ex_zsh, true},
    {"single-field exception with comps: startswith",
     {"- rule: t\n  desc: t\n  condition: evt.type = execve\n  output: x\n  priority: INFO\n  exceptions:\n"
      "    - name: dirs\n      fields: proc.exepath\n      comps: startswith\n      values: [/bin/, /sbin/]\n"},
     ex_zsh, false},
    {"single-field exception with comps: startswith, no match",
     {"- rule: t\n  desc: t\n  condition: evt.type = execve\n  output: x\n  priority: INFO\n  exceptions:\n"
      "    - name: dirs\n      fields: proc.exepath\n      comps: startswith\n      values: [/bin/, /sbin/]\n"},
     ex_xmrig, true},
    {"single-field exception values appended from a second file",
     {kSingleException, "- rule: t\n  exceptions:\n    - name: known\n      values: [zsh]\n  append: true\n"}, ex_zsh,
     false},
    {"single-field exception values appended, old ones kept",
     {kSingleException, "- rule: t\n  exceptions:\n    - name: known\n      values: [zsh]\n  append: true\n"}, ex_bash,
     false},
    {"single-field exception values appended, others still fire",
     {kSingleException, "- rule: t\n  exceptions:\n    - name: known\n      values: [zsh]\n  append: true\n"}, ex_xmrig,
     true},
};

TEST_CASE("conformance: rule files, exceptions, append and override", "[conformance]") {
    CHECK(kFileRows.size() >= 50);
    for (const auto &row : kFileRows) {
        INFO(row.what);
        RuleFiles files;
        std::vector<std::string> texts(row.files.begin(), row.files.end());
        auto rules = files.load(texts);
        INFO("errors:\n" << joined(files.errors));
        REQUIRE(rules);
        const auto ds = detect(*rules, row.make());
        const Detection *d = nullptr;
        for (const auto &x : ds)
            if (x.rule->name == "t") d = &x;
        CHECK((d != nullptr) == row.fires);
        if (d && row.output) CHECK(d->output == row.output);
    }
}

TEST_CASE("conformance: a chain of 50 000 lists, each naming the next, expands", "[conformance]") {
    // a list names lists defined before it: l50000 first, l00001 last. l00001
    // sorts first, so expanding it goes the whole chain deep (a recursion
    // overflowed the stack)
    const int n = 50000;
    auto name = [](int i) {
        const std::string digits = std::to_string(i);
        return "l" + std::string(5 - digits.size(), '0') + digits;
    };
    std::string yaml = "- list: " + name(n) + "\n  items: [bash]\n";
    for (int i = n - 1; i >= 1; i--) yaml += "- list: " + name(i) + "\n  items: [" + name(i + 1) + "]\n";
    RuleFiles files;
    auto rules = files.load({yaml + "- rule: t\n  desc: t\n  condition: proc.name in (l00001)\n  output: x\n"
                                    "  priority: INFO\n"});
    INFO("errors:\n" << joined(files.errors));
    REQUIRE(rules);
    CHECK(detect(*rules, ex_bash()).size() == 1);
    CHECK(detect(*rules, ex_dash()).empty());
}

// ---- thresholds ------------------------------------------------------------------

struct Step {
    Scene (*make)();
    uint64_t at_s;  // event.boot_ns, in seconds
    bool fires;
};

struct ThresholdRow {
    const char *what;
    const char *condition;
    const char *threshold;  // the YAML block's body, indented four spaces
    std::vector<Step> steps;
};

Scene scan_80() { return connect_inet_scene("10.9.9.9", 80); }
Scene scan_81() { return connect_inet_scene("10.9.9.9", 81); }
Scene scan_82() { return connect_inet_scene("10.9.9.9", 82); }
Scene other_host_80() { return connect_inet_scene("10.9.9.8", 80); }
Scene other_host_81() { return connect_inet_scene("10.9.9.8", 81); }
Scene other_cgroup_82() {
    Scene s = connect_inet_scene("10.9.9.9", 82);
    s.event.cgroup_id = 5555;
    return s;
}

const char *kScan = "    group_by: [cgroup.id, fd.sip]\n    distinct: fd.sport\n    at_least: 3\n    within: 10s\n";
const char *kCount = "    group_by: [proc.name]\n    at_least: 3\n    within: 500ms\n";

const std::vector<ThresholdRow> kThresholdRows = {
    {"distinct ports: the third fires", "evt.type = connect", kScan,
     {{scan_80, 1, false}, {scan_81, 2, false}, {scan_82, 3, true}}},
    {"repeated ports do not count", "evt.type = connect", kScan,
     {{scan_80, 1, false}, {scan_80, 2, false}, {scan_81, 3, false}, {scan_81, 4, false}, {scan_80, 5, false}}},
    {"groups by fd.sip count apart", "evt.type = connect", kScan,
     {{scan_80, 1, false}, {scan_81, 1, false}, {other_host_80, 1, false}, {other_host_81, 1, false},
      {scan_82, 2, true}}},
    {"groups by cgroup.id count apart", "evt.type = connect", kScan,
     {{scan_80, 1, false}, {scan_81, 1, false}, {other_cgroup_82, 1, false}, {scan_82, 2, true}}},
    {"the window expires", "evt.type = connect", kScan,
     {{scan_80, 1, false}, {scan_81, 2, false}, {scan_82, 12, false}, {scan_80, 13, false}, {scan_81, 14, true}}},
    {"once per window, then again", "evt.type = connect", kScan,
     {{scan_80, 1, false}, {scan_81, 1, false}, {scan_82, 1, true}, {scan_80, 2, false}, {scan_81, 3, false},
      {scan_82, 4, false}, {scan_80, 12, false}, {scan_81, 12, false}, {scan_82, 12, true}}},
    {"only events that match the condition count", "evt.type = connect and fd.sport != 81", kScan,
     {{scan_80, 1, false}, {scan_81, 1, false}, {scan_82, 1, false}, {other_cgroup_82, 1, false}}},
    {"events without distinct: the third fires", "evt.type = execve", kCount,
     {{ex_bash, 1, false}, {ex_bash, 1, false}, {ex_bash, 1, true}}},
    {"events without distinct: groups by proc.name", "evt.type = execve", kCount,
     {{ex_bash, 1, false}, {ex_dash, 1, false}, {ex_bash, 1, false}, {ex_dash, 1, false}, {ex_dash, 1, true}}},
    {"events without distinct: a 500ms window", "evt.type = execve", kCount,
     {{ex_bash, 1, false}, {ex_bash, 1, false}, {ex_bash, 2, false}, {ex_bash, 2, false}, {ex_bash, 2, true}}},
};

TEST_CASE("conformance: thresholds", "[conformance]") {
    for (const auto &row : kThresholdRows) {
        INFO(row.what);
        RuleFiles files;
        auto rules = files.load({rule_text(row.condition, std::string("  threshold:\n") + row.threshold)});
        INFO("errors:\n" << joined(files.errors));
        REQUIRE(rules);
        for (size_t i = 0; i < row.steps.size(); i++) {
            INFO("step " << i);
            Scene s = row.steps[i].make();
            s.event.boot_ns = row.steps[i].at_s * kSecond;
            CHECK(fires(*rules, s) == row.steps[i].fires);
        }
    }
}

// ---- one verdict per category ------------------------------------------------------

TEST_CASE("conformance: one verdict per category, the first rule in load order, rules of no category all fire",
          "[conformance]") {
    RuleFiles files;
    auto rule = [](const std::string &name, const std::string &tags) {
        return "- rule: " + name + "\n  desc: d\n  condition: evt.type = execve\n  output: \"" + name +
               " %proc.name\"\n  priority: WARNING\n  tags: " + tags + "\n";
    };
    auto rules = files.load({rule("m1", "[T1496, miner]") + rule("m2", "[miner, T1059]") +
                                 rule("s1", "[scanner]") + rule("o1", "[T1059]") + rule("o2", "[]"),
                             rule("m3", "[miner]") + rule("r1", "[recon, miner]")});
    INFO(joined(files.errors));
    REQUIRE(rules);
    const auto ds = detect(*rules, ex_bash());
    std::vector<std::string> names;
    for (const auto &d : ds) names.push_back(d.rule->name);
    CHECK(names == std::vector<std::string>{"m1", "s1", "o1", "o2", "r1"});
    REQUIRE(ds.size() == 5);
    CHECK(ds[0].rule->category == "miner");
    CHECK(ds[0].rule->tags == std::vector<std::string>{"T1496"});
    CHECK(ds[0].output == "m1 bash");
    CHECK(ds[1].rule->category == "scanner");
    CHECK(ds[2].rule->category == "other");
    CHECK(ds[3].rule->category == "other");
    CHECK(ds[4].rule->category == "recon");  // the first category tag; later ones are plain tags
    CHECK(ds[4].rule->tags == std::vector<std::string>{"miner"});

    // a threshold rule that is not yet reporting does not take its category's slot
    auto th = files.load({rule("scan_th", "[scanner]") +
                              "  threshold:\n    group_by: [proc.name]\n    at_least: 2\n    within: 10s\n" +
                              rule("scan_plain", "[scanner]")});
    REQUIRE(th);
    Scene s = ex_bash();
    s.event.boot_ns = kSecond;
    auto first = detect(*th, s);
    REQUIRE(first.size() == 1);
    CHECK(first[0].rule->name == "scan_plain");
    auto second = detect(*th, s);
    REQUIRE(second.size() == 1);
    CHECK(second[0].rule->name == "scan_th");
}

TEST_CASE("conformance: priorities map to severities, host.path values are watched", "[conformance]") {
    struct P {
        const char *priority, *severity;
    };
    for (const P &p : {P{"EMERGENCY", "critical"}, P{"Alert", "critical"}, P{"critical", "critical"},
                       P{"ERROR", "high"}, P{"WARNING", "medium"}, P{"NOTICE", "low"}, P{"INFORMATIONAL", "info"},
                       P{"INFO", "info"}, P{"DEBUG", "info"}}) {
        INFO(p.priority);
        RuleFiles files;
        auto rules = files.load({"- rule: t\n  desc: d\n  condition: evt.type = execve\n  output: x\n  priority: " +
                                 std::string(p.priority) + "\n"});
        REQUIRE(rules);
        REQUIRE(rules->rule_count() == 1);
        CHECK(rules->rule_info(0).severity == p.severity);
    }
    RuleFiles files;
    auto rules = files.load({"- list: protected\n  items: [/etc/shadow, /etc/sudoers]\n"
                             "- rule: t\n  desc: d\n  condition: host.path in (protected) or host.path = /root/.ssh\n"
                             "  output: x\n  priority: INFO\n  exceptions:\n    - name: e\n      fields: [host.path]\n"
                             "      values:\n        - [/etc/gshadow]\n"});
    REQUIRE(rules);
    CHECK(rules->protected_host_paths() ==
          std::vector<std::string>{"/etc/gshadow", "/etc/shadow", "/etc/sudoers", "/root/.ssh"});
}

TEST_CASE("conformance: the host paths rules name: files, what is below directories, wildcards", "[conformance]") {
    RuleFiles files;
    auto rules = files.load({"- rule: t\n  desc: d\n  condition: >\n    host.path in (/etc/shadow, /etc/cron.d/) or "
                             "host.path pmatch (/root/.ssh) or host.path glob \"/home/*/.ssh/*\"\n"
                             "  output: x\n  priority: INFO\n"});
    REQUIRE(rules);
    for (const char *named : {"/etc/shadow", "/etc/cron.d/job", "/etc/cron.d/new/deeper", "/root/.ssh",
                              "/root/.ssh/authorized_keys", "/home/alice/.ssh/id_rsa"}) {
        INFO(named);
        CHECK(rules->names_host_path(named));
    }
    for (const char *other : {"/etc/shadow-", "/etc/passwd", "/etc/cron.daily/x", "/root/.sshx", "/home/alice/notes",
                              "/var/lib/docker/containers/c1/hosts", ""}) {
        INFO(other);
        CHECK_FALSE(rules->names_host_path(other));
    }
}

}  // namespace
