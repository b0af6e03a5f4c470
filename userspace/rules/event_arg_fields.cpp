// evt.arg[NAME] (Falco's evt.arg.NAME) and evt.args: the arguments of the
// calls crowsnest observes, by the names and in the order Falco gives them.
#include <charconv>

#include "event/event_format.h"
#include "event/syscall_format.h"
#include "rules/rule_fields.h"

namespace crowsnest {

namespace {

using A = EventArg;

struct ArgName {
    std::string_view name;
    EventArg arg;
};
constexpr ArgName kArgNames[] = {
    {"filename", A::Filename}, {"name", A::Name},         {"flags", A::Flags},       {"mode", A::Mode},
    {"fd", A::Fd},             {"dirfd", A::Dirfd},       {"addr", A::Addr},         {"request", A::Request},
    {"pid", A::Pid},           {"nstype", A::Nstype},     {"length", A::Length},     {"cmd", A::Cmd},
    {"domain", A::Domain},     {"type", A::Type},         {"proto", A::Proto},       {"target", A::Target},
    {"linkpath", A::Linkpath}, {"linkdirfd", A::Linkdirfd}, {"oldpath", A::Oldpath}, {"newpath", A::Newpath},
    {"olddir", A::Olddir},     {"newdir", A::Newdir},     {"uid", A::Uid},           {"gid", A::Gid},
    {"ruid", A::Ruid},         {"euid", A::Euid},         {"suid", A::Suid},         {"rgid", A::Rgid},
    {"egid", A::Egid},         {"sgid", A::Sgid},         {"oldfd", A::Oldfd},       {"newfd", A::Newfd},
    {"dev", A::Dev},           {"dir", A::Dir},           {"path", A::Path},         {"tuple", A::Tuple},
    {"backlog", A::Backlog},
};

// One argument of a call: its name, and where its value is: Event::args[slot],
// a path (slot kPath: Event::path, kPath2: Event::path2), the call's short
// string (kName: Event::name) or its result (kResult: the fd it made).
struct ArgSlot {
    EventArg arg;
    int slot;
};
constexpr int kPath = -1, kPath2 = -2, kNone = -3, kName = -4, kResult = -5, kTuple = -6;

struct Args {
    const ArgSlot *begin = nullptr, *end = nullptr;
};
template <size_t N>
constexpr Args args_of(const ArgSlot (&a)[N]) { return {a, a + N}; }

// Each call's arguments, in Falco's order; the slot says where
// bpf/events.h's enum syscall_id puts each in the record.
constexpr ArgSlot kExecArgs[] = {{A::Filename, kNone}};
constexpr ArgSlot kOpenArgs[] = {{A::Fd, kNone}, {A::Dirfd, kNone}, {A::Name, kNone}, {A::Flags, kNone}, {A::Mode, kNone}};
constexpr ArgSlot kConnectArgs[] = {{A::Fd, kNone}, {A::Addr, kNone}};
constexpr ArgSlot kPtraceArgs[] = {{A::Request, 0}, {A::Pid, 1}};
constexpr ArgSlot kSetnsArgs[] = {{A::Fd, 0}, {A::Nstype, 1}};
constexpr ArgSlot kUnshareArgs[] = {{A::Flags, 0}};
constexpr ArgSlot kInitModuleArgs[] = {{A::Length, 0}};
constexpr ArgSlot kFinitModuleArgs[] = {{A::Fd, 0}, {A::Flags, 1}};
constexpr ArgSlot kBpfArgs[] = {{A::Cmd, 0}};
constexpr ArgSlot kSocketArgs[] = {{A::Domain, 0}, {A::Type, 1}, {A::Proto, 2}};
constexpr ArgSlot kSymlinkArgs[] = {{A::Target, kPath}, {A::Linkpath, kPath2}};
constexpr ArgSlot kSymlinkatArgs[] = {{A::Target, kPath}, {A::Linkdirfd, 0}, {A::Linkpath, kPath2}};
constexpr ArgSlot kLinkArgs[] = {{A::Oldpath, kPath}, {A::Newpath, kPath2}};
constexpr ArgSlot kLinkatArgs[] = {
    {A::Olddir, 0}, {A::Oldpath, kPath}, {A::Newdir, 1}, {A::Newpath, kPath2}, {A::Flags, 2}};
constexpr ArgSlot kChmodArgs[] = {{A::Filename, kPath}, {A::Mode, 0}};
constexpr ArgSlot kFchmodArgs[] = {{A::Fd, 0}, {A::Mode, 1}};
constexpr ArgSlot kFchmodatArgs[] = {{A::Dirfd, 0}, {A::Filename, kPath}, {A::Mode, 1}};
constexpr ArgSlot kSetuidArgs[] = {{A::Uid, 0}};
constexpr ArgSlot kSetgidArgs[] = {{A::Gid, 0}};
constexpr ArgSlot kSetresuidArgs[] = {{A::Ruid, 0}, {A::Euid, 1}, {A::Suid, 2}};
constexpr ArgSlot kSetresgidArgs[] = {{A::Rgid, 0}, {A::Egid, 1}, {A::Sgid, 2}};
constexpr ArgSlot kDupArgs[] = {{A::Oldfd, 0}};
constexpr ArgSlot kDup2Args[] = {{A::Oldfd, 0}, {A::Newfd, 1}};
constexpr ArgSlot kDup3Args[] = {{A::Oldfd, 0}, {A::Newfd, 1}, {A::Flags, 2}};
constexpr ArgSlot kMountArgs[] = {{A::Dev, kPath}, {A::Dir, kPath2}, {A::Type, kName}, {A::Flags, 0}};
constexpr ArgSlot kUmount2Args[] = {{A::Name, kPath}, {A::Flags, 0}};
constexpr ArgSlot kMknodArgs[] = {{A::Path, kPath}, {A::Mode, 0}, {A::Dev, 1}};
constexpr ArgSlot kMknodatArgs[] = {{A::Dirfd, 0}, {A::Path, kPath}, {A::Mode, 1}, {A::Dev, 2}};
constexpr ArgSlot kMemfdCreateArgs[] = {{A::Fd, kResult}, {A::Name, kName}, {A::Flags, 0}};
constexpr ArgSlot kFsopenArgs[] = {{A::Fd, kResult}, {A::Type, kName}, {A::Flags, 0}};
constexpr ArgSlot kUnlinkArgs[] = {{A::Path, kPath}};
constexpr ArgSlot kUnlinkatArgs[] = {{A::Dirfd, 0}, {A::Name, kPath}, {A::Flags, 1}};
// Falco's: the new connection's fd and its ends (client->server); the listener is args[0]
constexpr ArgSlot kAcceptArgs[] = {{A::Fd, kResult}, {A::Tuple, kTuple}};
constexpr ArgSlot kAccept4Args[] = {{A::Fd, kResult}, {A::Tuple, kTuple}, {A::Flags, 1}};
constexpr ArgSlot kListenArgs[] = {{A::Fd, 0}, {A::Backlog, 1}};

Args syscall_args(Syscall s) {
    switch (s) {
    case Syscall::Ptrace: return args_of(kPtraceArgs);
    case Syscall::Setns: return args_of(kSetnsArgs);
    case Syscall::Unshare: return args_of(kUnshareArgs);
    case Syscall::InitModule: return args_of(kInitModuleArgs);
    case Syscall::FinitModule: return args_of(kFinitModuleArgs);
    case Syscall::Bpf: return args_of(kBpfArgs);
    case Syscall::Socket: return args_of(kSocketArgs);
    case Syscall::Symlink: return args_of(kSymlinkArgs);
    case Syscall::Symlinkat: return args_of(kSymlinkatArgs);
    case Syscall::Link: return args_of(kLinkArgs);
    case Syscall::Linkat: return args_of(kLinkatArgs);
    case Syscall::Chmod: return args_of(kChmodArgs);
    case Syscall::Fchmod: return args_of(kFchmodArgs);
    case Syscall::Fchmodat: return args_of(kFchmodatArgs);
    case Syscall::Setuid: return args_of(kSetuidArgs);
    case Syscall::Setgid: return args_of(kSetgidArgs);
    case Syscall::Setresuid: return args_of(kSetresuidArgs);
    case Syscall::Setresgid: return args_of(kSetresgidArgs);
    case Syscall::Dup: return args_of(kDupArgs);
    case Syscall::Dup2: return args_of(kDup2Args);
    case Syscall::Dup3: return args_of(kDup3Args);
    case Syscall::Mount: return args_of(kMountArgs);
    case Syscall::Umount2: return args_of(kUmount2Args);
    case Syscall::Mknod: return args_of(kMknodArgs);
    case Syscall::Mknodat: return args_of(kMknodatArgs);
    case Syscall::MemfdCreate: return args_of(kMemfdCreateArgs);
    case Syscall::Fsopen: return args_of(kFsopenArgs);
    case Syscall::Unlink: return args_of(kUnlinkArgs);
    case Syscall::Unlinkat: return args_of(kUnlinkatArgs);
    case Syscall::Accept: return args_of(kAcceptArgs);
    case Syscall::Accept4:
    case Syscall::IoUringAccept: return args_of(kAccept4Args);
    case Syscall::Listen: return args_of(kListenArgs);
    default: return {};
    }
}

Args event_args(const Event &e) {
    switch (e.type) {
    case EventType::Exec: return args_of(kExecArgs);
    case EventType::Open: return args_of(kOpenArgs);
    case EventType::Connect: return args_of(kConnectArgs);
    case EventType::Syscall: return syscall_args(e.syscall);
    default: return {};
    }
}

// The call's argument `a`, or nullptr when it has none of that name.
const ArgSlot *find_arg(const Event &e, EventArg a) {
    const Args args = event_args(e);
    for (const ArgSlot *x = args.begin; x != args.end; x++)
        if (x->arg == a) return x;
    return nullptr;
}

// An open, memfd_create or fsopen that failed has no fd.
bool event_has(const Event &e, EventArg a) {
    const ArgSlot *x = find_arg(e, a);
    if (!x) return false;
    const bool fd_from_result = a == EventArg::Fd && (e.type == EventType::Open || x->slot == kResult);
    return !fd_from_result || e.ret >= 0;
}

std::string_view arg_name(EventArg a) {
    for (const auto &n : kArgNames)
        if (n.arg == a) return n.name;
    return {};
}

void append_number(int64_t v, std::string &out, int base = 10) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof(buf), v, base);
    out.append(buf, r.ptr);
}

