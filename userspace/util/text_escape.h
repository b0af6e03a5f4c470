// Text that leaves the sensor. Every byte of argv, paths, process names and
// runtime state is the watched process's to choose, and protobuf strings,
// JSON and syslog all require valid UTF-8: an invalid byte would make a
// client drop the whole message (or the whole stream).
//
// utf8_escape() keeps valid UTF-8 as it is and escapes, reversibly:
//   - a byte that is not part of a valid UTF-8 sequence as \xHH;
//   - a backslash that would otherwise read as an escape (one followed by a
//     backslash, by an invalid byte, or by 'x' and two hex digits) as \\.
// To decode: \\ is a backslash, \xHH is the byte HH, any other backslash is
// itself. Rules match the raw bytes; only what is written out is escaped.
//
// terminal_safe() is for text printed on a terminal: it also escapes control
// characters (C0, DEL, C1) as \xHH (or \u0085...), so that argv cannot move
// the cursor, erase lines or draw fake ones.
#pragma once

#include <string>
#include <string_view>

namespace crowsnest {

// True when `s` is valid UTF-8 (what protobuf strings and JSON accept).
bool is_valid_utf8(std::string_view s);
// True when utf8_escape(s) would return s unchanged.
bool is_escape_free(std::string_view s);

// The bytes an escaped string stands for (the decoding above).
std::string utf8_unescape(std::string_view escaped);

// `raw`, escaped as above, assigned to `out` (whose capacity is reused).
void assign_utf8_escaped(std::string_view raw, std::string &out);
std::string utf8_escape(std::string_view raw);

// `utf8` (already valid UTF-8) with its control characters escaped.
std::string terminal_safe(std::string_view utf8);

}  // namespace crowsnest
