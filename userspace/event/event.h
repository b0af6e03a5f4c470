// A decoded kernel event: the C++ view of one ring-buffer record. The
// decoder (sensor/) fills it from bpf/events.h; nothing after it sees the ABI.
// One Event object is reused for every record, so its strings and vectors
// keep their capacity and decoding allocates nothing in steady state.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace crowsnest {

// Not calls, but facts the kernel side sends for the engine's own use:
// Flood: events of a cgroup that it dropped because the cgroup went over its
// rate (bpf/events.h, flood_bucket); CgroupPath: the path (Event::path) of a
// cgroup, read at its first exec, so that it is known even once removed.
// Syscall: one of the rarer calls that Falco's rules name (ptrace, setns,
// unshare, module loads, bpf, socket, symlink, link, chmod, set*id, dup,
// mount, umount2, mknod, memfd_create, unlink, accept, listen). ConnectResult: how a TCP connect
// attempt ended (blocking or not), with its 4-tuple, for the process that
// made it.
enum class EventType : uint8_t {
    Exec = 1, Connect = 2, Open = 3, Exit = 4, Flood = 5, CgroupPath = 6, Syscall = 7, ConnectResult = 8
};
constexpr size_t kEventTypeCount = 9;  // EventType values are 1..8; index 0 is unused

// How a connect attempt ended (EventType::ConnectResult); ret is -errno for Failed.
enum class ConnectOutcome : uint8_t { None, Established, Failed, Abandoned };

const char *event_type_name(EventType t);

// What one of fds 0, 1, 2 of a new program is (bpf/events.h, enum stdio_kind).
enum class StdioKind : uint8_t { Closed, File, Directory, CharDevice, BlockDevice, Pipe, Socket, Other };
constexpr size_t kStdioKindCount = 8;

struct StdioFd {
    StdioKind kind = StdioKind::Closed;
    uint64_t dev = 0;  // userspace dev_t (makedev): a device's own number, else its filesystem's
    uint64_t ino = 0;  // the inode: a pipe's (the same on both ends), a socket's, a file's
    // Socket: its ends, as the kernel held them at the exec
    uint16_t family = 0, protocol = 0, local_port = 0, remote_port = 0;
    std::array<uint8_t, 16> local_addr{}, remote_addr{};  // IPv4 in the first 4 bytes
};

// The call that produced the event. io_uring requests make no system call
// of their own: they are named after the operation.
enum class Syscall : uint8_t {
    None,  // not set (an event built by hand)
    Execve, Execveat,
    Connect, IoUringConnect,
    SendtoFastOpen, SendmsgFastOpen,  // TCP Fast Open: a connect made by a send
    Open, Openat, Openat2, IoUringOpenat, IoUringOpenat2,
    OpenByHandleAt,  // a file opened by its handle, with no path
    ProcessExit,     // not a call: the last thread of a process ended
    // EventType::Syscall, in the order of bpf/events.h's enum syscall_id
    Ptrace, Setns, Unshare, InitModule, FinitModule, Bpf, Socket, Symlink, Symlinkat, Link, Linkat,
    Chmod, Fchmod, Fchmodat, Setuid, Setgid, Setresuid, Setresgid, Dup, Dup2, Dup3,
    Mount, Umount2, Mknod, Mknodat, MemfdCreate, Fsopen, Unlink, Unlinkat, Accept, Accept4,
    Listen, IoUringAccept,  // IoUringAccept: IORING_OP_ACCEPT, no accept call at all
};
constexpr Syscall kFirstOtherSyscall = Syscall::Ptrace;  // the first call of EventType::Syscall
// An inbound connection taken, by a call or an io_uring request.
constexpr bool is_accept(Syscall s) { return s == Syscall::Accept || s == Syscall::Accept4 || s == Syscall::IoUringAccept; }
constexpr size_t kOtherSyscallCount = size_t(Syscall::IoUringAccept) - size_t(Syscall::Ptrace) + 1;

struct Event {
    EventType type = EventType::Exec;
    uint64_t boot_ns = 0;   // kernel boot-time clock
    uint64_t time_ns = 0;   // wall clock (ns since the Unix epoch)
    uint64_t cgroup_id = 0;
    uint32_t pid = 0, tid = 0, ppid = 0, uid = 0, gid = 0;
    uint32_t mnt_ns = 0, pid_ns = 0;
    std::string comm;
    int64_t ret = 0;
    Syscall syscall = Syscall::None;
    bool path_truncated = false;
    std::string base_dir;   // relative exec filename or open path: the absolute directory
                            // it starts from, read by the kernel side ("" if unknown)

    // exec
    std::string filename;
    std::vector<std::string> argv;
    bool argv_truncated = false;
    bool exe_upper_layer = false;  // the program's file was written in the container (overlay upper layer)
    bool has_stdio = false;        // a successful exec: stdio holds fds 0, 1 and 2 of the new program
    std::array<StdioFd, 3> stdio{};
    int32_t dirfd = 0;      // exec and open

    // open
    std::string path;
    uint32_t open_flags = 0, mode = 0;
    bool has_file_identity = false;
    uint64_t dev = 0;       // userspace dev_t (makedev) of the opened file
    uint64_t ino = 0;
    uint32_t mnt_id = 0;
    // refused on a file it named (EPERM, EACCES, EEXIST, ETXTBSY, EROFS):
    // which host file it was is found through the process's mounts
    bool open_refused = false;
    // the file's path within its filesystem, from the superblock's root,
    // whatever mount reached it; "" when the kernel could not read it whole
    std::string fs_path;

    // connect_result: the outcome, and when the attempt started (its 4-tuple
    // is family, addr, port, local_addr and local_port)
    ConnectOutcome outcome = ConnectOutcome::None;
    uint64_t connect_boot_ns = 0;

    // connect (the destination); dup, socket and accept (the socket's remote
    // end, when has_socket: an accepted connection's peer)
    int32_t fd = 0;
    uint16_t family = 0, port = 0;
    std::array<uint8_t, 16> addr{};
    std::string unix_path;
    bool unix_abstract = false;

    // syscall: the integer arguments in the call's order (bpf/events.h, enum
    // syscall_id), its first path in `path` (symlink's target, link's
    // oldpath, chmod's filename, mount's source) and its second in path2
    // (linkpath, newpath, mount's target); its short string in name
    // (mount's and fsopen's fs type, memfd_create's name)
    std::array<int64_t, 4> args{};
    std::string path2;
    std::string name;
    // dup, socket and accept: the fd is a socket, whose remote end is
    // family, addr and port above, and whose local end and protocol are these
    // (connect: its protocol and local port alone)
    bool has_socket = false;
    uint16_t local_port = 0, protocol = 0;
    std::array<uint8_t, 16> local_addr{};

    // exit
    int32_t exit_code = 0;

    // flood: the drops of cgroup_id, by EventType. As decoded, the counts
    // since `since` of one CPU's bucket (`cpu`, `slot`); the sensor turns
    // them into the drops since its last report before handing them on.
    struct FloodDrops {
        uint32_t cpu = 0, slot = 0;
        uint64_t since = 0;
        std::array<uint64_t, kEventTypeCount> dropped{};
    } flood;
};

}  // namespace crowsnest
