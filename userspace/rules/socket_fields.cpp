// Falco's fd.* fields of sockets and the raw path: fd.type, fd.nameraw,
// fd.connected... (fd.ip, fd.net, fd.port read the destination, as fd.sip). The connect event carries the destination and
// the result; what it does not carry (the local end, the protocol, a DNS
// name) is unset, so that no comparison with it holds (<NA>, as Falco).
#include <fcntl.h>
#include <sys/socket.h>

#include "rules/rule_fields.h"

namespace crowsnest {

bool FieldReader::read_socket(const FieldRef &f, FieldValue &out) {
    const Event &e = *ctx_->event;
    const bool open = e.type == EventType::Open;
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
    case FieldId::FdL4Proto: case FieldId::FdLport: case FieldId::FdCip: case FieldId::FdCnet:
    case FieldId::FdCport: case FieldId::FdIpName:
        return false;  // not carried by any event crowsnest observes (see the field table)
    default: return false;
    }
}

}  // namespace crowsnest
