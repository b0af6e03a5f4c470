// Where --syslog-output sends: unix:PATH (a datagram socket such as
// /dev/log), udp:HOST:PORT, tcp:HOST:PORT (RFC 6587 octet counting).
// An IPv6 host is written in brackets: udp:[::1]:514.
#pragma once

#include <optional>
#include <string>

namespace crowsnest {

struct SyslogTarget {
    enum class Kind { Unix, Udp, Tcp } kind = Kind::Unix;
    std::string path;  // unix
    std::string host;  // udp, tcp
    uint16_t port = 0;
};

// nullopt with the reason in `error`.
std::optional<SyslogTarget> parse_syslog_target(const std::string &text, std::string &error);

}  // namespace crowsnest
