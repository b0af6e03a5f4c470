#include "rules/rule_fields.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/types.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "event/event_format.h"
#include "util/lowercase.h"
#include "util/path_util.h"

namespace crowsnest {

namespace {

constexpr size_t kTypicalArgs = 64;  // argv capacity reserved once, so that most events allocate nothing

constexpr uint16_t kExec = event_bit(EventType::Exec), kConnect = event_bit(EventType::Connect),
                   kOpen = event_bit(EventType::Open), kExit = event_bit(EventType::Exit),
                   kOther = event_bit(EventType::Syscall), kOutcome = event_bit(EventType::ConnectResult);
// a connect_result carries its connect's result (evt.res) and socket
constexpr uint16_t kSyscalls = kExec | kConnect | kOpen | kOther | kOutcome, kAll = kSyscalls | kExit;
// a connect's socket, or a dup'd, new or accepted one (has_socket), or the one whose outcome it is
constexpr uint16_t kSocket = kConnect | kOther | kOutcome;
// what the pipe join follows: execs, connects and accepts (enrich/pipe_join.h)
constexpr uint16_t kPipeEvents = kExec | kConnect | kOther;

using F = FieldId;
using T = FieldType;
using A = FieldInfo::Arg;

// The fields of one of the new program's fds 0, 1, 2 at its exec (proc.stdin.*, ...).
#define STDIO_FIELDS(NAME, FD)                                                                                     \
    {"proc." NAME ".type", F::ProcStdioType, T::String, kExec, A::None, false,                                    \
     "exec: what fd " #FD " of the new program is: ipv4, ipv6 or unix (a socket, as Falco's fd.type names it), "  \
     "socket (of another family), pipe (a pipe or FIFO), file, directory, tty (a terminal), null (/dev/null), "   \
     "device (another device), other (eventfd, epoll...) or none (closed)", FD},                                \
    {"proc." NAME ".ino", F::ProcStdioIno, T::Number, kExec, A::None, false,                                     \
     "exec: the inode of what fd " #FD " is (a file's, a pipe's, a socket's); unset when closed", FD},           \
    {"proc." NAME ".pipe", F::ProcStdioPipe, T::Number, kExec, A::None, false,                                   \
     "exec: the inode of the pipe or FIFO that fd " #FD " is, the same at both ends (a writer's "                 \
     "proc.stdout.pipe is its reader's proc.stdin.pipe); unset for anything else", FD},                          \
    {"proc." NAME ".lip", F::ProcStdioLip, T::IpAddr, kExec, A::None, false,                                     \
     "exec: the local address of the inet socket that fd " #FD " is", FD},                                        \
    {"proc." NAME ".lport", F::ProcStdioLport, T::Number, kExec, A::None, false,                                 \
     "exec: the local port of the inet socket that fd " #FD " is", FD},                                           \
    {"proc." NAME ".rip", F::ProcStdioRip, T::IpAddr, kExec, A::None, false,                                     \
     "exec: the remote (peer) address of the inet socket that fd " #FD " is (0.0.0.0 or :: when not connected)", \
     FD},                                                                                                          \
    {"proc." NAME ".rport", F::ProcStdioRport, T::Number, kExec, A::None, false,                                 \
     "exec: the remote (peer) port of the inet socket that fd " #FD " is (0 when not connected)", FD},           \
    {"proc." NAME ".l4proto", F::ProcStdioL4Proto, T::String, kExec, A::None, false,                             \
     "exec: tcp, udp, icmp or raw: the protocol of the inet socket that fd " #FD " is", FD}

// The processes at the other end of the pipe on fd 0 (its writers) or fd 1
// (its readers): proc.stdin.writer.*, proc.stdout.reader.*.
#define PIPE_PEER_FIELDS(NAME, PEER, PEERS, NOTE, FD)                                                            \
    {"proc." NAME "." PEER ".names", F::ProcPipePeerNames, T::String, kPipeEvents, A::None, true,            \
     "exec, connect, accept: every name (as proc.names) of each process " PEERS " the pipe or FIFO that fd " #FD        \
     " was at this process's exec" NOTE ", at most 8 processes (several values)", FD},                          \
    {"proc." NAME "." PEER ".exepath", F::ProcPipePeerExePath, T::String, kPipeEvents, A::None, true,      \
     "exec, connect, accept: the proc.exepath of each process " PEERS " that pipe (several values)", FD},              \
    {"proc." NAME "." PEER ".args", F::ProcPipePeerArgs, T::String, kPipeEvents, A::None, true,            \
     "exec, connect, accept: the proc.args of each process " PEERS " that pipe, cut at 256 bytes (several values)",   \
     FD},                                                                                                        \
    {"proc." NAME "." PEER ".connected", F::ProcPipePeerConnected, T::Bool, kPipeEvents, A::None, false,   \
     "exec, connect, accept: one of the processes " PEERS " that pipe made an inet connect since its exec (loopback "   \
     "included, refused and in-progress attempts too)", FD},                                                      \
    {"proc." NAME "." PEER ".accepted", F::ProcPipePeerAccepted, T::Bool, kPipeEvents, A::None, false,    \
     "exec, connect, accept: one of the processes " PEERS " that pipe accepted an inbound inet connection since "  \
     "its exec (a listener: nc -l | sh)", FD}

const std::vector<FieldInfo> kFields = {
    {"evt.type", F::EvtType, T::String, kAll, A::None, false,
     "execve, execveat, connect, open, openat, openat2 or procexit (io_uring requests, TCP Fast Open sends and "
     "open_by_handle_at as the call they stand for: connect, openat, accept4); connect_result (a TCP connect attempt's "
     "outcome, blocking or not: evt.outcome); and ptrace, setns, unshare, init_module, "
     "finit_module, bpf, socket, symlink, symlinkat, link, linkat, chmod, fchmod, fchmodat, setuid, setgid, "
     "setresuid, setresgid, dup, dup2, dup3 (dup only of a socket), mount, umount2, mknod, mknodat, memfd_create, fsopen, unlink, unlinkat, "
     "accept, accept4 (an inbound inet connection taken; a listening socket's first 8 a minute), listen (on an "
     "inet socket)"},
    {"evt.num", F::EvtNum, T::Number, kAll, A::None, false,
     "the event's number: 1 for the first event the loaded rules see, then counting up (never 0, so Falco's "
     "never_true macro, evt.num=0, holds for no event)"},
    {"evt.dir", F::EvtDir, T::String, kAll, A::None, false, "always '<': events are reported when the call returns"},
    {"evt.res", F::EvtRes, T::String, kSyscalls, A::None, false,
     "SUCCESS, or the error's name (ENOENT, EINPROGRESS...); connect_result: SUCCESS when established, the "
     "stack's error when failed (ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH...), ECONNABORTED when abandoned"},
    {"evt.rawres", F::EvtRawRes, T::Number, kSyscalls, A::None, false, "the return value (-2 for ENOENT)"},
    {"evt.failed", F::EvtFailed, T::Bool, kSyscalls, A::None, false, "the call returned an error (connect_result: no connection was made)"},
    {"evt.is_open_read", F::EvtIsOpenRead, T::Bool, kOpen, A::None, false, "opened for reading (O_RDONLY or O_RDWR)"},
    {"evt.is_open_write", F::EvtIsOpenWrite, T::Bool, kOpen, A::None, false, "opened for writing (O_WRONLY or O_RDWR)"},
    {"evt.is_open_exec", F::EvtIsOpenExec, T::Bool, kOpen, A::None, false,
     "the open creates a file (O_CREAT) with an execute bit in its mode"},
    {"evt.arg.flags", F::EvtArgFlags, T::String, kOpen | kOther, A::None, false,
     "the open flags, e.g. O_WRONLY|O_CREAT|O_TRUNC; the flags argument of unshare (CLONE_*), finit_module, linkat "
     "(AT_*), dup3 (O_CLOEXEC), mount (RDONLY|BIND|...), umount2 (FORCE|DETACH|...) and memfd_create (MFD_*)"},
    {"evt.syscall", F::EvtSyscall, T::String, kAll, A::None, false,
     "how the event was made: evt.type's names, or io_uring_openat, io_uring_openat2, io_uring_connect, "
     "io_uring_accept, sendto, sendmsg, open_by_handle_at, exit"},
    {"evt.outcome", F::EvtOutcome, T::String, kOutcome, A::None, false,
     "connect_result: established (the handshake completed), failed (refused, unreachable, timed out) or "
     "abandoned (closed by its owner before any answer, as a scanner's own timeout does)"},
    {"evt.arg", F::EvtArg, T::String, kSyscalls, A::Text, false,
     "evt.arg[NAME], or Falco's evt.arg.NAME: an argument of the call by Falco's name: execve's filename; "
     "open's name (the path as given), flags, mode (octal), fd and dirfd; connect's fd and addr; the other "
     "calls' arguments as README's \"Other calls\" lists them (request, pid, nstype, flags, cmd, domain, type, "
     "proto, target, linkpath, oldpath, newpath, filename, mode, uid, gid, oldfd, newfd, ...). A name the call "
     "does not have is unset"},
    {"evt.args", F::EvtArgs, T::String, kSyscalls, A::None, false,
     "every argument of evt.arg, as NAME=VALUE separated by spaces"},
    {"proc.name", F::ProcName, T::String, kAll, A::None, false, "the process name (comm, at most 15 characters)"},
    {"proc.names", F::ProcNames, T::String, kAll, A::None, true,
     "every name the process goes by (several values): proc.name, and the last components of proc.exe and "
     "proc.exepath, and the applet of `busybox APPLET`; catches a tool started through a symlink, `exec -a`, "
     "busybox's /proc/self/exe or its multi-call form"},
    {"proc.exe", F::ProcExe, T::String, kAll, A::None, false, "argv[0]"},
    {"proc.exepath", F::ProcExePath, T::String, kAll, A::None, false, "the absolute path of the executed file"},
    {"proc.cmdline", F::ProcCmdline, T::String, kAll, A::None, false, "proc.name and proc.args"},
    {"proc.args", F::ProcArgs, T::String, kAll, A::None, false, "the arguments after argv[0], space separated"},
    {"proc.argv", F::ProcArgv, T::String, kAll, A::None, true, "each argument after argv[0] (several values)"},
    {"proc.argopts", F::ProcArgOpts, T::String, kAll, A::None, true,
     "each argument that starts with '-', cut at its first '=' (several values): --donate-level=1 gives --donate-level"},
    {"proc.optval", F::ProcOptVal, T::String, kAll, A::Text, false,
     "proc.optval[FLAG]: the value given to FLAG, as getopt reads it: '--algo x', '--algo=x', and '-ax' for a one-letter flag"},
    {"proc.pid", F::ProcPid, T::Number, kAll, A::None, false, "the process id (host pid namespace)"},
    {"proc.ppid", F::ProcPpid, T::Number, kAll, A::None, false, "the parent's process id"},
    {"proc.pname", F::ProcPname, T::String, kAll, A::None, false, "the parent's proc.name"},
    {"proc.pexe", F::ProcPexe, T::String, kAll, A::None, false, "the parent's argv[0]"},
    {"proc.pexepath", F::ProcPexePath, T::String, kAll, A::None, false, "the parent's proc.exepath"},
    {"proc.pcmdline", F::ProcPcmdline, T::String, kAll, A::None, false, "the parent's proc.cmdline"},
    {"proc.aname", F::ProcAname, T::String, kAll, A::Index, false,
     "proc.aname[N]: the proc.name of the Nth ancestor (1 the parent, 2 the grandparent...); "
     "without [N] in a condition, each ancestor (several values)"},
    {"proc.is_exe_upper_layer", F::ProcIsExeUpperLayer, T::Bool, kExec, A::None, false,
     "exec: the program's file is in the container's writable overlay layer (written after the container started)"},
    {"proc.in_host_pidns", F::ProcInHostPidNs, T::Bool, kAll, A::None, false,
     "the process shares the host's pid namespace (hostPID)"},
    {"user.uid", F::UserUid, T::Number, kAll, A::None, false, "the user id"},
    {"user.gid", F::UserGid, T::Number, kAll, A::None, false, "the group id"},
    {"group.gid", F::GroupGid, T::Number, kAll, A::None, false, "the group id (user.gid)"},
    {"user.name", F::UserName, T::String, kAll, A::None, false,
     "the user's name in the process's own /etc/passwd (its root: a container's, not the host's); unset when "
     "not listed"},
    {"user.loginuid", F::UserLoginUid, T::Number, kAll, A::None, false,
     "the audit login uid: the user who logged in, kept across su and sudo; -1 when not set"},
    {"user.loginname", F::UserLoginName, T::String, kAll, A::None, false,
     "the name of user.loginuid in the process's own /etc/passwd"},
    {"group.name", F::GroupName, T::String, kAll, A::None, false,
     "the group's name in the process's own /etc/group"},
    {"proc.tty", F::ProcTty, T::Number, kAll, A::None, false,
     "the controlling terminal's device number, 0 for a process without one"},
    {"proc.cwd", F::ProcCwd, T::String, kAll, A::None, false,
     "the working directory when the process was learnt (its exec), as seen from its root, ending in '/' as Falco writes it (/dev/shm/)"},
    {"proc.vpid", F::ProcVpid, T::Number, kAll, A::None, false, "the pid in the process's own pid namespace"},
    {"proc.sid", F::ProcSid, T::Number, kAll, A::None, false, "the session id (host pid namespace)"},
    {"proc.sname", F::ProcSname, T::String, kAll, A::None, false, "the proc.name of the session leader"},
    {"proc.vpgid", F::ProcVpgid, T::Number, kAll, A::None, false,
     "the process group id in the process's own pid namespace"},
    {"proc.is_vpgid_leader", F::ProcIsVpgidLeader, T::Bool, kAll, A::None, false,
     "the process leads its process group"},
    {"proc.env", F::ProcEnv, T::String, kAll, A::OptText, false,
     "proc.env[NAME]: one variable of the environment the program started with; without [NAME], all as "
     "'NAME=value NAME=value'"},
    {"proc.duration", F::ProcDuration, T::Number, kAll, A::None, false,
     "nanoseconds since the process started"},
    {"proc.is_exe_from_memfd", F::ProcIsExeFromMemfd, T::Bool, kAll, A::None, false,
     "the program runs from a memfd (fileless execution)"},
    {"proc.exe_ino", F::ProcExeIno, T::Number, kAll, A::None, false, "the inode of the program's file"},
    {"proc.exe_ino.ctime", F::ProcExeInoCtime, T::Number, kAll, A::None, false,
     "the last status change of the program's file (ns since the epoch)"},
    {"proc.exe_ino.mtime", F::ProcExeInoMtime, T::Number, kAll, A::None, false,
     "the last change of the program's file (ns since the epoch)"},
    {"proc.exe_ino.ctime_duration_proc_start", F::ProcExeInoCtimeDurationProcStart, T::Number, kAll, A::None,
     false, "nanoseconds from the program file's last status change to the process's start"},
    {"proc.aexe", F::ProcAexe, T::String, kAll, A::Index, false,
     "proc.aexe[N]: the proc.exe (argv[0]) of the Nth ancestor; without [N] in a condition, each ancestor's"},
    {"proc.aexepath", F::ProcAexePath, T::String, kAll, A::Index, false,
     "proc.aexepath[N]: the proc.exepath of the Nth ancestor; without [N] in a condition, each ancestor's"},
    {"thread.cap_effective", F::ThreadCapEffective, T::String, kAll, A::None, false,
     "the effective capabilities, as names: CAP_CHOWN CAP_SYS_ADMIN ..."},
    {"thread.cap_permitted", F::ThreadCapPermitted, T::String, kAll, A::None, false,
     "the permitted capabilities, as names"},
    {"cgroup.id", F::CgroupId, T::Number, kAll, A::None, false, "the cgroup v2 id (a container, or a host service)"},
    {"container.id", F::ContainerId, T::String, kAll, A::None, false, "the container id, 'host' outside containers"},
    {"container.runtime", F::ContainerRuntime, T::String, kAll, A::None, false,
     "docker, containerd, cri-o, podman... ('' outside containers)"},
    {"container.type", F::ContainerRuntime, T::String, kAll, A::None, false,
     "Falco's name for container.runtime; the runtime whose state recorded the container where the cgroup path "
     "names none"},
    {"container.name", F::ContainerName, T::String, kAll, A::None, false,
     "the container's name as its runtime recorded it (in Kubernetes, its name in the pod); 'host' outside "
     "containers"},
    {"container.image", F::ContainerImage, T::String, kAll, A::None, false,
     "the image as the runtime recorded it: [registry/]repository[:tag][@digest]"},
    {"container.image.repository", F::ContainerImageRepository, T::String, kAll, A::None, false,
     "the image without tag and digest (registry.example/shop/api)"},
    {"container.image.tag", F::ContainerImageTag, T::String, kAll, A::None, false, "the image's tag (1.4)"},
    {"container.image.digest", F::ContainerImageDigest, T::String, kAll, A::None, false,
     "the image's digest (sha256:...), where the reference names one"},
    {"container.privileged", F::ContainerPrivileged, T::Bool, kAll, A::None, false,
     "the container runs privileged (unset where the runtime's record does not tell)"},
    {"container.label", F::ContainerLabel, T::String, kAll, A::Text, false,
     "container.label[KEY]: one of the container's labels"},
    {"container.labels", F::ContainerLabel, T::String, kAll, A::OptText, false,
     "container.labels[KEY]: one label, as container.label; without [KEY], all as 'key:value, key:value'"},
    {"k8s.pod.uid", F::K8sPodUid, T::String, kAll, A::None, false, "the Kubernetes pod's uid"},
    {"k8s.pod.name", F::K8sPodName, T::String, kAll, A::None, false, "the Kubernetes pod's name"},
    {"k8s.ns.name", F::K8sNsName, T::String, kAll, A::None, false, "the Kubernetes pod's namespace"},
    {"k8s.pod.label", F::K8sPodLabel, T::String, kAll, A::Text, false,
     "k8s.pod.label[KEY]: one of the pod's labels, where the runtime records them (CRI-O, Docker)"},
    {"k8s.pod.labels", F::K8sPodLabel, T::String, kAll, A::OptText, false,
     "k8s.pod.labels[KEY]: one label, as k8s.pod.label; without [KEY], all as 'key:value, key:value'"},
    {"fd.num", F::FdNum, T::Number, kSocket | kOpen, A::None, false, "the file descriptor (open, socket and accept: the result; dup: the old fd)"},
    {"fd.typechar", F::FdTypeChar, T::String, kSocket | kOpen, A::None, false, "f (open), 4 or 6 (inet connect, dup, socket, accept), u (unix)"},
    {"fd.name", F::FdName, T::String, kSocket | kOpen, A::None, false,
     "open: the absolute, normalised path; connect: ip:port or the unix socket's path; dup and socket of an inet "
     "socket: the remote ip:port; accept: client ip:port->server ip:port, as Falco; listen: the ip:port it "
     "waits on"},
    {"fd.directory", F::FdDirectory, T::String, kOpen, A::None, false, "open: the directory of fd.name"},
    {"fd.filename", F::FdFilename, T::String, kOpen, A::None, false, "open: the last component of fd.name"},
    {"fd.sip", F::FdSip, T::IpAddr, kSocket, A::None, false, "connect: the destination address (IPv4 or IPv6); dup, socket: the remote address; accept: the server's "
     "(local) address the connection came in on; listen: the address it waits on"},
    {"fd.sport", F::FdSport, T::Number, kSocket, A::None, false, "connect: the destination port (inet only); dup, socket: the remote port; accept, listen: the server's (local) "
     "port"},
    {"fd.snet", F::FdSnet, T::IpNet, kSocket, A::None, false,
     "fd.sip compared with networks: fd.snet in (10.0.0.0/8)"},
    {"fd.sockfamily", F::FdSockFamily, T::String, kSocket, A::None, false, "connect, dup, socket, accept: ip or unix"},
    {"fd.unix_path", F::FdUnixPath, T::String, kConnect, A::None, false,
     "connect: the unix socket's path (abstract names start with '@')"},
    {"host.path", F::HostPath, T::String, kOpen, A::None, false,
     "open from a container: the file's path on the host, when it lives on a host filesystem, whatever mount, "
     "link, chroot or /proc/<pid>/root reached it (files created since included); for a refused open (EACCES, "
     "EPERM, EROFS, ETXTBSY, EEXIST), through the mount its path names; unset for the container's own image and "
     "layers, its private mounts (tmpfs, proc...) and opens of missing files"},
    {"fd.type", F::FdType, T::String, kSocket | kOpen, A::None, false,
     "file or directory (open; directory when opened with O_DIRECTORY), ipv4, ipv6 or unix (connect, dup, socket, "
     "accept)"},
    {"fd.nameraw", F::FdNameRaw, T::String, kConnect | kOpen, A::None, false,
     "open: the path as the call gave it (fd.name is it made absolute and normalised); connect: fd.name"},
    {"fd.name_changed", F::FdNameChanged, T::Bool, kConnect, A::None, false,
     "connect: the call gave the socket its destination while sending (TCP Fast Open's sendto, sendmsg)"},
    {"fd.connected", F::FdConnected, T::Bool, kConnect, A::None, false,
     "connect: the socket was connected when the call returned (it returned 0)"},
    {"fd.ip", F::FdSip, T::IpAddr, kSocket, A::None, false,
     "the address of either end, read as the server's: fd.sip (a connect carries only its destination)"},
    {"fd.net", F::FdSnet, T::IpNet, kSocket, A::None, false, "fd.ip compared with networks"},
    {"fd.rip", F::FdRip, T::IpAddr, kSocket, A::None, false,
     "the remote address: a connect's destination, an accepted connection's client, a dup'd socket's peer"},
    {"fd.rnet", F::FdRnet, T::IpNet, kSocket, A::None, false, "fd.rip compared with networks"},
    {"fd.rport", F::FdRport, T::Number, kSocket, A::None, false, "the remote port, as fd.rip"},
    {"fd.port", F::FdSport, T::Number, kSocket, A::None, false,
     "the port of either end, read as the server's: fd.sport"},
    {"fd.lip", F::FdLip, T::IpAddr, kSocket, A::None, false,
     "the local address: dup, socket, accept, listen and a connect's outcome (unset for a connect, which does "
     "not carry it)"},
    {"fd.lnet", F::FdLnet, T::IpNet, kSocket, A::None, false, "fd.lip compared with networks"},
    {"fd.l4proto", F::FdL4Proto, T::String, kSocket, A::None, false,
     "connect, dup, socket and accept of an inet socket: tcp, udp, icmp or raw, from the kernel's socket (unset for "
     "io_uring's connect: <NA>, no comparison holds)"},
    {"fd.lport", F::FdLport, T::Number, kSocket, A::None, false,
     "connect, dup, socket and accept of an inet socket: the local port (0 when not bound; unset for io_uring's "
     "connect: <NA>)"},
    {"fd.cip", F::FdCip, T::IpAddr, kSocket, A::None, false,
     "accept: the client's (remote) address; unset for a connect, whose local address is not carried (<NA>)"},
    {"fd.cnet", F::FdCnet, T::IpNet, kSocket, A::None, false, "fd.cip compared with networks"},
    {"fd.cport", F::FdCport, T::Number, kSocket, A::None, false, "accept: the client's (remote) port; unset for a connect"},
    {"fd.sip.name", F::FdIpName, T::String, kConnect, A::None, false,
     "the domain name that resolved to fd.sip: unset, as crowsnest keeps no DNS cache (<NA>)"},
    {"fd.cip.name", F::FdIpName, T::String, kConnect, A::None, false, "as fd.sip.name, for fd.cip: unset (<NA>)"},
    {"fd.rip.name", F::FdIpName, T::String, kConnect, A::None, false, "as fd.sip.name, for fd.rip: unset (<NA>)"},
    {"fd.lip.name", F::FdIpName, T::String, kConnect, A::None, false, "as fd.sip.name, for fd.lip: unset (<NA>)"},
    STDIO_FIELDS("stdin", 0),
    STDIO_FIELDS("stdout", 1),
    {"proc.stdout.is_stdin", F::ProcStdioIsStdin, T::Bool, kExec, A::None, false,
     "exec: fd 1 of the new program is the same file, pipe or socket as fd 0 (the same inode); false when "
     "either is closed", 1},
    STDIO_FIELDS("stderr", 2),
    {"proc.stderr.is_stdin", F::ProcStdioIsStdin, T::Bool, kExec, A::None, false,
     "exec: fd 2 is the same file, pipe or socket as fd 0", 2},
    PIPE_PEER_FIELDS("stdin", "writer", "writing to", " (ended ones too: their output may wait in the pipe)", 0),
    PIPE_PEER_FIELDS("stdout", "reader", "reading from", " (running ones)", 1),
    {"proc.connects", F::ProcConnects, T::Number, kPipeEvents, A::None, false,
     "exec, connect, accept: the inet connects (attempts too) the process made since its exec, this one included; "
     "kept only for processes whose stdin or stdout was a pipe at their exec (unset for others)"},
    {"proc.accepts", F::ProcAccepts, T::Number, kPipeEvents, A::None, false,
     "exec, connect, accept: the inbound inet connections the process accepted since its exec, this one included "
     "(of each listening socket, those sent: its first 8 a minute); kept as proc.connects"},
    {"profile.state", F::ProfileState, T::String, kSyscalls, A::None, false,
     "the state of the container's learned profile (--profiles): learning or locked; '' without one"},
    {"profile.new", F::ProfileNew, T::Bool, kSyscalls, A::None, false,
     "the event is something the container's locked profile never saw (it also gives an anomaly verdict)"},
    {"profile.new.kind", F::ProfileNewKind, T::String, kSyscalls, A::None, false,
     "what is new: exec, exec_pair, connect, write_prefix or sensitive_read; '' when nothing is"},
};
#undef STDIO_FIELDS
#undef PIPE_PEER_FIELDS

bool is_inet(const Event &e) { return e.family == AF_INET || e.family == AF_INET6; }

IpAddress event_ip(const Event &e) { return ip_from_bytes(e.family == AF_INET6, e.addr); }

IpAddress local_ip(const Event &e) { return ip_from_bytes(e.family == AF_INET6, e.local_addr); }

// An inbound connection: its server is the local end, its client the remote one.
bool is_accept(const Event &e) { return e.type == EventType::Syscall && crowsnest::is_accept(e.syscall); }
// An accept or a listen: the local end is the server (fd.sip, fd.sport).
bool is_server_side(const Event &e) { return is_accept(e) || e.syscall == Syscall::Listen; }

// ip:port, or [ip6]:port.
void append_endpoint(uint16_t family, const std::array<uint8_t, 16> &addr, uint16_t port, std::string &out) {
    if (family == AF_INET6) out += '[';
    append_address(family, addr, out);
    if (family == AF_INET6) out += ']';
    out += ':';
    char digits[8];
    auto r = std::to_chars(digits, digits + sizeof(digits), port);
    out.append(digits, r.ptr);
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// The value that args[i] gives `flag`, in getopt's spellings: "--algo x",
// "--algo=x", and for a one-letter flag also "-ax".
bool flag_value(const std::vector<std::string> &args, size_t i, std::string_view flag, std::string_view &value) {
    std::string_view arg = args[i];
    if (arg == flag) {
        if (i + 1 >= args.size()) return false;
        value = args[i + 1];
        return true;
    }
    if (arg.size() <= flag.size() || !starts_with(arg, flag)) return false;
    value = arg.substr(flag.size());
    if (value[0] == '=') {
        value.remove_prefix(1);
        return true;
    }
    return flag.size() == 2 && flag[0] == '-' && flag[1] != '-';
}

void append_joined(const std::vector<std::string> &args, size_t from, std::string &out) {
    for (size_t i = from; i < args.size(); i++) {
        if (i > from) out += ' ';
        out += args[i];
    }
}

}  // namespace

const char *field_type_name(FieldType t) {
    switch (t) {
    case FieldType::String: return "a string";
    case FieldType::Number: return "a number";
    case FieldType::Bool: return "a boolean";
    case FieldType::IpAddr: return "an IP address";
    case FieldType::IpNet: return "an IP network";
    }
    return "";
}

const std::vector<FieldInfo> &field_table() { return kFields; }

const FieldInfo *find_field(std::string_view name) {
    for (const auto &f : kFields)
        if (f.name == name) return &f;
    return nullptr;
}

bool make_field_ref(std::string_view name, bool has_arg, std::string_view arg, FieldRef &out, std::string &error) {
    constexpr std::string_view kArgPrefix = "evt.arg.";  // Falco's evt.arg.NAME is evt.arg[NAME]
    if (!has_arg && name.size() > kArgPrefix.size() && starts_with(name, kArgPrefix) && !find_field(name)) {
        if (!make_field_ref("evt.arg", true, name.substr(kArgPrefix.size()), out, error)) return false;
        out.text = std::string(name);
        return true;
    }
    const FieldInfo *info = find_field(name);
    if (!info) {
        error = "unknown field '" + std::string(name) + "'";
        return false;
    }
    out = FieldRef{};
    out.info = info;
    out.multi = info->multi;
    out.text = std::string(name) + (has_arg ? "[" + std::string(arg) + "]" : "");
    switch (info->arg) {
    case FieldInfo::Arg::None:
        if (has_arg) {
            error = "field '" + std::string(name) + "' takes no [argument]";
            return false;
        }
        return true;
    case FieldInfo::Arg::Index: {
        if (!has_arg) {
            out.multi = true;  // proc.aname: every ancestor
            return true;
        }
        uint32_t n = 0;
        auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), n);
        if (ec != std::errc() || end != arg.data() + arg.size() || n < 1 || n > 16) {
            error = "field '" + std::string(name) + "' needs an ancestor number from 1 to 16 in [N], not '" +
                    std::string(arg) + "'";
            return false;
        }
        out.index = n;
        return true;
    }
    case FieldInfo::Arg::OptText:
        out.arg = std::string(arg);
        return true;
    case FieldInfo::Arg::Text:
        if (!has_arg || arg.empty()) {
            error = "field '" + std::string(name) + "' needs an argument: " + std::string(name) +
                    (info->id == F::EvtArg ? "[name]" : "[--flag]");
            return false;
        }
        out.arg = std::string(arg);
        if (info->id == F::EvtArg) out.index = uint32_t(event_arg(arg));
        return true;
    }
    return true;
}

size_t evt_type_index(const Event &e) {
    switch (e.type) {
    case EventType::Exec: return e.syscall == Syscall::Execveat ? 1 : 0;
    case EventType::Connect: return 2;
    case EventType::Open:
        switch (e.syscall) {
        case Syscall::Open: return 3;
        case Syscall::Openat2:
        case Syscall::IoUringOpenat2: return 5;
        default: return 4;
        }
    case EventType::Exit: return 6;
    case EventType::ConnectResult: return 7;
    case EventType::Syscall:
        if (e.syscall < kFirstOtherSyscall) return 6;  // an event built by hand without its call
        return kFirstOtherEvtType + (size_t(e.syscall) - size_t(kFirstOtherSyscall));
    case EventType::Flood:       // never matched: the engine handles these itself
    case EventType::CgroupPath: return 6;
    }
    return 6;
}

FieldReader::FieldReader() {
    argv_.reserve(kTypicalArgs);
    arg_opts_.reserve(kTypicalArgs);
    anames_.reserve(16);
    aexes_.reserve(16);
    aexepaths_.reserve(16);
    names_.reserve(3);
    ancestors_.reserve(16);
}

void FieldReader::reset(const EventContext &ctx) {
    ctx_ = &ctx;
    evt_type_ = evt_type_index(*ctx.event);
    cached_ = 0;
    event_number_++;
    lowered_from_ = {};
}

std::string_view FieldReader::lowered(std::string_view s) {
    if (s.data() == lowered_from_.data() && s.size() == lowered_from_.size()) return lowered_;
    lowercase_into(s, lowered_);
    lowered_from_ = s;
    return lowered_;
}

const std::vector<std::string> &FieldReader::args() {
    static const std::vector<std::string> none;
    if (ctx_->event->type == EventType::Exec) return ctx_->event->argv;
    return ctx_->process ? ctx_->process->args : none;
}

// Parent first, at most 16, from the process lookup.
const std::vector<const ProcessInfo *> &FieldReader::ancestors() {
    if (cached(kAncestors)) return ancestors_;
    ancestors_.clear();
    anames_.clear();
    for (const ProcessInfo *p = ctx_->parent; p && ancestors_.size() < 16;) {
        ancestors_.push_back(p);
        anames_.push_back(p->comm);
        if (!ctx_->processes || p->ppid == 0 || p->ppid == p->pid) break;
        p = ctx_->processes->find(p->ppid);
    }
    return ancestors_;
}

// open: the resolved path; connect: ip:port or the unix socket's name.
std::string_view FieldReader::fd_name() {
    if (cached(kFdName)) return fd_name_;
    const Event &e = *ctx_->event;
    fd_name_.clear();
    if (e.type == EventType::Open) {
        fd_name_ = ctx_->resolved_path.empty() ? e.path : ctx_->resolved_path;
    } else if (e.family == AF_UNIX) {
        append_unix_path(e, fd_name_);
    } else if (is_inet(e) && e.syscall == Syscall::Listen) {  // no peer: the address it waits on
        append_endpoint(e.family, e.local_addr, e.local_port, fd_name_);
    } else if (is_inet(e)) {
        append_endpoint(e.family, e.addr, e.port, fd_name_);
        if (is_accept(e)) {  // client->server, as Falco names an accepted connection
            fd_name_ += "->";
            append_endpoint(e.family, e.local_addr, e.local_port, fd_name_);
        }
    }
    return fd_name_;
}

// Every field is listed here, without a default, so that -Wswitch names a
// field that no family reads.
bool FieldReader::read(const FieldRef &f, FieldValue &out) {
    if (!(f.info->events & event_bit(ctx_->event->type))) return false;
    switch (f.info->id) {
    case F::EvtType: case F::EvtNum: case F::EvtDir: case F::EvtRes: case F::EvtRawRes: case F::EvtFailed:
    case F::EvtIsOpenRead: case F::EvtIsOpenWrite: case F::EvtIsOpenExec: case F::EvtArgFlags:
    case F::EvtSyscall: case F::EvtOutcome:
        return read_evt(f, out);
    case F::EvtArg: case F::EvtArgs:
        return read_arg(f, out);
    case F::ProcName: case F::ProcNames: case F::ProcExe: case F::ProcExePath: case F::ProcCmdline:
    case F::ProcArgs: case F::ProcArgv: case F::ProcArgOpts: case F::ProcOptVal: case F::ProcPid:
    case F::ProcIsExeUpperLayer: case F::ProcInHostPidNs: case F::UserUid: case F::UserGid: case F::GroupGid:
        return read_proc(f, out);
    case F::ProcPpid: case F::ProcPname: case F::ProcPexe: case F::ProcPexePath: case F::ProcPcmdline:
    case F::ProcAname:
        return read_ancestry(f, out);
    case F::UserName: case F::UserLoginUid: case F::UserLoginName: case F::GroupName: case F::ProcTty:
    case F::ProcCwd: case F::ProcVpid: case F::ProcSid: case F::ProcSname: case F::ProcVpgid:
    case F::ProcIsVpgidLeader: case F::ProcEnv: case F::ProcDuration: case F::ProcIsExeFromMemfd:
    case F::ProcExeIno: case F::ProcExeInoCtime: case F::ProcExeInoMtime: case F::ProcExeInoCtimeDurationProcStart:
    case F::ProcAexe: case F::ProcAexePath: case F::ThreadCapEffective: case F::ThreadCapPermitted:
        return read_task(f, out);
    case F::CgroupId: case F::ContainerId: case F::ContainerRuntime: case F::ContainerName: case F::ContainerImage:
    case F::ContainerImageRepository: case F::ContainerImageTag: case F::ContainerImageDigest:
    case F::ContainerPrivileged: case F::ContainerLabel: case F::K8sPodUid: case F::K8sPodName: case F::K8sNsName:
    case F::K8sPodLabel:
        return read_container(f, out);
    case F::FdNum: case F::FdTypeChar: case F::FdName: case F::FdDirectory: case F::FdFilename: case F::FdSip:
    case F::FdSport: case F::FdSnet: case F::FdRip: case F::FdRport: case F::FdRnet: case F::FdLip: case F::FdLnet:
    case F::FdCip: case F::FdCnet:
    case F::FdCport: case F::FdSockFamily: case F::FdUnixPath: case F::HostPath:
        return read_fd(f, out);
    case F::FdType: case F::FdNameRaw: case F::FdNameChanged: case F::FdConnected: case F::FdL4Proto: case F::FdLport:
    case F::FdIpName:
        return read_socket(f, out);
    case F::ProcStdioType: case F::ProcStdioIno: case F::ProcStdioPipe: case F::ProcStdioIsStdin: case F::ProcStdioLip:
    case F::ProcStdioLport: case F::ProcStdioRip: case F::ProcStdioRport: case F::ProcStdioL4Proto:
        return read_stdio(f, out);
    case F::ProcPipePeerNames: case F::ProcPipePeerExePath: case F::ProcPipePeerArgs: case F::ProcPipePeerConnected:
    case F::ProcPipePeerAccepted: case F::ProcConnects: case F::ProcAccepts:
        return read_pipe(f, out);
    case F::ProfileState: out.str = ctx_->profile_state; return true;
    case F::ProfileNew: out.boolean = !ctx_->profile_new_kind.empty(); return true;
    case F::ProfileNewKind: out.str = ctx_->profile_new_kind; return true;
    }
    return false;
}

// evt.*: the call and its result.
bool FieldReader::read_evt(const FieldRef &f, FieldValue &out) {
    const Event &e = *ctx_->event;
    switch (f.info->id) {
    case F::EvtType: out.str = kEvtTypes[evt_type_index(e)]; return true;
    case F::EvtNum: out.num = int64_t(event_number_); return true;
    case F::EvtDir: out.str = "<"; return true;
    case F::EvtRes:
        if (e.ret >= 0) {
            out.str = "SUCCESS";
            return true;
        }
        if (!cached(kRes)) res_ = errno_name(e.ret);
        out.str = res_;
        return true;
    case F::EvtRawRes: out.num = e.ret; return true;
    case F::EvtFailed: out.boolean = e.ret < 0; return true;
    case F::EvtIsOpenRead: out.boolean = (e.open_flags & O_ACCMODE) != O_WRONLY; return true;
    case F::EvtIsOpenWrite: out.boolean = (e.open_flags & O_ACCMODE) != O_RDONLY; return true;
    case F::EvtIsOpenExec: out.boolean = (e.open_flags & O_CREAT) && (e.mode & 0111); return true;
    case F::EvtArgFlags:
        if (e.type == EventType::Syscall) {  // the call's own flags argument, when it has one
            arg_.clear();
            if (!append_event_arg(EventArg::Flags, arg_)) return false;
            out.str = arg_;
            return true;
        }
        if (!cached(kArgFlags)) {
            arg_flags_.clear();
            append_open_flags(e.open_flags, arg_flags_);
        }
        out.str = arg_flags_;
        return true;
    case F::EvtSyscall: out.str = syscall_name(e); return true;
    case F::EvtOutcome: out.str = connect_outcome_name(e.outcome); return true;
    default: return false;
    }
}

namespace {

// Programs that are many tools, chosen by argv[0] or by their first argument.
bool is_multicall_binary(std::string_view name) { return name == "busybox" || name == "toybox"; }

}  // namespace

// proc.* and user.*: the process itself, its program and its arguments.
bool FieldReader::read_proc(const FieldRef &f, FieldValue &out) {
    const Event &e = *ctx_->event;
    const ProcessInfo *p = ctx_->process;
    switch (f.info->id) {
    case F::ProcName: out.str = e.comm; return true;
    case F::ProcNames:
        if (!cached(kNames)) {
            names_.clear();
            names_.push_back(e.comm);
            if (!args().empty()) names_.push_back(base_name(args()[0]));
            // a multi-call binary run by its own name, "busybox nc -e sh": the applet is a name too
            if (args().size() > 1 && is_multicall_binary(base_name(args()[0])) && !args()[1].empty() &&
                args()[1][0] != '-')
                names_.push_back(base_name(args()[1]));
            if (p) names_.push_back(base_name(p->exe));
            else if (e.type == EventType::Exec) names_.push_back(base_name(e.filename));
        }
        out.items = names_.data();
        out.count = names_.size();
        return true;
    case F::ProcExe:
        if (args().empty()) return false;
        out.str = args()[0];
        return true;
    case F::ProcExePath:
        if (p) out.str = p->exe;
        else if (e.type == EventType::Exec) out.str = e.filename;
        else return false;
        return true;
    case F::ProcCmdline:
        if (!cached(kCmdline)) {
            cmdline_ = e.comm;
            if (args().size() > 1) cmdline_ += ' ';
            append_joined(args(), 1, cmdline_);
        }
        out.str = cmdline_;
        return true;
    case F::ProcArgs:
        if (!cached(kArgs)) {
            args_.clear();
            append_joined(args(), 1, args_);
        }
        out.str = args_;
        return true;
    case F::ProcArgv:
    case F::ProcArgOpts: {
        const bool opts = f.info->id == F::ProcArgOpts;
        auto &list = opts ? arg_opts_ : argv_;
        if (!cached(opts ? kArgOpts : kArgv)) {
            list.clear();
            const auto &a = args();
            for (size_t i = 1; i < a.size(); i++) {
                std::string_view v = a[i];
                if (opts && (v.size() < 2 || v[0] != '-')) continue;
                if (opts) v = v.substr(0, v.find('='));
                list.push_back(v);
            }
        }
        out.items = list.data();
        out.count = list.size();
        return true;
    }
    case F::ProcOptVal: {
        const auto &a = args();
        for (size_t i = 1; i < a.size(); i++)
            if (flag_value(a, i, f.arg, out.str)) return true;
        return false;
    }
    case F::ProcPid: out.num = e.pid; return true;
    case F::ProcIsExeUpperLayer: out.boolean = e.exe_upper_layer; return true;
    case F::ProcInHostPidNs: out.boolean = ctx_->host_pid_ns; return true;
    case F::UserUid: out.num = e.uid; return true;
    case F::UserGid:
    case F::GroupGid: out.num = e.gid; return true;
    default: return false;
    }
}

// The parent and the ancestors.
bool FieldReader::read_ancestry(const FieldRef &f, FieldValue &out) {
    const ProcessInfo *pp = ctx_->parent;
    switch (f.info->id) {
    case F::ProcPpid: out.num = ctx_->event->ppid; return true;
    case F::ProcPname:
        if (!pp) return false;
        out.str = pp->comm;
        return true;
    case F::ProcPexe:
        if (!pp || pp->args.empty()) return false;
        out.str = pp->args[0];
        return true;
    case F::ProcPexePath:
        if (!pp) return false;
        out.str = pp->exe;
        return true;
    case F::ProcPcmdline:
        if (!pp) return false;
        if (!cached(kPcmdline)) {
            pcmdline_ = pp->comm;
            if (pp->args.size() > 1) pcmdline_ += ' ';
            append_joined(pp->args, 1, pcmdline_);
        }
        out.str = pcmdline_;
        return true;
    case F::ProcAname: {
        const auto &anc = ancestors();
        if (f.index == 0) {
            out.items = anames_.data();
            out.count = anames_.size();
            return true;
        }
        if (f.index > anc.size()) return false;
        out.str = anc[f.index - 1]->comm;
        return true;
    }
    default: return false;
    }
}

// A label by key, or with no key all of them as Falco lists them.
bool FieldReader::read_labels(const Labels &labels, const std::string &key, FieldValue &out) {
    if (!key.empty()) {
        const std::string *v = find_label(labels, key);
        if (v) out.str = *v;
        return v != nullptr;
    }
    labels_.clear();
    for (const auto &[k, v] : labels) {
        if (!labels_.empty()) labels_ += ", ";
        labels_.append(k).append(":").append(v);
    }
    out.str = labels_;
    return true;
}

// cgroup.id, container.* and k8s.*: the cgroup path's, then what the
// runtime recorded (unset when it recorded nothing).
bool FieldReader::read_container(const FieldRef &f, FieldValue &out) {
    const CgroupEntry *cg = ctx_->in_container() ? ctx_->cgroup : nullptr;
    const WorkloadInfo *w = cg ? ctx_->workload : nullptr;
    // a recorded value, or unset: an empty string is as good as no record
    auto recorded = [&](const std::string WorkloadInfo::*member) {
        if (!w || (w->*member).empty()) return false;
        out.str = w->*member;
        return true;
    };
    switch (f.info->id) {
    case F::CgroupId: out.num = int64_t(ctx_->event->cgroup_id); return true;
    case F::ContainerId: out.str = cg ? std::string_view(cg->container.id) : "host"; return true;
    case F::ContainerRuntime:
        out.str = !cg ? "" : w && cg->container.runtime == "cri" ? std::string_view(w->runtime)
                                                                  : std::string_view(cg->container.runtime);
        return true;
    case F::ContainerName:
        if (!cg) out.str = "host";
        return !cg || recorded(&WorkloadInfo::name);
    case F::ContainerImage: return recorded(&WorkloadInfo::image);
    case F::ContainerImageRepository: return recorded(&WorkloadInfo::image_repository);
    case F::ContainerImageTag: return recorded(&WorkloadInfo::image_tag);
    case F::ContainerImageDigest: return recorded(&WorkloadInfo::image_digest);
    case F::ContainerPrivileged:
        if (!w || w->privileged == WorkloadInfo::Privileged::Unknown) return false;
        out.boolean = w->privileged == WorkloadInfo::Privileged::Yes;
        return true;
    case F::ContainerLabel: return w && read_labels(w->labels, f.arg, out);
    case F::K8sPodUid:
        if (cg && !cg->container.pod_uid.empty()) {
            out.str = cg->container.pod_uid;
            return true;
        }
        return recorded(&WorkloadInfo::pod_uid);
    case F::K8sPodName: return recorded(&WorkloadInfo::pod_name);
    case F::K8sNsName: return recorded(&WorkloadInfo::pod_namespace);
    case F::K8sPodLabel: return w && read_labels(w->pod_labels, f.arg, out);
    default: return false;
    }
}

// fd.* and host.path: the file or socket the call reached.
bool FieldReader::read_fd(const FieldRef &f, FieldValue &out) {
    const Event &e = *ctx_->event;
    if (e.type == EventType::Syscall && !e.has_socket) return false;  // only dup and socket have an fd here
    switch (f.info->id) {
    case F::FdNum:
        if (e.type == EventType::Open && e.ret < 0) return false;
        if (e.type == EventType::ConnectResult) return false;  // its socket's fd is not known where the state changes
        out.num = e.type == EventType::Open ? e.ret : e.fd;
        return true;
    case F::FdTypeChar:
        if (e.type == EventType::Open) out.str = "f";
        else if (e.family == AF_UNIX) out.str = "u";
        else if (e.family == AF_INET6) out.str = "6";
        else if (e.family == AF_INET) out.str = "4";
        else return false;
        return true;
    case F::FdName:
        out.str = fd_name();
        return !out.str.empty();
    case F::FdDirectory:
    case F::FdFilename: {
        std::string_view path = ctx_->resolved_path;
        if (path.empty()) return false;
        const size_t slash = path.rfind('/');
        if (f.info->id == F::FdFilename) {
            out.str = path.substr(slash + 1);
            return true;
        }
        out.str = slash == 0 ? path.substr(0, 1) : path.substr(0, slash);
        return true;
    }
    case F::FdSip:
    case F::FdSnet:
        if (!is_inet(e)) return false;
        out.ip = is_server_side(e) ? local_ip(e) : event_ip(e);
        return true;
    case F::FdSport:
        if (!is_inet(e)) return false;
        out.num = is_server_side(e) ? e.local_port : e.port;
        return true;
    case F::FdRip:
    case F::FdRnet:
        if (!is_inet(e)) return false;
        out.ip = event_ip(e);
        return true;
    case F::FdRport:
        if (!is_inet(e)) return false;
        out.num = e.port;
        return true;
    case F::FdLip:
    case F::FdLnet:
        if (!is_inet(e) || e.type == EventType::Connect) return false;  // a connect's local address is not carried
        out.ip = local_ip(e);
        return true;
    case F::FdCip:
    case F::FdCnet:
        if (!is_inet(e) || !is_accept(e)) return false;  // a connect's local address is not carried
        out.ip = event_ip(e);
        return true;
    case F::FdCport:
        if (!is_inet(e) || !is_accept(e)) return false;
        out.num = e.port;
        return true;
    case F::FdSockFamily:
        if (is_inet(e)) out.str = "ip";
        else if (e.family == AF_UNIX) out.str = "unix";
        else return false;
        return true;
    case F::FdUnixPath:
        if (e.family != AF_UNIX) return false;
        out.str = e.unix_abstract ? fd_name() : std::string_view(e.unix_path);
        return true;
    case F::HostPath:
        if (ctx_->host_path.empty()) return false;
        out.str = ctx_->host_path;
        return true;
    default: return false;
    }
}

// The others are the event's remote address, but fd.lip and an accept's or
// a listen's server (fd.sip, fd.snet and their aliases) are its local end.
void FieldReader::render_fd_ip(const FieldRef &f, std::string &out) {
    const Event &e = *ctx_->event;
    const bool server = f.info->id == F::FdSip || f.info->id == F::FdSnet;
    const bool local = f.info->id == F::FdLip || f.info->id == F::FdLnet || (server && is_server_side(e));
    append_address(e.family, local ? e.local_addr : e.addr, out);
}

void FieldReader::render(const FieldRef &f, std::string &out) {
    FieldValue v;
    if (!read(f, v)) {
        out += "<NA>";
        return;
    }
    char buf[24];  // an int64 in decimal
    switch (f.info->type) {
    case FieldType::String:
        if (!f.multi) {
            out += v.str;
            return;
        }
        if (f.info->id == F::ProcAname || f.info->id == F::ProcAexe || f.info->id == F::ProcAexePath) {
            // in an output, Falco's proc.aname (aexe, aexepath) is the parent's
            out += v.count ? v.items[0] : "<NA>";
            return;
        }
        for (size_t i = 0; i < v.count; i++) {
            if (i) out += ' ';
            out += v.items[i];
        }
        return;
    case FieldType::Number: {
        auto r = std::to_chars(buf, buf + sizeof(buf), v.num);
        out.append(buf, r.ptr);
        return;
    }
    case FieldType::Bool: out += v.boolean ? "true" : "false"; return;
    case FieldType::IpAddr:
    case FieldType::IpNet:
        if (f.info->id == F::ProcStdioLip || f.info->id == F::ProcStdioRip) return render_stdio_ip(f, out);
        render_fd_ip(f, out);
        return;
    }
}

}  // namespace crowsnest
