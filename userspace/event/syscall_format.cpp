#include "event/syscall_format.h"

#include <fcntl.h>
#include <linux/bpf.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <charconv>

namespace crowsnest {

namespace {

struct Name {
    int64_t value;
    const char *name;
};
#define NAME(x) Name{int64_t(x), #x}

void append_number(int64_t v, std::string &out) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof(buf), v);
    out.append(buf, r.ptr);
}

// One value out of a list of names.
template <size_t N>
void append_enum(int64_t v, const Name (&names)[N], std::string &out) {
    for (const auto &n : names)
        if (n.value == v) {
            out += n.name;
            return;
        }
    append_number(v, out);
}

// The names of the bits set in `v`, joined by '|'; "0" when none is named.
template <size_t N>
void append_bits(int64_t v, const Name (&names)[N], std::string &out) {
    const size_t start = out.size();
    for (const auto &n : names) {
        if ((v & n.value) != n.value) continue;
        if (out.size() > start) out += '|';
        out += n.name;
    }
    if (out.size() == start) out += '0';
}

constexpr Name kPtraceRequests[] = {
    NAME(PTRACE_TRACEME),    NAME(PTRACE_PEEKTEXT),   NAME(PTRACE_PEEKDATA),    NAME(PTRACE_PEEKUSER),
    NAME(PTRACE_POKETEXT),   NAME(PTRACE_POKEDATA),   NAME(PTRACE_POKEUSER),    NAME(PTRACE_CONT),
    NAME(PTRACE_KILL),       NAME(PTRACE_SINGLESTEP), NAME(PTRACE_GETREGS),     NAME(PTRACE_SETREGS),
    NAME(PTRACE_GETFPREGS),  NAME(PTRACE_SETFPREGS),  NAME(PTRACE_ATTACH),      NAME(PTRACE_DETACH),
    NAME(PTRACE_GETFPXREGS), NAME(PTRACE_SETFPXREGS), NAME(PTRACE_SYSCALL),     NAME(PTRACE_SETOPTIONS),
    NAME(PTRACE_GETEVENTMSG), NAME(PTRACE_GETSIGINFO), NAME(PTRACE_SETSIGINFO), NAME(PTRACE_GETREGSET),
    NAME(PTRACE_SETREGSET),  NAME(PTRACE_SEIZE),      NAME(PTRACE_INTERRUPT),   NAME(PTRACE_LISTEN),
    NAME(PTRACE_PEEKSIGINFO),
};

constexpr Name kBpfCmds[] = {
    NAME(BPF_MAP_CREATE),      NAME(BPF_MAP_LOOKUP_ELEM),    NAME(BPF_MAP_UPDATE_ELEM),   NAME(BPF_MAP_DELETE_ELEM),
    NAME(BPF_MAP_GET_NEXT_KEY), NAME(BPF_PROG_LOAD),         NAME(BPF_OBJ_PIN),           NAME(BPF_OBJ_GET),
    NAME(BPF_PROG_ATTACH),     NAME(BPF_PROG_DETACH),        NAME(BPF_PROG_TEST_RUN),     NAME(BPF_PROG_GET_NEXT_ID),
    NAME(BPF_MAP_GET_NEXT_ID), NAME(BPF_PROG_GET_FD_BY_ID),  NAME(BPF_MAP_GET_FD_BY_ID),  NAME(BPF_OBJ_GET_INFO_BY_FD),
    NAME(BPF_PROG_QUERY),      NAME(BPF_RAW_TRACEPOINT_OPEN), NAME(BPF_BTF_LOAD),         NAME(BPF_BTF_GET_FD_BY_ID),
    NAME(BPF_TASK_FD_QUERY),   NAME(BPF_MAP_LOOKUP_AND_DELETE_ELEM), NAME(BPF_MAP_FREEZE), NAME(BPF_BTF_GET_NEXT_ID),
    NAME(BPF_LINK_CREATE),     NAME(BPF_LINK_UPDATE),        NAME(BPF_LINK_GET_FD_BY_ID), NAME(BPF_LINK_GET_NEXT_ID),
    NAME(BPF_ENABLE_STATS),    NAME(BPF_ITER_CREATE),        NAME(BPF_LINK_DETACH),       NAME(BPF_PROG_BIND_MAP),
};

