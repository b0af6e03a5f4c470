#include "fields.h"

#include <algorithm>
#include <cctype>
#include <sys/socket.h>

#include "event_format.h"

namespace crowsnest {

const std::vector<std::string_view> &field_names() {
    static const std::vector<std::string_view> names = {
        "evt.type",   "evt.res",      "evt.syscall", "proc.name",       "proc.exe",       "proc.cmdline",
        "proc.args",  "proc.pid",     "proc.ppid",   "proc.pname",      "proc.pexe",      "user.uid",
        "cgroup.id",  "container.id", "container.runtime", "k8s.pod.uid", "fd.name",      "fd.sip",
        "fd.sport",   "fd.unix_path", "host.path",
    };
    return names;
}

bool is_known_field(std::string_view name) {
    const auto &n = field_names();
    return std::find(n.begin(), n.end(), name) != n.end();
}

namespace {

std::string args_after_first(const std::vector<std::string> &args) {
    return args.size() > 1 ? join_args(std::vector<std::string>(args.begin() + 1, args.end())) : "";
}

std::string fd_name(const EventContext &ctx) {
    const Event &e = *ctx.event;
    if (e.type == EventType::Open) return ctx.resolved_path.empty() ? e.path : ctx.resolved_path;
    if (e.type != EventType::Connect) return "";
    if (e.family == AF_UNIX) return unix_path_string(e);
    std::string ip = ip_string(e);
    if (ip.find(':') != std::string::npos) ip = "[" + ip + "]";
    return ip + ":" + std::to_string(e.port);
}

}  // namespace

std::string field_value(const EventContext &ctx, std::string_view name) {
    const Event &e = *ctx.event;
    const ProcessInfo *p = ctx.process;
    if (name == "evt.type") return event_type_name(e.type);
    if (name == "evt.res") return e.ret >= 0 ? "SUCCESS" : errno_name(e.ret);
    if (name == "evt.syscall") return syscall_name(e);
    if (name == "proc.name") return e.comm;
    if (name == "proc.exe") return p ? p->exe : "";
    if (name == "proc.cmdline") return e.comm + (p && p->args.size() > 1 ? " " + args_after_first(p->args) : "");
    if (name == "proc.args") return p ? args_after_first(p->args) : "";
    if (name == "proc.pid") return std::to_string(e.pid);
    if (name == "proc.ppid") return std::to_string(e.ppid);
    if (name == "proc.pname") return ctx.parent ? ctx.parent->comm : "";
    if (name == "proc.pexe") return ctx.parent ? ctx.parent->exe : "";
    if (name == "user.uid") return std::to_string(e.uid);
    if (name == "cgroup.id") return std::to_string(e.cgroup_id);
    if (name == "container.id") return ctx.cgroup ? ctx.cgroup->container.id : "";
    if (name == "container.runtime") return ctx.cgroup ? ctx.cgroup->container.runtime : "";
    if (name == "k8s.pod.uid") return ctx.cgroup ? ctx.cgroup->container.pod_uid : "";
    if (name == "fd.name") return fd_name(ctx);
    if (name == "fd.sip") return e.type == EventType::Connect ? ip_string(e) : "";
    if (name == "fd.sport") return e.type == EventType::Connect && e.family != AF_UNIX ? std::to_string(e.port) : "";
    if (name == "fd.unix_path") return e.type == EventType::Connect ? unix_path_string(e) : "";
    if (name == "host.path") return ctx.host_path;
    return "";
}

bool OutputTemplate::parse(std::string_view text, std::string &error) {
    parts_.clear();
    std::string literal;
    for (size_t i = 0; i < text.size();) {
        if (text[i] != '%') {
            literal += text[i++];
            continue;
        }
        size_t end = i + 1;
        while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '.' ||
                                     text[end] == '_'))
            end++;
        while (end > i + 1 && text[end - 1] == '.') end--;  // a sentence's full stop
        std::string_view name = text.substr(i + 1, end - i - 1);
        if (name.empty()) {
            literal += text[i++];
            continue;
        }
        if (!is_known_field(name)) {
            error = "unknown field %" + std::string(name) + " in output";
            return false;
        }
        if (!literal.empty()) parts_.push_back({false, std::move(literal)});
        literal.clear();
        parts_.push_back({true, std::string(name)});
        i = end;
    }
    if (!literal.empty()) parts_.push_back({false, std::move(literal)});
    return true;
}

std::string OutputTemplate::render(const EventContext &ctx) const {
    std::string out;
    for (const auto &p : parts_) {
        if (!p.is_field) {
            out += p.text;
            continue;
        }
        std::string v = field_value(ctx, p.text);
        out += v.empty() ? "<NA>" : v;
    }
    return out;
}

}  // namespace crowsnest
