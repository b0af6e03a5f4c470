// Falco's fd.* fields of sockets and the raw path: fd.type, fd.nameraw,
// fd.connected... (fd.ip, fd.net, fd.port read the destination, as fd.sip). The connect event carries the destination and
// the result, and the socket's protocol and local port; dup and socket
// events carry the socket's ends and protocol as the kernel holds them.
// What an event does not carry (a connect's local address, an io_uring
// connect's protocol, a DNS name) is unset, so that no comparison with it
// holds (<NA>, as Falco).
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "event/event_format.h"
#include "rules/rule_fields.h"

namespace crowsnest {

bool FieldReader::read_socket(const FieldRef &f, FieldValue &out) {
    const Event &e = *ctx_->event;
    const bool open = e.type == EventType::Open;
    if (e.type == EventType::Syscall && !e.has_socket) return false;  // only dup and socket have an fd here
    const bool inet = e.family == AF_INET || e.family == AF_INET6;
    switch (f.info->id) {
    case FieldId::FdType:
        if (open) out.str = (e.open_flags & O_DIRECTORY) ? "directory" : "file";
        else if (e.family == AF_INET) out.str = "ipv4";
        else if (e.family == AF_INET6) out.str = "ipv6";
        else if (e.family == AF_UNIX) out.str = "unix";
        else return false;
        return true;
    case FieldId::FdNameRaw:
        out.str = open ? std::string_view(e.path) : fd_name();
        return !out.str.empty();
    case FieldId::FdNameChanged:
        out.boolean = e.syscall == Syscall::SendtoFastOpen || e.syscall == Syscall::SendmsgFastOpen;
        return true;
    case FieldId::FdConnected: out.boolean = e.ret == 0; return true;
    case FieldId::FdL4Proto:
        if (!e.has_socket || !inet || !l4proto_name(e.protocol)) return false;
        out.str = l4proto_name(e.protocol);
        return true;
    case FieldId::FdLport:
        if (!e.has_socket || !inet) return false;
        out.num = e.local_port;
        return true;
    case FieldId::FdIpName: return false;  // crowsnest keeps no DNS cache (see the field table)
    default: return false;
    }
}

}  // namespace crowsnest