// A call's flags argument, by the names its call gives them.
void append_syscall_flags(Syscall s, int64_t v, std::string &out) {
    switch (s) {
    case Syscall::Unshare: append_clone_flags(v, out); return;
    case Syscall::Linkat:
    case Syscall::Unlinkat: append_at_flags(v, out); return;
    case Syscall::Dup3: append_dup3_flags(v, out); return;
    case Syscall::Mount: append_mount_flags(v, out); return;
    case Syscall::Umount2: append_umount_flags(v, out); return;
    case Syscall::MemfdCreate: append_memfd_flags(v, out); return;
    case Syscall::Accept4:
    case Syscall::IoUringAccept: append_socket_flags(v, out); return;
    default: append_number(v, out); return;
    }
}

}  // namespace

EventArg event_arg(std::string_view name) {
    for (const auto &a : kArgNames)
        if (a.name == name) return a.arg;
    return EventArg::Other;
}

// An argument of one of the other calls (EventType::Syscall), appended:
// named values as Falco writes them, numbers otherwise.
void FieldReader::append_syscall_arg(EventArg a, int slot, std::string &out) {
    const Event &e = *ctx_->event;
    switch (slot) {
    case kPath: out += e.path; return;
    case kPath2: out += e.path2; return;
    case kName: out += e.name; return;
    case kResult: append_number(e.ret, out); return;
    case kTuple: out += fd_name(); return;
    default: break;
    }
    const int64_t v = e.args[size_t(slot)];
    switch (a) {
    case A::Request: append_ptrace_request(v, out); return;
    case A::Cmd: append_bpf_cmd(v, out); return;
    case A::Domain: append_socket_domain(v, out); return;
    case A::Type: append_socket_type(v, out); return;
    case A::Nstype: append_clone_flags(v, out); return;
    case A::Mode:
        if (e.syscall == Syscall::Mknod || e.syscall == Syscall::Mknodat) append_mknod_mode(v, out);
        else append_chmod_mode(v, out);
        return;
    case A::Dev:  // mknod's device number, hexadecimal as Falco prints it
        out += "0x";
        append_number(v, out, 16);
        return;
    case A::Flags: append_syscall_flags(e.syscall, v, out); return;
    case A::Uid: {
        // Falco writes the user's name where it knows it; here, the
        // caller's own (somebody_becoming_themselves compares them)
        const ProcessInfo *p = ctx_->process;
        if (p && p->facts.known && !p->facts.user_name.empty() && int64_t(p->facts.uid) == v) {
            out += p->facts.user_name;
            return;
        }
        append_number(v, out);
        return;
    }
    default: append_number(v, out); return;
    }
}

