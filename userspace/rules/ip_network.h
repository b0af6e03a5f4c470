// IP addresses and CIDR networks as rule values (fd.sip, fd.snet):
// parsed once at load, compared without allocating.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace crowsnest {

// IPv4 addresses are kept IPv4-mapped, so one form compares both families.
struct IpAddress {
    std::array<uint8_t, 16> bytes{};
};
struct IpNetwork {
    IpAddress base;
    uint32_t prefix = 128;  // in IPv6 bits (an IPv4 /8 is /104)
    bool contains(const IpAddress &a) const;
};
bool parse_ip(std::string_view text, IpAddress &out);
// An address as the kernel side sends it: IPv6, or IPv4 in the first 4 bytes.
IpAddress ip_from_bytes(bool ipv6, const std::array<uint8_t, 16> &bytes);
// "10.0.0.0/8", "fd00::/8", or a single address. Host bits must be zero.
bool parse_cidr(std::string_view text, IpNetwork &out);

}  // namespace crowsnest
