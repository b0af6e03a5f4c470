// proc.stdin.*, proc.stdout.*, proc.stderr.*: what fds 0, 1 and 2 of a new
// program were when it started (exec events only; a failed exec has none).
// A shell whose input or output is a network socket is a reverse shell,
// whatever started it.
#include <sys/socket.h>

#include "event/event_format.h"
#include "rules/rule_fields.h"

namespace crowsnest {

namespace {

bool is_inet_socket(const StdioFd &fd) {
    return fd.kind == StdioKind::Socket && (fd.family == AF_INET || fd.family == AF_INET6);
}

}  // namespace

bool FieldReader::read_stdio(const FieldRef &f, FieldValue &out) {
    const Event &e = *ctx_->event;
    if (!e.has_stdio || f.info->fd >= e.stdio.size()) return false;
    const StdioFd &fd = e.stdio[f.info->fd];
    const bool inet = is_inet_socket(fd);
    switch (f.info->id) {
    case FieldId::ProcStdioType: out.str = stdio_type_name(fd); return true;
    case FieldId::ProcStdioIno:
        out.num = int64_t(fd.ino);
        return fd.kind != StdioKind::Closed;
    case FieldId::ProcStdioPipe:
        out.num = int64_t(fd.ino);
        return fd.kind == StdioKind::Pipe;
    case FieldId::ProcStdioIsStdin: {
        const StdioFd &in = e.stdio[0];
        out.boolean = fd.kind != StdioKind::Closed && in.kind == fd.kind && in.ino == fd.ino && in.dev == fd.dev;
        return true;
    }
    case FieldId::ProcStdioLip:
    case FieldId::ProcStdioRip:
        if (!inet) return false;
        out.ip = ip_from_bytes(fd.family == AF_INET6,
                               f.info->id == FieldId::ProcStdioLip ? fd.local_addr : fd.remote_addr);
        return true;
    case FieldId::ProcStdioLport:
    case FieldId::ProcStdioRport:
        if (!inet) return false;
        out.num = f.info->id == FieldId::ProcStdioLport ? fd.local_port : fd.remote_port;
        return true;
    case FieldId::ProcStdioL4Proto:
        if (!inet || !l4proto_name(fd.protocol)) return false;
        out.str = l4proto_name(fd.protocol);
        return true;
    default: return false;
    }
}

// proc.stdin.lip and the like in an output: the address in its own family.
void FieldReader::render_stdio_ip(const FieldRef &f, std::string &out) {
    const StdioFd &fd = ctx_->event->stdio[f.info->fd];
    append_address(fd.family, f.info->id == FieldId::ProcStdioLip ? fd.local_addr : fd.remote_addr, out);
}

}  // namespace crowsnest
