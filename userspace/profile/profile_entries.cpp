#include "profile/profile_entries.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/socket.h>

#include <algorithm>

#include "event/event_format.h"
#include "util/path_util.h"

namespace crowsnest {

namespace {

// The event's slot in `out`, reusing the capacity of an earlier string.
std::string &next(std::vector<ProfileEntry> &out, size_t &used, EntryKind kind) {
    if (used == out.size()) out.emplace_back();
    ProfileEntry &entry = out[used++];
    entry.kind = kind;
    entry.value.clear();
    return entry.value;
}

void keep_prefix(std::array<uint8_t, 16> &addr, size_t bytes, unsigned prefix) {
    for (size_t bit = prefix; bit < bytes * 8; bit++) addr[bit / 8] &= uint8_t(~(0x80u >> (bit % 8)));
}

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool opens_for_write(uint32_t open_flags) {
    return (open_flags & O_ACCMODE) != O_RDONLY || (open_flags & (O_CREAT | O_TRUNC));
}

void destination_entry(const Event &e, const EntryOptions &opts, std::string &out) {
    out.clear();
    if (e.family == AF_UNIX) {
        out = "unix:";
        append_unix_path(e, out);
        return;
    }
    if ((e.family != AF_INET && e.family != AF_INET6) || e.port == 0) return;
    const bool v4 = e.family == AF_INET;
    const unsigned bits = v4 ? 32 : 128, prefix = std::min(v4 ? opts.ipv4_prefix : opts.ipv6_prefix, bits);
    std::array<uint8_t, 16> addr = e.addr;
    keep_prefix(addr, v4 ? 4 : 16, prefix);
    char buf[INET6_ADDRSTRLEN] = {};
    inet_ntop(e.family, addr.data(), buf, sizeof(buf));
    if (!v4) out += '[';
    out += buf;
    if (!v4) out += ']';
    if (prefix < bits) {
        out += '/';
        out += std::to_string(prefix);
    }
    out += ':';
    out += std::to_string(e.port);
}

void write_prefix_entry(std::string_view path, unsigned depth, std::string &out) {
    out.clear();
    const size_t slash = path.rfind('/');
    if (slash == std::string_view::npos) return;
    std::string_view dir = path.substr(0, slash);  // the written file's directory
    unsigned kept = 0;
    size_t start = 1;
    while (start <= dir.size() && kept < depth) {
        size_t end = dir.find('/', start);
        if (end == std::string_view::npos) end = dir.size();
        const std::string_view part = dir.substr(start, end - start);
        out += '/';
        out += all_digits(part) ? std::string_view("*") : part;  // pids, numbered runs
        kept++;
        start = end + 1;
    }
    if (out.empty()) out = "/";
}

size_t profile_entries(const EventContext &ctx, const EntryOptions &opts, std::vector<ProfileEntry> &out) {
    const Event &e = *ctx.event;
    size_t used = 0;
    switch (e.type) {
    case EventType::Exec: {
        if (e.ret != 0) break;
        // a re-exec through /proc keeps its path: what the process table made
        // of it depends on whether the process was still alive to be asked
        const std::string &exe = ctx.process && !exec_path_names_no_file(e.filename) ? ctx.process->exe : e.filename;
        // no name to keep (an execveat of a descriptor, as runc's own, whose process was gone
        // before its exe link was read): an empty entry would be a profile no import takes back
        if (exe.empty()) break;
        std::string &v = next(out, used, EntryKind::Exec);
        v = exe;
        if (e.exe_upper_layer) v += " [upper]";  // the same path from the image is another entry
        if (ctx.parent && !ctx.parent->exe.empty()) {
            std::string &pair = next(out, used, EntryKind::ExecPair);  // built in place: no temporary
            pair = ctx.parent->exe;
            pair += " -> ";
            pair += exe;
        }
        break;
    }
    case EventType::Connect: {
        std::string &v = next(out, used, EntryKind::Connect);
        destination_entry(e, opts, v);
        if (v.empty()) used--;
        break;
    }
    case EventType::Open: {
        if (e.ret < 0) break;
        const std::string &path = ctx.resolved_path.empty() ? e.path : ctx.resolved_path;
        const uint32_t access = e.open_flags & O_ACCMODE;
        if (opens_for_write(e.open_flags)) {
            std::string &v = next(out, used, EntryKind::WritePrefix);
            write_prefix_entry(path, opts.write_depth, v);
            if (v.empty()) used--;
        }
        if (access != O_WRONLY && ctx.host_path_named) next(out, used, EntryKind::SensitiveRead) = ctx.host_path;
        break;
    }
    case EventType::Exit:
    case EventType::Flood:
    case EventType::CgroupPath:
    case EventType::Syscall: break;  // the other calls (ptrace, setns...): the rules' concern, not a profile's
    case EventType::ConnectResult: break;  // the connect itself was learned
    }
    return used;
}

}  // namespace crowsnest
