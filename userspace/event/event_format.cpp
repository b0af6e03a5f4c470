#include "event/event_format.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/types.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>

#include <cstring>

namespace crowsnest {

void append_address(uint16_t family, const std::array<uint8_t, 16> &addr, std::string &out) {
    char buf[INET6_ADDRSTRLEN] = {};
    if ((family == AF_INET || family == AF_INET6) && inet_ntop(family, addr.data(), buf, sizeof(buf))) out += buf;
}

const char *l4proto_name(uint16_t protocol) {
    switch (protocol) {
    case IPPROTO_TCP: return "tcp";
    case IPPROTO_UDP: return "udp";
    case IPPROTO_ICMP: case IPPROTO_ICMPV6: return "icmp";
    case IPPROTO_RAW: return "raw";
    default: return nullptr;
    }
}

namespace {

// Terminals by device major (Documentation/admin-guide/devices.txt): old
// BSD pty slaves, virtual consoles and serial ports, /dev/tty, /dev/console
// and /dev/ptmx, and the Unix98 pty slaves (/dev/pts/N).
bool is_tty_major(unsigned major) { return major == 3 || major == 4 || major == 5 || (major >= 136 && major <= 143); }

}  // namespace

const char *stdio_type_name(const StdioFd &fd) {
    switch (fd.kind) {
    case StdioKind::Closed: return "none";
    case StdioKind::File: return "file";
    case StdioKind::Directory: return "directory";
    case StdioKind::CharDevice:
        if (major(fd.dev) == 1 && minor(fd.dev) == 3) return "null";
        return is_tty_major(major(fd.dev)) ? "tty" : "device";
    case StdioKind::BlockDevice: return "device";
    case StdioKind::Pipe: return "pipe";
    case StdioKind::Socket:
        switch (fd.family) {
        case AF_INET: return "ipv4";
        case AF_INET6: return "ipv6";
        case AF_UNIX: return "unix";
        default: return "socket";
        }
    case StdioKind::Other: return "other";
    }
    return "other";
}

void append_ip(const Event &e, std::string &out) { append_address(e.family, e.addr, out); }

std::string ip_string(const Event &e) {
    std::string out;
    append_ip(e, out);
    return out;
}

std::string local_ip_string(const Event &e) {
    std::string out;
    append_address(e.family, e.local_addr, out);
    return out;
}

const char *connect_outcome_name(ConnectOutcome o) {
    switch (o) {
    case ConnectOutcome::Established: return "established";
    case ConnectOutcome::Failed: return "failed";
    case ConnectOutcome::Abandoned: return "abandoned";
    case ConnectOutcome::None: break;
    }
    return "";
}

const char *family_name(uint16_t family) {
    switch (family) {
    case AF_INET: return "inet";
    case AF_INET6: return "inet6";
    case AF_UNIX: return "unix";
    case AF_NETLINK: return "netlink";
    case AF_PACKET: return "packet";
    case AF_UNSPEC: return "unspec";
    default: return "other";
    }
}

// glibc defines O_LARGEFILE as 0 on 64-bit targets (the kernel forces large
// files there), yet callers such as musl still pass the kernel's bit, which
// the probes record as given. Its value differs between architectures.
#if defined(__x86_64__)
#define KERNEL_O_LARGEFILE 00100000  // <asm-generic/fcntl.h>
#elif defined(__aarch64__)
#define KERNEL_O_LARGEFILE 00400000  // arch/arm64/include/uapi/asm/fcntl.h
#else
#define KERNEL_O_LARGEFILE O_LARGEFILE  // glibc's value is the kernel's where it is not 0
#endif

void append_open_flags(uint32_t flags, std::string &out) {
    // In order; a flag that includes another's bit comes before it, and the
    // bits of a named flag are cleared so that they are named once.
    static const struct {
        uint32_t bits;
        const char *name;
    } names[] = {
        {O_TMPFILE, "O_TMPFILE"},  // includes O_DIRECTORY's bit
        {O_DIRECTORY, "O_DIRECTORY"},
        {O_CREAT, "O_CREAT"},
        {O_EXCL, "O_EXCL"},
        {O_NOCTTY, "O_NOCTTY"},
        {O_TRUNC, "O_TRUNC"},
        {O_APPEND, "O_APPEND"},
        {O_NONBLOCK, "O_NONBLOCK"},
        {O_SYNC, "O_SYNC"},  // includes O_DSYNC's bit
        {O_DSYNC, "O_DSYNC"},
        {O_DIRECT, "O_DIRECT"},
        {KERNEL_O_LARGEFILE, "O_LARGEFILE"},
        {O_NOFOLLOW, "O_NOFOLLOW"},
        {O_NOATIME, "O_NOATIME"},
        {O_CLOEXEC, "O_CLOEXEC"},
        {O_PATH, "O_PATH"},
    };
    switch (flags & O_ACCMODE) {
    case O_RDONLY: out += "O_RDONLY"; break;
    case O_WRONLY: out += "O_WRONLY"; break;
    default: out += "O_RDWR"; break;
    }
    for (const auto &n : names) {
        if (n.bits == 0 || (flags & n.bits) != n.bits) continue;
        out += '|';
        out += n.name;
        flags &= ~n.bits;
    }
}

std::string open_flags_string(uint32_t flags) {
    std::string out;
    append_open_flags(flags, out);
    return out;
}

std::string errno_name(int64_t ret) {
    if (ret >= 0) return "";
    const char *name = strerrorname_np(int(-ret));
    return name ? name : "E" + std::to_string(-ret);
}

const char *event_type_name(EventType t) {
    switch (t) {
    case EventType::Exec: return "exec";
    case EventType::Connect: return "connect";
    case EventType::Open: return "open";
    case EventType::Exit: return "exit";
    case EventType::Flood: return "flood";
    case EventType::CgroupPath: return "cgroup";
    case EventType::Syscall: return "syscall";
    case EventType::ConnectResult: return "connect_result";
    }
    return "unknown";
}

const char *syscall_name(const Event &e) {
    switch (e.syscall) {
    case Syscall::Execve: return "execve";
    case Syscall::Execveat: return "execveat";
    case Syscall::Connect: return "connect";
    case Syscall::IoUringConnect: return "io_uring_connect";
    case Syscall::SendtoFastOpen: return "sendto";
    case Syscall::SendmsgFastOpen: return "sendmsg";
    case Syscall::Open: return "open";
    case Syscall::Openat: return "openat";
    case Syscall::Openat2: return "openat2";
    case Syscall::IoUringOpenat: return "io_uring_openat";
    case Syscall::IoUringOpenat2: return "io_uring_openat2";
    case Syscall::OpenByHandleAt: return "open_by_handle_at";
    case Syscall::ProcessExit: return "exit";
    case Syscall::Ptrace: return "ptrace";
    case Syscall::Setns: return "setns";
    case Syscall::Unshare: return "unshare";
    case Syscall::InitModule: return "init_module";
    case Syscall::FinitModule: return "finit_module";
    case Syscall::Bpf: return "bpf";
    case Syscall::Socket: return "socket";
    case Syscall::Symlink: return "symlink";
    case Syscall::Symlinkat: return "symlinkat";
    case Syscall::Link: return "link";
    case Syscall::Linkat: return "linkat";
    case Syscall::Chmod: return "chmod";
    case Syscall::Fchmod: return "fchmod";
    case Syscall::Fchmodat: return "fchmodat";
    case Syscall::Setuid: return "setuid";
    case Syscall::Setgid: return "setgid";
    case Syscall::Setresuid: return "setresuid";
    case Syscall::Setresgid: return "setresgid";
    case Syscall::Dup: return "dup";
    case Syscall::Dup2: return "dup2";
    case Syscall::Dup3: return "dup3";
    case Syscall::Mount: return "mount";
    case Syscall::Umount2: return "umount2";
    case Syscall::Mknod: return "mknod";
    case Syscall::Mknodat: return "mknodat";
    case Syscall::MemfdCreate: return "memfd_create";
    case Syscall::Fsopen: return "fsopen";
    case Syscall::Unlink: return "unlink";
    case Syscall::Unlinkat: return "unlinkat";
    case Syscall::Accept: return "accept";
    case Syscall::Accept4: return "accept4";
    case Syscall::Listen: return "listen";
    case Syscall::IoUringAccept: return "io_uring_accept";
    case Syscall::None: break;
    }
    // an event built by hand: the plain call of its type
    switch (e.type) {
    case EventType::Exec: return "execve";
    case EventType::Connect:
    case EventType::ConnectResult: return "connect";  // the call whose outcome it is
    case EventType::Open: return "openat";
    case EventType::Exit: return "exit";
    case EventType::Flood: return "flood";
    case EventType::CgroupPath: return "cgroup";
    case EventType::Syscall: return "syscall";
    }
    return "";
}

void append_unix_path(const Event &e, std::string &out) {
    if (!e.unix_abstract) {
        out += e.unix_path;
        return;
    }
    out += '@';
    for (char c : e.unix_path) out += c == '\0' ? '@' : c;
}

std::string unix_path_string(const Event &e) {
    std::string out;
    append_unix_path(e, out);
    return out;
}

std::string join_args(const std::vector<std::string> &args) {
    std::string out;
    for (const auto &a : args) {
        if (!out.empty()) out += ' ';
        out += a;
    }
    return out;
}

}  // namespace crowsnest
