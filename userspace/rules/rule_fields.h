// The fields that rule conditions and output templates name (Falco's names
// where the meaning is the same), their types, which events set them, and
// how one event's values are read without allocating: a FieldReader is
// reset for each event and computes a composite value (a command line, an
// fd name) at most once, into buffers that keep their capacity.
// README.md ("Rule fields") documents every field.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "event/event_context.h"
#include "rules/ip_network.h"

namespace crowsnest {

enum class FieldType : uint8_t { String, Number, Bool, IpAddr, IpNet };
const char *field_type_name(FieldType t);

enum class FieldId : uint8_t {
    EvtType, EvtNum, EvtDir, EvtRes, EvtRawRes, EvtFailed, EvtIsOpenRead, EvtIsOpenWrite, EvtIsOpenExec, EvtArgFlags, EvtSyscall,
    EvtOutcome,
    EvtArg, EvtArgs,
    ProcName, ProcNames, ProcExe, ProcExePath, ProcCmdline, ProcArgs, ProcArgv, ProcArgOpts, ProcOptVal, ProcPid, ProcPpid,
    ProcPname, ProcPexe, ProcPexePath, ProcPcmdline, ProcAname, ProcIsExeUpperLayer, ProcInHostPidNs,
    UserUid, UserGid, GroupGid, UserName, UserLoginUid, UserLoginName, GroupName,
    ProcTty, ProcCwd, ProcVpid, ProcSid, ProcSname, ProcVpgid, ProcIsVpgidLeader, ProcEnv, ProcDuration,
    ProcIsExeFromMemfd, ProcExeIno, ProcExeInoCtime, ProcExeInoMtime, ProcExeInoCtimeDurationProcStart,
    ProcAexe, ProcAexePath, ThreadCapEffective, ThreadCapPermitted,
    CgroupId, ContainerId, ContainerRuntime, ContainerName, ContainerImage, ContainerImageRepository,
    ContainerImageTag, ContainerImageDigest, ContainerPrivileged, ContainerLabel, K8sPodUid, K8sPodName, K8sNsName,
    K8sPodLabel,
    FdNum, FdTypeChar, FdName, FdDirectory, FdFilename, FdSip, FdSport, FdSnet, FdRip, FdRport, FdRnet, FdLip, FdLnet,
    FdCip, FdCnet,    FdCport, FdSockFamily, FdUnixPath, HostPath, FdType, FdNameRaw, FdNameChanged, FdConnected, FdL4Proto, FdLport,
    FdIpName,
    ProcStdioType, ProcStdioIno, ProcStdioPipe, ProcStdioIsStdin, ProcStdioLip, ProcStdioLport, ProcStdioRip,
    ProcStdioRport, ProcStdioL4Proto,
    ProcPipePeerNames, ProcPipePeerExePath, ProcPipePeerArgs, ProcPipePeerConnected, ProcPipePeerAccepted,
    ProcConnects, ProcAccepts,
    ProfileState, ProfileNew, ProfileNewKind,
};

// Bits of FieldInfo::events: 1 << EventType.
constexpr uint16_t event_bit(EventType t) { return uint16_t(1u << unsigned(t)); }

struct FieldInfo {
    std::string_view name;
    FieldId id;
    FieldType type;
    uint16_t events;  // which event types set it
    // proc.aname[2], proc.optval[--algo]; OptText: container.labels (all) or container.labels[app] (one)
    enum class Arg : uint8_t { None, Index, Text, OptText } arg = Arg::None;
    bool multi = false;  // several values per event (each is compared); proc.aname is multi without an index
    std::string_view doc;
    uint8_t fd = 0;      // proc.stdin.*, proc.stdout.*, proc.stderr.*: which of fds 0, 1, 2
                         // (proc.stdin.writer.*: 0, proc.stdout.reader.*: 1)
};

const std::vector<FieldInfo> &field_table();
const FieldInfo *find_field(std::string_view name);

// A field as a condition or template uses it.
struct FieldRef {
    const FieldInfo *info = nullptr;
    uint32_t index = 0;  // proc.aname[N]: N (0: any ancestor); evt.arg[NAME]: which argument (EventArg)
    std::string arg;     // proc.optval[FLAG]: FLAG
    bool multi = false;  // compares each of several values
    std::string text;    // as written, for messages and templates
};

// The arguments that evt.arg[NAME] (and Falco's evt.arg.NAME) reads from
// the events crowsnest observes, by Falco's argument names; any other name
// is an argument of a call crowsnest does not observe: never set.
enum class EventArg : uint32_t {
    Other, Filename, Name, Flags, Mode, Fd, Dirfd, Addr,
    Request, Pid, Nstype, Length, Cmd, Domain, Type, Proto, Target, Linkpath, Linkdirfd, Oldpath, Newpath,
    Olddir, Newdir, Uid, Gid, Ruid, Euid, Suid, Rgid, Egid, Sgid, Oldfd, Newfd, Dev, Dir, Path, Tuple,
    Backlog,
};
EventArg event_arg(std::string_view name);

// The field named `name` (argument split off by the parser). False with
// the reason in `error`: unknown field, missing or bad argument.
bool make_field_ref(std::string_view name, bool has_arg, std::string_view arg, FieldRef &out, std::string &error);

struct FieldValue {
    std::string_view str;                  // String
    const std::string_view *items = nullptr;  // String with FieldRef::multi: each value
    size_t count = 0;
    int64_t num = 0;                       // Number
    bool boolean = false;                  // Bool
    IpAddress ip;                          // IpAddr, IpNet
};

class FieldReader {
public:
    FieldReader();
    // A new event: forgets the values computed for the previous one.
    void reset(const EventContext &ctx);
    // False when the event does not set the field.
    bool read(const FieldRef &f, FieldValue &out);
    // The value as text, for output templates ("<NA>" when unset).
    void render(const FieldRef &f, std::string &out);
    // The event's evt.type, as an index of kEvtTypes.
    size_t evt_type() const { return evt_type_; }
    // `s` in lowercase (for icontains), computed once per event for the
    // same value: rules that search one field share the work.
    std::string_view lowered(std::string_view s);
    // evt.num: events read so far, this one included
    uint64_t event_number() const { return event_number_; }

private:
    enum Cached : uint32_t {
        kCmdline = 1, kArgs = 2, kPcmdline = 4, kArgFlags = 8, kFdName = 16, kArgv = 32, kArgOpts = 64,
        kAncestors = 128, kRes = 256, kNames = 512, kEvtArgs = 1024, kEnv = 2048, kAexe = 4096, kAexePath = 8192,
    };
    bool cached(Cached c) {
        const bool had = (cached_ & c) != 0;
        cached_ |= c;
        return had;
    }
    const std::vector<std::string> &args();
    const std::vector<const ProcessInfo *> &ancestors();
    std::string_view fd_name();
    // One reader per field family.
    bool read_evt(const FieldRef &f, FieldValue &out);
    bool read_proc(const FieldRef &f, FieldValue &out);
    bool read_ancestry(const FieldRef &f, FieldValue &out);
    bool read_container(const FieldRef &f, FieldValue &out);
    bool read_labels(const Labels &labels, const std::string &key, FieldValue &out);
    bool read_fd(const FieldRef &f, FieldValue &out);
    void render_fd_ip(const FieldRef &f, std::string &out);
    bool read_arg(const FieldRef &f, FieldValue &out);     // event_arg_fields.cpp
    void append_arg(EventArg a, std::string &out);
    bool append_event_arg(EventArg a, std::string &out);  // false when the event's call has no such argument
    void append_syscall_arg(EventArg a, int slot, std::string &out);  // slot: where the record keeps it
    bool read_socket(const FieldRef &f, FieldValue &out);  // socket_fields.cpp
    bool read_task(const FieldRef &f, FieldValue &out);    // task_fields.cpp
    bool read_stdio(const FieldRef &f, FieldValue &out);   // stdio_fields.cpp
    void render_stdio_ip(const FieldRef &f, std::string &out);
    bool read_pipe(const FieldRef &f, FieldValue &out);    // pipe_fields.cpp