// The argument's text, appended; the caller checked that the event has it.
void FieldReader::append_arg(EventArg a, std::string &out) {
    const Event &e = *ctx_->event;
    if (e.type == EventType::Syscall) {
        if (const ArgSlot *x = find_arg(e, a)) append_syscall_arg(a, x->slot, out);
        return;
    }
    switch (a) {
    case EventArg::Filename: out += e.filename; return;
    case EventArg::Name: out += e.path; return;
    case EventArg::Flags: append_open_flags(e.open_flags, out); return;
    case EventArg::Mode:
        out += '0';
        append_number(e.mode, out, 8);
        return;
    case EventArg::Fd: append_number(e.type == EventType::Open ? e.ret : e.fd, out); return;
    case EventArg::Dirfd: append_number(e.dirfd, out); return;
    case EventArg::Addr: out += fd_name(); return;
    default: return;
    }
}

bool FieldReader::append_event_arg(EventArg a, std::string &out) {
    if (!event_has(*ctx_->event, a)) return false;
    append_arg(a, out);
    return true;
}

bool FieldReader::read_arg(const FieldRef &f, FieldValue &out) {
    const Event &e = *ctx_->event;
    if (f.info->id == FieldId::EvtArgs) {
        if (!cached(kEvtArgs)) {
            evt_args_.clear();
            const Args args = event_args(e);
            for (const ArgSlot *a = args.begin; a != args.end; a++) {
                if (!event_has(e, a->arg)) continue;
                if (!evt_args_.empty()) evt_args_ += ' ';
                evt_args_.append(arg_name(a->arg)).append("=");
                append_arg(a->arg, evt_args_);
            }
        }
        out.str = evt_args_;
        return true;
    }
    const EventArg a = EventArg(f.index);
    if (!event_has(e, a)) return false;
    if (e.type == EventType::Exec && a == EventArg::Filename) {
        out.str = e.filename;
    } else if (e.type == EventType::Open && a == EventArg::Name) {
        out.str = e.path;
    } else {
        arg_.clear();  // one computed argument per event at a time: the last one read
        append_arg(a, arg_);
        out.str = arg_;
    }
    return true;
}

}  // namespace crowsnest