constexpr Name kDomains[] = {
    NAME(AF_UNSPEC), NAME(AF_UNIX),  NAME(AF_INET),    NAME(AF_AX25),  NAME(AF_IPX),    NAME(AF_APPLETALK),
    NAME(AF_NETROM), NAME(AF_BRIDGE), NAME(AF_ATMPVC), NAME(AF_X25),   NAME(AF_INET6),  NAME(AF_ROSE),
    NAME(AF_DECnet), NAME(AF_NETBEUI), NAME(AF_SECURITY), NAME(AF_KEY), NAME(AF_NETLINK), NAME(AF_PACKET),
    NAME(AF_ASH),    NAME(AF_ECONET), NAME(AF_ATMSVC), NAME(AF_RDS),   NAME(AF_SNA),    NAME(AF_IRDA),
    NAME(AF_PPPOX),  NAME(AF_WANPIPE), NAME(AF_LLC),   NAME(AF_CAN),   NAME(AF_TIPC),   NAME(AF_BLUETOOTH),
    NAME(AF_IUCV),   NAME(AF_RXRPC), NAME(AF_ISDN),    NAME(AF_PHONET), NAME(AF_IEEE802154), NAME(AF_CAIF),
    NAME(AF_ALG),    NAME(AF_NFC),   NAME(AF_VSOCK),   NAME(AF_KCM),   NAME(AF_QIPCRTR), NAME(AF_SMC),
    NAME(AF_XDP),
};

constexpr Name kSocketTypes[] = {
    NAME(SOCK_STREAM), NAME(SOCK_DGRAM), NAME(SOCK_RAW), NAME(SOCK_RDM), NAME(SOCK_SEQPACKET),
    NAME(SOCK_DCCP),   NAME(SOCK_PACKET),
};
constexpr Name kSocketTypeFlags[] = {NAME(SOCK_NONBLOCK), NAME(SOCK_CLOEXEC)};

constexpr Name kCloneFlags[] = {
    NAME(CLONE_FILES),   NAME(CLONE_FS),      NAME(CLONE_SYSVSEM), NAME(CLONE_NEWCGROUP), NAME(CLONE_NEWIPC),
    NAME(CLONE_NEWNET),  NAME(CLONE_NEWNS),   NAME(CLONE_NEWPID),  NAME(CLONE_NEWTIME),   NAME(CLONE_NEWUSER),
    NAME(CLONE_NEWUTS),
};

constexpr Name kModeBits[] = {
    NAME(S_IXOTH), NAME(S_IWOTH), NAME(S_IROTH), NAME(S_IXGRP), NAME(S_IWGRP), NAME(S_IRGRP),
    NAME(S_IXUSR), NAME(S_IWUSR), NAME(S_IRUSR), NAME(S_ISVTX), NAME(S_ISGID), NAME(S_ISUID),
};

constexpr Name kAtFlags[] = {NAME(AT_SYMLINK_FOLLOW), NAME(AT_EMPTY_PATH), NAME(AT_REMOVEDIR)};
constexpr Name kDup3Flags[] = {NAME(O_CLOEXEC)};