    const EventContext *ctx_ = nullptr;
    size_t evt_type_ = 0;
    uint32_t cached_ = 0;
    uint64_t event_number_ = 0;
    std::string_view lowered_from_;  // the value `lowered_` holds in lowercase
    std::string lowered_;
    std::string cmdline_, args_, pcmdline_, arg_flags_, fd_name_, res_, scratch_, labels_, arg_, evt_args_;
    std::string env_, caps_;
    std::vector<std::string_view> argv_, arg_opts_, anames_, names_, aexes_, aexepaths_;
    std::vector<const ProcessInfo *> ancestors_;
    // proc.stdin.writer.* and proc.stdout.reader.*: names, exepath, args of each peer, by side
    std::array<std::array<std::vector<std::string_view>, 3>, 2> peer_values_;
};

}  // namespace crowsnest

namespace crowsnest {

// evt.type: the system call's name as Falco knows it. io_uring requests are
// named after the call they stand for (IORING_OP_OPENAT is "openat"), so
// rules cannot be dodged through io_uring; evt.syscall tells them apart.
// connect_result is crowsnest's own: a TCP connect attempt's outcome, when
// it is known. The other calls (EventType::Syscall) follow, in the order of
// enum Syscall.
constexpr std::array<std::string_view, 8 + kOtherSyscallCount> kEvtTypes = {
    "execve",  "execveat", "connect",   "open",   "openat",    "openat2",   "procexit",  "connect_result",
    "ptrace",  "setns",    "unshare",   "init_module", "finit_module", "bpf", "socket",
    "symlink", "symlinkat", "link",     "linkat", "chmod",     "fchmod",    "fchmodat",
    "setuid",  "setgid",   "setresuid", "setresgid", "dup",   "dup2",      "dup3",
    "mount",   "umount2",  "mknod",     "mknodat",   "memfd_create", "fsopen", "unlink", "unlinkat",
    "accept",  "accept4",  "listen",    "accept4"};  // io_uring's accept as the call it stands for
constexpr size_t kFirstOtherEvtType = 8;
// The index of the event's evt.type in kEvtTypes.
size_t evt_type_index(const Event &e);

}  // namespace crowsnest
