// A verdict as Falco writes an alert in JSON (json_output: true), which
// Falcosidekick and the tools built for Falco accept: time in RFC 3339 with
// nanoseconds, rule, priority (Falco's eight names), source "syscall",
// hostname, output, tags, and output_fields (the rule output's %fields,
// typed as Falco types them, plus container.id and container.name).
#pragma once

#include <string>

#include "api/published.h"
#include "crowsnest.pb.h"

namespace crowsnest {

std::string falco_alert_json(const v1::Verdict &v);
// The same, made once per verdict for every output that sends it.
inline const std::string &falco_alert_json(const Published<v1::Verdict> &p) {
    return p.encoded(Encoding::FalcoJson, falco_alert_json);
}

// The verdict's priority as Falco names it: the rule's own, else one from
// its severity (critical: Critical, high: Error, medium: Warning, low:
// Notice, info: Informational).
std::string falco_priority(const v1::Verdict &v);

// RFC 3339 in UTC with `digits` of the second's fraction (9: Falco's, 6: syslog's).
std::string rfc3339(const google::protobuf::Timestamp &t, int digits);

}  // namespace crowsnest