// Falco names mount's and umount2's flags without their MS_ and MNT_ prefixes
constexpr Name kMountFlags[] = {
    {MS_RDONLY, "RDONLY"},         {MS_NOSUID, "NOSUID"},         {MS_NODEV, "NODEV"},
    {MS_NOEXEC, "NOEXEC"},         {MS_SYNCHRONOUS, "SYNCHRONOUS"}, {MS_REMOUNT, "REMOUNT"},
    {MS_MANDLOCK, "MANDLOCK"},     {MS_DIRSYNC, "DIRSYNC"},       {MS_NOATIME, "NOATIME"},
    {MS_NODIRATIME, "NODIRATIME"}, {MS_BIND, "BIND"},             {MS_MOVE, "MOVE"},
    {MS_REC, "REC"},               {MS_SILENT, "SILENT"},         {MS_POSIXACL, "POSIXACL"},
    {MS_UNBINDABLE, "UNBINDABLE"}, {MS_PRIVATE, "PRIVATE"},       {MS_SLAVE, "SLAVE"},
    {MS_SHARED, "SHARED"},         {MS_RELATIME, "RELATIME"},     {MS_KERNMOUNT, "KERNMOUNT"},
    {MS_I_VERSION, "I_VERSION"},   {MS_STRICTATIME, "STRICTATIME"}, {MS_LAZYTIME, "LAZYTIME"},
};
constexpr Name kUmountFlags[] = {
    {MNT_FORCE, "FORCE"}, {MNT_DETACH, "DETACH"}, {MNT_EXPIRE, "EXPIRE"}, {UMOUNT_NOFOLLOW, "NOFOLLOW"}};

constexpr Name kFileTypes[] = {
    NAME(S_IFREG), NAME(S_IFCHR), NAME(S_IFBLK), NAME(S_IFIFO), NAME(S_IFSOCK), NAME(S_IFDIR), NAME(S_IFLNK)};

constexpr Name kMemfdFlags[] = {NAME(MFD_CLOEXEC), NAME(MFD_ALLOW_SEALING), NAME(MFD_HUGETLB)};

#undef NAME

}  // namespace

void append_ptrace_request(int64_t request, std::string &out) { append_enum(request, kPtraceRequests, out); }
void append_bpf_cmd(int64_t cmd, std::string &out) { append_enum(cmd, kBpfCmds, out); }
void append_socket_domain(int64_t domain, std::string &out) { append_enum(domain, kDomains, out); }

void append_socket_type(int64_t type, std::string &out) {
    append_enum(type & ~int64_t(SOCK_NONBLOCK | SOCK_CLOEXEC), kSocketTypes, out);
    for (const auto &n : kSocketTypeFlags)
        if (type & n.value) out.append("|").append(n.name);
}

void append_socket_flags(int64_t flags, std::string &out) { append_bits(flags, kSocketTypeFlags, out); }
void append_clone_flags(int64_t flags, std::string &out) { append_bits(flags, kCloneFlags, out); }
void append_chmod_mode(int64_t mode, std::string &out) { append_bits(mode, kModeBits, out); }
void append_at_flags(int64_t flags, std::string &out) { append_bits(flags, kAtFlags, out); }
void append_dup3_flags(int64_t flags, std::string &out) { append_bits(flags, kDup3Flags, out); }

void append_mount_flags(int64_t flags, std::string &out) {
    // the kernel drops the old magic number that callers may put in the top half
    if ((flags & MS_MGC_MSK) == MS_MGC_VAL) flags &= ~int64_t(MS_MGC_MSK);
    append_bits(flags, kMountFlags, out);
}

void append_umount_flags(int64_t flags, std::string &out) { append_bits(flags, kUmountFlags, out); }

// The file type, then the permission bits: S_IFBLK|S_IRUSR|S_IWUSR. A mode
// with no type (0) makes a regular file, as the kernel reads it.
void append_mknod_mode(int64_t mode, std::string &out) {
    const int64_t type = mode & S_IFMT;
    append_enum(type == 0 ? S_IFREG : type, kFileTypes, out);
    if ((mode & ~int64_t(S_IFMT)) == 0) return;
    out += '|';
    append_bits(mode & ~int64_t(S_IFMT), kModeBits, out);
}

void append_memfd_flags(int64_t flags, std::string &out) { append_bits(flags, kMemfdFlags, out); }

}  // namespace crowsnest
