// evt.arg[NAME] (Falco's evt.arg.NAME) and evt.args: the arguments of the
// calls crowsnest observes, by the names Falco gives them.
#include <charconv>

#include "event/event_format.h"
#include "rules/rule_fields.h"

namespace crowsnest {

namespace {

struct ArgName {
    std::string_view name;
    EventArg arg;
};
constexpr ArgName kArgNames[] = {{"filename", EventArg::Filename}, {"name", EventArg::Name},
                                 {"flags", EventArg::Flags},       {"mode", EventArg::Mode},
                                 {"fd", EventArg::Fd},             {"dirfd", EventArg::Dirfd},
                                 {"addr", EventArg::Addr}};

// Each event type's arguments, in Falco's order.
constexpr EventArg kExecArgs[] = {EventArg::Filename};
constexpr EventArg kOpenArgs[] = {EventArg::Fd, EventArg::Dirfd, EventArg::Name, EventArg::Flags, EventArg::Mode};
constexpr EventArg kConnectArgs[] = {EventArg::Fd, EventArg::Addr};

struct Args {
    const EventArg *begin = nullptr, *end = nullptr;
};
template <size_t N>
constexpr Args args_of(const EventArg (&a)[N]) { return {a, a + N}; }

Args event_args(const Event &e) {
    switch (e.type) {
    case EventType::Exec: return args_of(kExecArgs);
    case EventType::Open: return args_of(kOpenArgs);
    case EventType::Connect: return args_of(kConnectArgs);
    default: return {};
    }
}

// An open that failed has no fd.
bool event_has(const Event &e, EventArg a) {
    const Args args = event_args(e);
    for (const EventArg *x = args.begin; x != args.end; x++)
        if (*x == a) return a != EventArg::Fd || e.type != EventType::Open || e.ret >= 0;
    return false;
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

}  // namespace

EventArg event_arg(std::string_view name) {
    for (const auto &a : kArgNames)
        if (a.name == name) return a.arg;
    return EventArg::Other;
}

// The argument's text, appended; the caller checked that the event has it.
void FieldReader::append_arg(EventArg a, std::string &out) {
    const Event &e = *ctx_->event;
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
    case EventArg::Other: return;
    }
}

bool FieldReader::read_arg(const FieldRef &f, FieldValue &out) {
    const Event &e = *ctx_->event;
    if (f.info->id == FieldId::EvtArgs) {
        if (!cached(kEvtArgs)) {
            evt_args_.clear();
            const Args args = event_args(e);
            for (const EventArg *a = args.begin; a != args.end; a++) {
                if (!event_has(e, *a)) continue;
                if (!evt_args_.empty()) evt_args_ += ' ';
                evt_args_.append(arg_name(*a)).append("=");
                append_arg(*a, evt_args_);
            }
        }
        out.str = evt_args_;
        return true;
    }
    const EventArg a = EventArg(f.index);
    if (!event_has(e, a)) return false;
    if (a == EventArg::Filename) {
        out.str = e.filename;
    } else if (a == EventArg::Name) {
        out.str = e.path;
    } else {
        arg_.clear();  // one computed argument per event at a time: the last one read
        append_arg(a, arg_);
        out.str = arg_;
    }
    return true;
}

}  // namespace crowsnest
