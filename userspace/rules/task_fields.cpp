// Falco's user.*, group.*, proc.* and thread.* fields that come from what
// /proc told of the process when the process table learnt it (TaskFacts):
// names from the process's own /etc/passwd, the terminal, the session, the
// environment, the program file's inode, the capabilities. Unset when the
// process had ended before it could be read.
#include <array>
#include <charconv>

#include "rules/rule_fields.h"

namespace crowsnest {

namespace {

// Capability numbers (linux/capability.h) and their names.
constexpr std::array<std::string_view, 41> kCapNames = {
    "CAP_CHOWN",          "CAP_DAC_OVERRIDE",   "CAP_DAC_READ_SEARCH", "CAP_FOWNER",       "CAP_FSETID",
    "CAP_KILL",           "CAP_SETGID",         "CAP_SETUID",          "CAP_SETPCAP",      "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",      "CAP_NET_RAW",      "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",      "CAP_SYS_MODULE",     "CAP_SYS_RAWIO",       "CAP_SYS_CHROOT",   "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",      "CAP_SYS_ADMIN",      "CAP_SYS_BOOT",        "CAP_SYS_NICE",     "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",       "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",           "CAP_LEASE",        "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",  "CAP_SETFCAP",        "CAP_MAC_OVERRIDE",    "CAP_MAC_ADMIN",    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",     "CAP_BLOCK_SUSPEND",  "CAP_AUDIT_READ",      "CAP_PERFMON",      "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE"};

void append_caps(uint64_t caps, std::string &out) {
    for (size_t i = 0; i < kCapNames.size(); i++)
        if (caps & (1ULL << i)) {
            if (!out.empty()) out += ' ';
            out += kCapNames[i];
        }
}

// A name, unset when the process's files did not list the id.
bool name(const std::string &n, FieldValue &out) {
    out.str = n;
    return !n.empty();
}

}  // namespace

bool FieldReader::read_task(const FieldRef &f, FieldValue &out) {
    const Event &e = *ctx_->event;
    const ProcessInfo *p = ctx_->process;
    if (f.info->id == FieldId::ProcAexe || f.info->id == FieldId::ProcAexePath) {
        const auto &anc = ancestors();
        const bool path = f.info->id == FieldId::ProcAexePath;
        if (f.index == 0) {
            auto &list = path ? aexepaths_ : aexes_;
            if (!cached(path ? kAexePath : kAexe)) {
                list.clear();
                for (const ProcessInfo *a : anc)
                    if (path || !a->args.empty()) list.push_back(path ? std::string_view(a->exe) : a->args[0]);
            }
            out.items = list.data();
            out.count = list.size();
            return true;
        }
        if (f.index > anc.size()) return false;
        const ProcessInfo *a = anc[f.index - 1];
        if (!path && a->args.empty()) return false;
        out.str = path ? std::string_view(a->exe) : std::string_view(a->args[0]);
        return true;
    }
    if (!p || !p->facts.known) return false;
    const TaskFacts &t = p->facts;
    switch (f.info->id) {
    case FieldId::UserName: return t.uid == e.uid && name(t.user_name, out);
    case FieldId::UserLoginUid: out.num = t.loginuid; return true;
    case FieldId::UserLoginName: return name(t.login_name, out);
    case FieldId::GroupName: return t.gid == e.gid && name(t.group_name, out);
    case FieldId::ProcTty: out.num = t.tty; return true;
    case FieldId::ProcCwd: return name(t.cwd, out);
    case FieldId::ProcVpid: out.num = t.vpid; return t.vpid != 0;
    case FieldId::ProcSid: out.num = t.sid; return true;
    case FieldId::ProcSname: {
        const ProcessInfo *leader = t.sid == e.pid ? p : ctx_->processes ? ctx_->processes->find(t.sid) : nullptr;
        if (!leader) return false;
        out.str = leader->comm;
        return true;
    }
    case FieldId::ProcVpgid: out.num = t.vpgid; return t.vpgid != 0;
    case FieldId::ProcIsVpgidLeader: out.boolean = t.pgid == e.pid; return true;
    case FieldId::ProcEnv:
        if (!f.arg.empty()) {
            for (const auto &v : t.env)
                if (v.size() > f.arg.size() && v.compare(0, f.arg.size(), f.arg) == 0 && v[f.arg.size()] == '=') {
                    out.str = std::string_view(v).substr(f.arg.size() + 1);
                    return true;
                }
            return false;
        }
        if (!cached(kEnv)) {
            env_.clear();
            for (const auto &v : t.env) env_.append(env_.empty() ? "" : " ").append(v);
        }
        out.str = env_;
        return true;
    case FieldId::ProcDuration:
        if (t.start_boot_ns == 0 || e.boot_ns < t.start_boot_ns) return false;
        out.num = int64_t(e.boot_ns - t.start_boot_ns);
        return true;
    case FieldId::ProcIsExeFromMemfd: out.boolean = t.exe_from_memfd; return true;
    case FieldId::ProcExeIno: out.num = int64_t(t.exe_ino); return t.exe_known;
    case FieldId::ProcExeInoCtime: out.num = t.exe_ctime_ns; return t.exe_known;
    case FieldId::ProcExeInoMtime: out.num = t.exe_mtime_ns; return t.exe_known;
    case FieldId::ProcExeInoCtimeDurationProcStart: {
        if (!t.exe_known || t.start_boot_ns == 0 || e.boot_ns < t.start_boot_ns || e.time_ns == 0) return false;
        const int64_t started = int64_t(e.time_ns) - int64_t(e.boot_ns - t.start_boot_ns);  // epoch ns
        out.num = started - t.exe_ctime_ns;
        return true;
    }
    case FieldId::ThreadCapEffective:
    case FieldId::ThreadCapPermitted:
        caps_.clear();  // the last one read: each comparison is done before the next read
        append_caps(f.info->id == FieldId::ThreadCapEffective ? t.cap_effective : t.cap_permitted, caps_);
        out.str = caps_;
        return true;
    default: return false;
    }
}

}  // namespace crowsnest
