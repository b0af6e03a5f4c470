#include "sensor/decoder.h"

#include <linux/types.h>
#include <sys/sysmacros.h>
#include <time.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <tuple>

#include "util/path_util.h"

extern "C" {
#include "events.h"
}

namespace crowsnest {

const char *decode_status_name(DecodeStatus s) {
    switch (s) {
    case DecodeStatus::Ok: return "ok";
    case DecodeStatus::TooShort: return "too_short";
    case DecodeStatus::BadVersion: return "bad_version";
    case DecodeStatus::BadType: return "bad_type";
    case DecodeStatus::SizeMismatch: return "size_mismatch";
    case DecodeStatus::BadLength: return "bad_length";
    }
    return "unknown";
}

int64_t Decoder::current_boot_to_wall_ns() {
    timespec real{}, boot{};
    clock_gettime(CLOCK_REALTIME, &real);
    clock_gettime(CLOCK_BOOTTIME, &boot);
    return (int64_t(real.tv_sec) - boot.tv_sec) * 1000000000LL + (real.tv_nsec - boot.tv_nsec);
}

namespace {

// Copies the fixed part of a record (everything before its variable tail).
template <typename T>
bool read_fixed(const uint8_t *data, size_t len, size_t fixed_len, T &out) {
    if (len < fixed_len) return false;
    std::memcpy(&out, data, fixed_len);
    return true;
}

// A string of `len` bytes stored in a field of `cap` bytes: cut at the first NUL.
void assign_bounded(std::string &out, const char *p, size_t len) {
    out.assign(p, strnlen(p, len));
}

void decode_header(const event_header &h, int64_t boot_to_wall, Event &out) {
    out.type = EventType(h.type);
    out.boot_ns = h.ts_boot_ns;
    out.time_ns = uint64_t(int64_t(h.ts_boot_ns) + boot_to_wall);
    out.cgroup_id = h.cgroup_id;
    out.pid = h.pid;
    out.tid = h.tid;
    out.ppid = h.ppid;
    out.uid = h.uid;
    out.gid = h.gid;
    out.mnt_ns = h.mnt_ns;
    out.pid_ns = h.pid_ns;
    assign_bounded(out.comm, h.comm, COMM_LEN);
}

// Components written leaf first, each NUL-terminated (a base directory, a
// cgroup's path), as an absolute path: "/" for none. False when the bytes
// are not well formed. Built from the end: no component is moved twice.
bool join_leaf_first(std::string_view leaf_first, std::string &out) {
    out.clear();
    if (leaf_first.empty()) {
        out.push_back('/');
        return true;
    }
    if (leaf_first.back() != '\0') return false;
    size_t end = leaf_first.size() - 1;  // the NUL that ends the component nearest the root
    for (;;) {
        const size_t nul = end == 0 ? std::string_view::npos : leaf_first.rfind('\0', end - 1);
        const size_t begin = nul == std::string_view::npos ? 0 : nul + 1;
        out.push_back('/');
        out.append(leaf_first.substr(begin, end - begin));
        if (nul == std::string_view::npos) return true;
        end = nul;
    }
}

// A relative path's base directory: sets `out` to it as an absolute path,
// or "" for an absolute path or a base the kernel could not read whole.
bool decode_base_dir(std::string_view leaf_first, uint16_t flags, std::string_view path, std::string &out) {
    out.clear();
    const bool relative = !path.empty() && path[0] != '/';
    if (!relative || (flags & EVENT_FLAG_BASE_INCOMPLETE)) return true;
    return join_leaf_first(leaf_first, out);
}

// The new program's fds 0, 1 and 2. False when a kind is not one the ABI
// names, or a record that did not read them (a failed exec) has any.
bool decode_stdio(const exec_event &e, Event &out) {
    static_assert(STDIO_FDS == std::tuple_size_v<decltype(Event::stdio)>, "the ABI's stdio fds and the C++ ones");
    static_assert(STDIO_KIND_MAX == kStdioKindCount, "the ABI's stdio kinds and the C++ ones");
    out.has_stdio = e.flags & EVENT_FLAG_STDIO;
    for (size_t i = 0; i < STDIO_FDS; i++) {
        const stdio_fd &k = e.stdio[i];
        if (k.kind >= STDIO_KIND_MAX || (!out.has_stdio && k.kind != STDIO_CLOSED)) return false;
        StdioFd &fd = out.stdio[i];
        fd.kind = StdioKind(k.kind);
        // the kernel's dev_t is major << 20 | minor; userspace's is makedev()
        fd.dev = k.kind == STDIO_CLOSED ? 0 : makedev(k.dev >> 20, k.dev & 0xfffff);
        fd.ino = k.ino;
        const bool socket = k.kind == STDIO_SOCKET;
        fd.family = socket ? k.sock.family : 0;
        fd.protocol = socket ? k.sock.protocol : 0;
        fd.local_port = socket ? k.sock.lport : 0;
        fd.remote_port = socket ? k.sock.rport : 0;
        fd.local_addr.fill(0);
        fd.remote_addr.fill(0);
        if (socket) {
            std::memcpy(fd.local_addr.data(), k.sock.laddr, sizeof(k.sock.laddr));
            std::memcpy(fd.remote_addr.data(), k.sock.raddr, sizeof(k.sock.raddr));
        }
    }
    return true;
}

DecodeStatus decode_exec(const uint8_t *data, size_t len, Event &out) {
    exec_event e;
    const size_t fixed = offsetof(exec_event, data);
    if (!read_fixed(data, len, fixed, e)) return DecodeStatus::TooShort;
    // the record ends exactly after the filename, base and argument area
    // the filename and its base share PATH_LEN + BASE_LEN bytes: a short
    // filename leaves its base more than BASE_LEN
    if (e.filename_len >= PATH_LEN || e.filename_len + e.base_len > PATH_LEN + BASE_LEN || e.argv_len > EXEC_ARGV_LEN ||
        e.argv_total < e.argv_len || size_t(e.filename_len) + e.base_len + e.argv_len != len - fixed)
        return DecodeStatus::BadLength;
    if (!decode_stdio(e, out)) return DecodeStatus::BadType;
    const char *p = reinterpret_cast<const char *>(data + fixed);
    out.filename.assign(p, e.filename_len);
    if (!decode_base_dir(std::string_view(p + e.filename_len, e.base_len), e.flags, out.filename, out.base_dir))
        return DecodeStatus::BadLength;
    split_nul_separated(std::string_view(p + e.filename_len + e.base_len, e.argv_len), out.argv);
    out.ret = e.ret;
    out.syscall = e.syscall == EXEC_SYSCALL_EXECVEAT ? Syscall::Execveat : Syscall::Execve;
    out.dirfd = e.dirfd;
    out.path_truncated = e.flags & (EVENT_FLAG_PATH_TRUNCATED | EVENT_FLAG_BASE_INCOMPLETE);
    out.argv_truncated = (e.flags & EVENT_FLAG_ARGV_TRUNCATED) || e.argv_total > e.argv_len;
    out.exe_upper_layer = e.flags & EVENT_FLAG_EXE_UPPER_LAYER;
    return DecodeStatus::Ok;
}

Syscall open_syscall(uint16_t abi) {
    switch (abi) {
    case OPEN_SYSCALL_OPEN: return Syscall::Open;
    case OPEN_SYSCALL_OPENAT2: return Syscall::Openat2;
    case OPEN_SYSCALL_IO_URING_OPENAT: return Syscall::IoUringOpenat;
    case OPEN_SYSCALL_IO_URING_OPENAT2: return Syscall::IoUringOpenat2;
    case OPEN_SYSCALL_OPEN_BY_HANDLE_AT: return Syscall::OpenByHandleAt;
    default: return Syscall::Openat;
    }
}

DecodeStatus decode_open(const uint8_t *data, size_t len, Event &out) {
    open_event e;
    const size_t fixed = offsetof(open_event, data);
    if (!read_fixed(data, len, fixed, e)) return DecodeStatus::TooShort;
    // the path and its base share PATH_LEN + BASE_LEN bytes, and the file's
    // path in its filesystem what they leave of data[]
    const size_t used = size_t(e.path_len) + e.base_len;
    if (e.path_len >= PATH_LEN || used > PATH_LEN + BASE_LEN || used + e.fs_len > sizeof(e.data) ||
        used + e.fs_len != len - fixed || (e.fs_len && !(e.flags & EVENT_FLAG_FS_PATH)))
        return DecodeStatus::BadLength;
    const char *p = reinterpret_cast<const char *>(data + fixed);
    out.path.assign(p, e.path_len);
    if (!decode_base_dir(std::string_view(p + e.path_len, e.base_len), e.flags, out.path, out.base_dir))
        return DecodeStatus::BadLength;
    out.fs_path.clear();
    if ((e.flags & EVENT_FLAG_FS_PATH) && !join_leaf_first(std::string_view(p + used, e.fs_len), out.fs_path))
        return DecodeStatus::BadLength;
    out.ret = e.ret;
    static_assert(OPEN_REFUSALS == (1ULL << EPERM | 1ULL << EACCES | 1ULL << EEXIST | 1ULL << ETXTBSY | 1ULL << EROFS),
                  "the ABI's refusals are these errnos");
    out.open_refused = e.ret < 0 && e.ret > -64 && ((OPEN_REFUSALS >> -e.ret) & 1);
    out.syscall = open_syscall(e.syscall);
    out.dirfd = e.dirfd;
    out.open_flags = e.open_flags;
    out.mode = e.mode;
    out.path_truncated = e.flags & (EVENT_FLAG_PATH_TRUNCATED | EVENT_FLAG_BASE_INCOMPLETE);
    out.has_file_identity = e.flags & EVENT_FLAG_FILE_IDENTITY;
    // the kernel's dev_t is major << 20 | minor; userspace's is makedev()
    out.dev = out.has_file_identity ? makedev(e.dev >> 20, e.dev & 0xfffff) : 0;
    out.ino = e.ino;
    out.mnt_id = e.mnt_id;
    return DecodeStatus::Ok;
}

DecodeStatus decode_connect(const uint8_t *data, size_t len, Event &out) {
    connect_event e;
    if (len != sizeof(e)) return len < sizeof(e) ? DecodeStatus::TooShort : DecodeStatus::SizeMismatch;
    std::memcpy(&e, data, sizeof(e));
    if (e.unix_path_len >= UNIX_PATH_LEN) return DecodeStatus::BadLength;
    out.ret = e.ret;
    out.fd = e.fd;
    out.family = e.family;
    out.port = e.port;
    std::memcpy(out.addr.data(), e.addr, sizeof(e.addr));
    out.unix_abstract = e.flags & EVENT_FLAG_UNIX_ABSTRACT;
    switch (e.syscall) {
    case CONNECT_SYSCALL_IO_URING: out.syscall = Syscall::IoUringConnect; break;
    case CONNECT_SYSCALL_SENDTO: out.syscall = Syscall::SendtoFastOpen; break;
    case CONNECT_SYSCALL_SENDMSG: out.syscall = Syscall::SendmsgFastOpen; break;
    default: out.syscall = Syscall::Connect; break;
    }
    out.path_truncated = e.flags & EVENT_FLAG_PATH_TRUNCATED;
    out.has_socket = e.flags & EVENT_FLAG_SOCKET;
    out.protocol = e.protocol;
    out.local_port = e.lport;
    // an abstract name may hold NULs: keep exactly its length
    if (out.unix_abstract)
        out.unix_path.assign(e.unix_path, e.unix_path_len);
    else
        assign_bounded(out.unix_path, e.unix_path, e.unix_path_len);
    return DecodeStatus::Ok;
}

// One of the rarer calls (enum syscall_id): its arguments, up to two paths
// and a name, and for dup, socket and accept the socket's ends.
DecodeStatus decode_syscall(const uint8_t *data, size_t len, Event &out) {
    syscall_event e;
    const size_t fixed = offsetof(syscall_event, data);
    if (!read_fixed(data, len, fixed, e)) return DecodeStatus::TooShort;
    if (e.syscall < SYSCALL_PTRACE || e.syscall >= SYSCALL_ID_MAX) return DecodeStatus::BadType;
    if (e.path_len >= PATH_LEN || e.path2_len >= PATH_LEN || e.name_len >= SYSCALL_NAME_LEN ||
        size_t(e.path_len) + e.path2_len + e.name_len != len - fixed)
        return DecodeStatus::BadLength;
    static_assert(SYSCALL_ID_MAX - SYSCALL_PTRACE == kOtherSyscallCount, "the ABI's calls and the C++ ones");
    static_assert(SYSCALL_ARGS == std::tuple_size_v<decltype(Event::args)>, "the ABI's arguments and the C++ ones");
    const char *p = reinterpret_cast<const char *>(data + fixed);
    out.syscall = Syscall(size_t(kFirstOtherSyscall) + e.syscall - SYSCALL_PTRACE);
    out.ret = e.ret;
    for (size_t i = 0; i < SYSCALL_ARGS; i++) out.args[i] = e.args[i];
    out.path.assign(p, e.path_len);
    out.path2.assign(p + e.path_len, e.path2_len);
    out.name.assign(p + e.path_len + e.path2_len, e.name_len);
    out.base_dir.clear();
    out.path_truncated = e.flags & EVENT_FLAG_PATH_TRUNCATED;
    // fd.* read the socket's ends as they read a connect's destination
    out.has_socket = e.flags & EVENT_FLAG_SOCKET;
    out.family = out.has_socket ? e.sock.family : 0;
    out.port = e.sock.rport;
    out.local_port = e.sock.lport;
    out.protocol = e.sock.protocol;
    std::memcpy(out.addr.data(), e.sock.raddr, sizeof(e.sock.raddr));
    std::memcpy(out.local_addr.data(), e.sock.laddr, sizeof(e.sock.laddr));
    out.unix_path.clear();
    out.unix_abstract = false;
    // the calls that make an fd name it by their result
    const bool makes_fd = out.syscall == Syscall::Socket || out.syscall == Syscall::MemfdCreate ||
                          out.syscall == Syscall::Fsopen || is_accept(out.syscall);
    out.fd = int32_t(makes_fd ? e.ret : e.args[0]);
    return DecodeStatus::Ok;
}

// How a TCP connect attempt ended: the connector's header, the 4-tuple.
DecodeStatus decode_connect_result(const uint8_t *data, size_t len, Event &out) {
    connect_result_event e;
    if (len != sizeof(e)) return len < sizeof(e) ? DecodeStatus::TooShort : DecodeStatus::SizeMismatch;
    std::memcpy(&e, data, sizeof(e));
    switch (e.outcome) {
    case CONNECT_OUTCOME_ESTABLISHED: out.outcome = ConnectOutcome::Established; break;
    case CONNECT_OUTCOME_FAILED: out.outcome = ConnectOutcome::Failed; break;
    case CONNECT_OUTCOME_ABANDONED: out.outcome = ConnectOutcome::Abandoned; break;
    default: return DecodeStatus::BadType;
    }
    out.ret = e.ret;
    out.connect_boot_ns = e.connect_boot_ns;
    out.syscall = Syscall::None;
    out.has_socket = true;
    out.family = e.ends.family;
    out.protocol = e.ends.protocol;
    out.port = e.ends.rport;
    out.local_port = e.ends.lport;
    std::memcpy(out.addr.data(), e.ends.raddr, sizeof(e.ends.raddr));
    std::memcpy(out.local_addr.data(), e.ends.laddr, sizeof(e.ends.laddr));
    out.fd = -1;  // the socket's fd is not known where the state changes
    out.unix_path.clear();
    out.unix_abstract = false;
    return DecodeStatus::Ok;
}

// A cgroup's rate-limit slot went to another cgroup: its counts so far.
DecodeStatus decode_flood(const uint8_t *data, size_t len, Event &out) {
    flood_event e;
    if (len != sizeof(e)) return len < sizeof(e) ? DecodeStatus::TooShort : DecodeStatus::SizeMismatch;
    std::memcpy(&e, data, sizeof(e));
    out.flood.cpu = e.cpu;
    out.flood.slot = e.slot;
    out.flood.since = e.since;
    static_assert(EVENT_TYPE_MAX == kEventTypeCount, "the ABI's event types and the C++ ones");
    for (size_t t = 0; t < kEventTypeCount; t++) out.flood.dropped[t] = e.dropped[t];
    out.ret = 0;
    out.syscall = Syscall::None;
    return DecodeStatus::Ok;
}

// The path of the cgroup the record's header names, as Event::path.
DecodeStatus decode_cgroup_path(const uint8_t *data, size_t len, Event &out) {
    cgroup_event e;
    const size_t fixed = offsetof(cgroup_event, data);
    if (!read_fixed(data, len, fixed, e)) return DecodeStatus::TooShort;
    if (len != sizeof(e)) return DecodeStatus::SizeMismatch;
    if (e.path_len > CGROUP_PATH_LEN) return DecodeStatus::BadLength;
    if (!join_leaf_first(std::string_view(reinterpret_cast<const char *>(data + fixed), e.path_len), out.path))
        return DecodeStatus::BadLength;
    out.path_truncated = e.flags & EVENT_FLAG_BASE_INCOMPLETE;
    out.ret = 0;
    out.syscall = Syscall::None;
    return DecodeStatus::Ok;
}

DecodeStatus decode_exit(const uint8_t *data, size_t len, Event &out) {
    exit_event e;
    if (len != sizeof(e)) return len < sizeof(e) ? DecodeStatus::TooShort : DecodeStatus::SizeMismatch;
    std::memcpy(&e, data, sizeof(e));
    out.exit_code = e.exit_code;
    out.ret = 0;
    out.syscall = Syscall::ProcessExit;
    return DecodeStatus::Ok;
}

}  // namespace

DecodeStatus Decoder::decode(const void *raw, size_t len, Event &out) const {
    const auto *data = static_cast<const uint8_t *>(raw);
    event_header h;
    if (len < sizeof(h)) return DecodeStatus::TooShort;
    std::memcpy(&h, data, sizeof(h));
    if (h.version != CROWSNEST_ABI_VERSION) return DecodeStatus::BadVersion;
    if (h.size != len) return DecodeStatus::SizeMismatch;
    // flags that only some types set must not leak from the previous record
    out.path_truncated = out.argv_truncated = out.has_file_identity = out.exe_upper_layer = out.has_socket = false;
    out.has_stdio = false;

    DecodeStatus s;
    switch (h.type) {
    case EVENT_EXEC: s = decode_exec(data, len, out); break;
    case EVENT_OPEN: s = decode_open(data, len, out); break;
    case EVENT_CONNECT: s = decode_connect(data, len, out); break;
    case EVENT_EXIT: s = decode_exit(data, len, out); break;
    case EVENT_FLOOD: s = decode_flood(data, len, out); break;
    case EVENT_CGROUP_PATH: s = decode_cgroup_path(data, len, out); break;
    case EVENT_SYSCALL: s = decode_syscall(data, len, out); break;
    case EVENT_CONNECT_RESULT: s = decode_connect_result(data, len, out); break;
    default: return DecodeStatus::BadType;
    }
    if (s != DecodeStatus::Ok) return s;
    decode_header(h, boot_to_wall_ns_, out);
    // a flood record is about the cgroup that lost the slot, not the one
    // whose event took it
    if (h.type == EVENT_FLOOD)
        std::memcpy(&out.cgroup_id, data + offsetof(flood_event, flooded_cgroup), sizeof(out.cgroup_id));
    return s;
}

}  // namespace crowsnest
