// One compact line per verdict or event for `crowsnest watch`: time,
// severity, rule, container/pod, process, and the field that says the most
// (command line, host file or path, destination).
#pragma once

#include <string>

#include "crowsnest.pb.h"

namespace crowsnest {

std::string verdict_line(const v1::Verdict &v, bool color);
std::string event_line(const v1::Event &e, bool color);

}  // namespace crowsnest
