// Runtime state files as JSON, read with bounds: a file that is too big,
// too deeply nested, not regular (a FIFO would block) or not JSON is an
// error with a reason, never a crash or a stall.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace crowsnest {

enum class ReadStatus { Ok, Absent, Malformed };

constexpr size_t kMaxJsonDepth = 64;

// Parses `text` (nesting at most kMaxJsonDepth). False with the reason in
// `error`.
bool parse_json_bounded(std::string_view text, nlohmann::json &out, std::string &error);

// Reads and parses the regular file `path`, of at most `max_bytes`.
// Absent: it does not exist (yet). Malformed: `error` says why.
ReadStatus read_json_file(const std::string &path, size_t max_bytes, nlohmann::json &out, std::string &error);

// Member `key` of object `j`, or a null value when `j` is not an object or
// has no such member: lets a path be followed without checks at each step.
const nlohmann::json &json_member(const nlohmann::json &j, std::string_view key);

// The string at `key` of object `j`, or "" when it is missing or not a string.
std::string json_string(const nlohmann::json &j, std::string_view key);

}  // namespace crowsnest
