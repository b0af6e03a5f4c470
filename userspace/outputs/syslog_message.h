// A verdict as an RFC 5424 syslog message: the priority mapped to syslog's
// severity (Falco's eight priorities are syslog's eight severities), the
// facility user, the node as HOSTNAME, the verdict's facts as structured
// data (SD-ID crowsnest@32473: an enterprise number RFC 5612 sets aside for
// documentation, as this project has none registered), and the output
// sentence as MSG.
#pragma once

#include <string>

#include "crowsnest.pb.h"

namespace crowsnest {

// 0 (Emergency) ... 7 (Debug).
int syslog_severity(const v1::Verdict &v);
std::string syslog_message(const v1::Verdict &v, int pid);

}  // namespace crowsnest
