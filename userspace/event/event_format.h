// Readable forms of raw event values, shared by the JSON output and the
// rule output templates.
#pragma once

#include <cstdint>
#include <string>

#include "event/event.h"

namespace crowsnest {

std::string ip_string(const Event &e);           // dst address of a connect, "" if not inet
std::string local_ip_string(const Event &e);     // the local address of a socket's ends, "" if not inet
const char *connect_outcome_name(ConnectOutcome o);  // established, failed, abandoned ("" for None)
void append_ip(const Event &e, std::string &out);  // the same, appended
// An IPv4 (first 4 bytes) or IPv6 address of `family`, appended; nothing for another family.
void append_address(uint16_t family, const std::array<uint8_t, 16> &addr, std::string &out);
const char *l4proto_name(uint16_t protocol);     // tcp, udp, icmp, raw (Falco's names), or nullptr
// What a new program's fd 0, 1 or 2 is: ipv4, ipv6, unix (Falco's fd.type names for sockets),
// socket (another family), pipe, file, directory, tty, null (/dev/null), device, other or none
const char *stdio_type_name(const StdioFd &fd);
const char *family_name(uint16_t family);        // inet, inet6, unix, or "other"
std::string open_flags_string(uint32_t flags);   // "O_WRONLY|O_CREAT|O_TRUNC"
void append_open_flags(uint32_t flags, std::string &out);  // the same, appended
std::string errno_name(int64_t ret);             // "ENOENT" for -2, "" for ret >= 0
const char *syscall_name(const Event &e);        // execve, openat, connect, ...
std::string unix_path_string(const Event &e);    // abstract names get a leading '@'
void append_unix_path(const Event &e, std::string &out);  // the same, appended
std::string join_args(const std::vector<std::string> &args);  // one line, space separated

}  // namespace crowsnest
