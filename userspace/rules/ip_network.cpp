#include "rules/ip_network.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace crowsnest {

IpAddress ip_from_bytes(bool ipv6, const std::array<uint8_t, 16> &bytes) {
    IpAddress a;
    if (ipv6) {
        a.bytes = bytes;
    } else {
        a.bytes[10] = a.bytes[11] = 0xff;
        std::copy(bytes.begin(), bytes.begin() + 4, a.bytes.begin() + 12);
    }
    return a;
}

bool parse_ip(std::string_view text, IpAddress &out) {
    char buf[64];
    if (text.empty() || text.size() >= sizeof(buf)) return false;
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    out = IpAddress{};
    if (inet_pton(AF_INET6, buf, out.bytes.data()) == 1) return true;
    uint8_t v4[4];
    if (inet_pton(AF_INET, buf, v4) != 1) return false;
    out.bytes[10] = out.bytes[11] = 0xff;
    std::copy(v4, v4 + 4, out.bytes.begin() + 12);
    return true;
}

bool parse_cidr(std::string_view text, IpNetwork &out) {
    const size_t slash = text.find('/');
    if (!parse_ip(text.substr(0, slash), out.base)) return false;
    const bool v4 = text.substr(0, slash).find(':') == std::string_view::npos;
    const uint32_t max = v4 ? 32 : 128;
    uint32_t prefix = max;
    if (slash != std::string_view::npos) {
        const std::string_view p = text.substr(slash + 1);
        auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
        if (p.empty() || ec != std::errc() || end != p.data() + p.size() || prefix > max) return false;
    }
    out.prefix = v4 ? prefix + 96 : prefix;
    // host bits must be zero: 10.0.0.1/8 is a typo, not a network
    for (uint32_t bit = out.prefix; bit < 128; bit++)
        if (out.base.bytes[bit / 8] & (0x80 >> (bit % 8))) return false;
    return true;
}

bool IpNetwork::contains(const IpAddress &a) const {
    const uint32_t full = prefix / 8, rest = prefix % 8;
    if (!std::equal(base.bytes.begin(), base.bytes.begin() + full, a.bytes.begin())) return false;
    if (rest == 0) return true;
    const uint8_t mask = uint8_t(0xff << (8 - rest));
    return (base.bytes[full] & mask) == (a.bytes[full] & mask);
}

}  // namespace crowsnest
