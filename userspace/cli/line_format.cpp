#include "cli/line_format.h"

#include <ctime>

#include "util/text_escape.h"

namespace crowsnest {

namespace {

const char *severity_color(const std::string &s) {
    if (s == "critical") return "\033[1;31m";
    if (s == "high") return "\033[31m";
    if (s == "medium") return "\033[33m";
    if (s == "low") return "\033[36m";
    return "\033[37m";
}

std::string paint(const std::string &text, const char *code, bool color) {
    return color ? code + text + "\033[0m" : text;
}

// Local wall-clock time with milliseconds: a terminal reader's view.
std::string clock_time(const google::protobuf::Timestamp &t) {
    const time_t secs = time_t(t.seconds());
    struct tm tm{};
    localtime_r(&secs, &tm);
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec, t.nanos() / 1000000);
    return buf;
}

// [node] then host, or the workload: namespace/pod/container and image
// where the runtime recorded them, and always the short container id.
std::string where(const v1::Container &c) {
    std::string s = c.node().empty() ? "" : c.node() + " ";
    if (c.id().empty()) return s + "host";
    if (!c.pod_name().empty()) s += c.namespace_() + "/" + c.pod_name() + "/";
    if (!c.name().empty()) s += c.name() + " ";
    if (!c.image().empty()) s += c.image() + " ";
    s += c.id().substr(0, 12);
    if (c.pod_name().empty() && !c.pod_uid().empty()) s += " pod " + c.pod_uid();
    return s;
}

std::string key_field(const v1::Syscall &e, const v1::Process &p) {
    if (e.type() == "exec") {
        std::string cmd;
        for (const auto &a : e.argv().empty() ? p.args() : e.argv()) cmd += (cmd.empty() ? "" : " ") + a;
        return cmd;
    }
    if (e.type() == "open") {
        if (!e.host_path().empty()) return "host:" + e.host_path();
        return e.resolved_path().empty() ? e.path() : e.resolved_path();
    }
    if (e.type() == "connect") {
        if (e.family() == "unix") return e.unix_path();
        return (e.family() == "inet6" ? "[" + e.dst_ip() + "]" : e.dst_ip()) + ":" + std::to_string(e.dst_port());
    }
    return e.type() == "exit" ? "exit " + std::to_string(e.exit_code()) : "";
}

std::string process(const v1::Process &p) { return p.comm() + "[" + std::to_string(p.pid()) + "]"; }

std::string gap_line(const v1::Gap &g, const char *what, bool color) {
    std::string s = "--- ";
    switch (g.reason()) {
    case v1::Gap::RESUME_TOO_OLD:
        s += std::to_string(g.missed()) + " " + what + " lost: no longer kept (sequences " +
             std::to_string(g.first_sequence()) + "-" + std::to_string(g.last_sequence()) + ")";
        break;
    case v1::Gap::SENSOR_RESTART:
        s += g.missed() ? "the sensor restarted: up to " + std::to_string(g.missed()) + " " + what +
                              " lost with it (sequences " + std::to_string(g.first_sequence()) + "-" +
                              std::to_string(g.last_sequence()) + ")"
                        : "the sensor restarted: what it kept follows";
        break;
    default: s += std::to_string(g.missed()) + " " + what + " lost: this client was too slow"; break;
    }
    return paint(s, "\033[1;35m", color);
}

}  // namespace

std::string verdict_line(const v1::Verdict &v, bool color) {
    if (v.has_gap()) return gap_line(v.gap(), "verdicts", color);
    std::string sev = v.severity();
    for (auto &ch : sev) ch = char(std::toupper(static_cast<unsigned char>(ch)));
    char sev_padded[16];
    std::snprintf(sev_padded, sizeof(sev_padded), "%-8s", sev.c_str());
    // what the watched processes chose is shown, never obeyed: no control
    // character reaches the terminal (util/text_escape.h)
    return clock_time(v.time()) + " " + paint(sev_padded, severity_color(v.severity()), color) + " " +
           paint(terminal_safe(v.rule()), "\033[1m", color) + " " +
           terminal_safe(where(v.container()) + " " + process(v.process()) + " " + key_field(v.event(), v.process()));
}

std::string event_line(const v1::Event &e, bool color) {
    if (e.has_gap()) return gap_line(e.gap(), "events", color);
    char type_padded[16];
    std::snprintf(type_padded, sizeof(type_padded), "%-8s", e.event().type().c_str());
    std::string line = clock_time(e.time()) + " " + paint(terminal_safe(type_padded), "\033[1m", color) + " " +
                       terminal_safe(where(e.container()) + " " + process(e.process()) + " " +
                                     key_field(e.event(), e.process()));
    if (!e.event().error().empty()) line += " " + e.event().error();
    return line;
}

}  // namespace crowsnest
