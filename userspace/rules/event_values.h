// Values of a raw event that several field families read.
#pragma once

#include <sys/socket.h>

#include <algorithm>

#include "event/event.h"
#include "rules/ip_network.h"

namespace crowsnest {

inline bool is_inet(const Event &e) { return e.family == AF_INET || e.family == AF_INET6; }

// A connect's destination, IPv4 as an IPv4-mapped IPv6 address.
inline IpAddress event_ip(const Event &e) {
    IpAddress a;
    if (e.family == AF_INET6) {
        std::copy(e.addr.begin(), e.addr.end(), a.bytes.begin());
    } else {
        a.bytes[10] = a.bytes[11] = 0xff;
        std::copy(e.addr.begin(), e.addr.begin() + 4, a.bytes.begin() + 12);
    }
    return a;
}

}  // namespace crowsnest
