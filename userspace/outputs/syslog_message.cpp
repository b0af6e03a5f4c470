#include "outputs/syslog_message.h"

#include "outputs/falco_alert.h"

namespace crowsnest {
namespace {

constexpr int kFacilityUser = 1;

// HOSTNAME, APP-NAME and MSGID are printable US-ASCII without spaces, or "-".
std::string header_field(const std::string &s, size_t max) {
    std::string out;
    for (char c : s.substr(0, max)) out += (c > 32 && c < 127) ? c : '_';
    return out.empty() ? "-" : out;
}

// A PARAM-VALUE: '"', '\' and ']' are escaped with a backslash.
void param(std::string &sd, const char *name, const std::string &value) {
    if (value.empty()) return;
    sd += ' ';
    sd += name;
    sd += "=\"";
    for (char c : value) {
        if (c == '"' || c == '\\' || c == ']') sd += '\\';
        sd += c;
    }
    sd += '"';
}

}  // namespace

int syslog_severity(const v1::Verdict &v) {
    static const char *const kNames[] = {"Emergency", "Alert",  "Critical",      "Error",
                                         "Warning",   "Notice", "Informational", "Debug"};
    const std::string p = falco_priority(v);
    for (int i = 0; i < 8; i++)
        if (p == kNames[i]) return i;
    return 6;
}

std::string syslog_message(const v1::Verdict &v, int pid) {
    const auto &c = v.container();
    std::string sd = "[crowsnest@32473";
    param(sd, "rule", v.rule());
    param(sd, "priority", falco_priority(v));
    param(sd, "category", v.category());
    param(sd, "container_id", c.id());
    param(sd, "container_name", c.name());
    param(sd, "image", c.image());
    param(sd, "pod", c.pod_name());
    param(sd, "namespace", c.namespace_());
    param(sd, "exe", v.process().exe());
    param(sd, "pid", v.process().pid() ? std::to_string(v.process().pid()) : "");
    param(sd, "sequence", std::to_string(v.sequence()));
    if (v.has_aggregate()) param(sd, "suppressed", std::to_string(v.aggregate().count()));
    sd += ']';
    return "<" + std::to_string(kFacilityUser * 8 + syslog_severity(v)) + ">1 " + rfc3339(v.time(), 6) + " " +
           header_field(c.node(), 255) + " crowsnest " + std::to_string(pid) + " " +
           (v.has_aggregate() ? "summary" : "verdict") + " " + sd + " " + v.output();
}

}  // namespace crowsnest
