// ASCII lowercase, for what rules compare without case (icontains values,
// Falco's priority names).
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace crowsnest {

// `s` in lowercase into `out`, whose capacity is reused.
inline void lowercase_into(std::string_view s, std::string &out) {
    out.assign(s);
    for (auto &c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
}

inline std::string lowercase(std::string_view s) {
    std::string out;
    lowercase_into(s, out);
    return out;
}

}  // namespace crowsnest
