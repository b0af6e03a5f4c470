#include "outputs/syslog_target.h"

#include <charconv>

namespace crowsnest {

std::optional<SyslogTarget> parse_syslog_target(const std::string &text, std::string &error) {
    SyslogTarget t;
    const size_t colon = text.find(':');
    const std::string scheme = text.substr(0, colon);
    const std::string rest = colon == std::string::npos ? "" : text.substr(colon + 1);
    if (scheme == "unix") {
        if (rest.empty() || rest[0] != '/') {
            error = "syslog output '" + text + "': unix: needs an absolute socket path (unix:/dev/log)";
            return std::nullopt;
        }
        t.path = rest;
        return t;
    }
    if (scheme != "udp" && scheme != "tcp") {
        error = "syslog output '" + text + "': expected unix:PATH, udp:HOST:PORT or tcp:HOST:PORT";
        return std::nullopt;
    }
    t.kind = scheme == "udp" ? SyslogTarget::Kind::Udp : SyslogTarget::Kind::Tcp;
    const size_t port_colon = rest.rfind(':');
    if (port_colon == std::string::npos || port_colon == 0) {
        error = "syslog output '" + text + "': expected " + scheme + ":HOST:PORT";
        return std::nullopt;
    }
    t.host = rest.substr(0, port_colon);
    if (t.host.size() >= 2 && t.host.front() == '[' && t.host.back() == ']') t.host = t.host.substr(1, t.host.size() - 2);
    const std::string port = rest.substr(port_colon + 1);
    unsigned value = 0;
    const auto r = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || r.ec != std::errc() || r.ptr != port.data() + port.size() || value == 0 || value > 65535) {
        error = "syslog output '" + text + "': bad port '" + port + "' (1-65535)";
        return std::nullopt;
    }
    if (t.host.empty() || t.host.find_first_of("[]") != std::string::npos) {
        error = "syslog output '" + text + "': bad host";
        return std::nullopt;
    }
    t.port = uint16_t(value);
    return t;
}

}  // namespace crowsnest
