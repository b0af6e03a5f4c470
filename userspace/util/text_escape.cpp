#include "util/text_escape.h"

#include <cstdint>

namespace crowsnest {

namespace {

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// The length of the valid UTF-8 sequence that starts s[i] (1 to 4), or 0.
// Valid: no overlong forms, no surrogates (U+D800..U+DFFF), at most U+10FFFF.
size_t utf8_sequence(std::string_view s, size_t i) {
    const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
    const uint8_t b0 = byte(i);
    if (b0 < 0x80) return 1;
    size_t len;
    uint8_t lo = 0x80, hi = 0xbf;  // the range of the second byte
    if (b0 >= 0xc2 && b0 <= 0xdf) {
        len = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
        len = 3;
        if (b0 == 0xe0) lo = 0xa0;  // overlong
        if (b0 == 0xed) hi = 0x9f;  // surrogates
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        len = 4;
        if (b0 == 0xf0) lo = 0x90;  // overlong
        if (b0 == 0xf4) hi = 0x8f;  // above U+10FFFF
    } else {
        return 0;
    }
    if (i + len > s.size()) return 0;
    if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
    for (size_t k = 2; k < len; k++)
        if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) return 0;
    return len;
}

// A backslash at s[i] that a reader would take for the start of an escape:
// one followed by a backslash, by an invalid byte (which is written \xHH),
// or by 'x' and two hex digits.
bool ambiguous_backslash(std::string_view s, size_t i) {
    if (i + 1 >= s.size()) return false;
    if (s[i + 1] == '\\' || utf8_sequence(s, i + 1) == 0) return true;
    return s[i + 1] == 'x' && i + 3 < s.size() && is_hex(s[i + 2]) && is_hex(s[i + 3]);
}

const char kHex[] = "0123456789abcdef";

void append_hex_byte(uint8_t b, std::string &out) {
    out += "\\x";
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        const size_t n = utf8_sequence(s, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

bool is_escape_free(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        const uint8_t b = static_cast<uint8_t>(s[i]);
        if (b < 0x80) {
            if (b == '\\' && ambiguous_backslash(s, i)) return false;
            i++;
            continue;
        }
        const size_t n = utf8_sequence(s, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

void assign_utf8_escaped(std::string_view raw, std::string &out) {
    if (is_escape_free(raw)) {
        out.assign(raw);
        return;
    }
    out.clear();
    out.reserve(raw.size() + 16);
    for (size_t i = 0; i < raw.size();) {
        const uint8_t b = static_cast<uint8_t>(raw[i]);
        if (b == '\\' && ambiguous_backslash(raw, i)) {
            out += "\\\\";
            i++;
            continue;
        }
        const size_t n = utf8_sequence(raw, i);
        if (n == 0) {
            append_hex_byte(b, out);
            i++;
            continue;
        }
        out.append(raw, i, n);
        i += n;
    }
}

std::string utf8_escape(std::string_view raw) {
    std::string out;
    assign_utf8_escaped(raw, out);
    return out;
}

std::string utf8_unescape(std::string_view s) {
    auto value = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); i++) {
        if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == '\\') {
            out += '\\';
            i++;
        } else if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] == 'x' && is_hex(s[i + 2]) && is_hex(s[i + 3])) {
            out += char(value(s[i + 2]) * 16 + value(s[i + 3]));
            i += 3;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string terminal_safe(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size());
    for (size_t i = 0; i < utf8.size(); i++) {
        const uint8_t b = static_cast<uint8_t>(utf8[i]);
        if (b < 0x20 || b == 0x7f) {
            append_hex_byte(b, out);
        } else if (b == 0xc2 && i + 1 < utf8.size() && static_cast<uint8_t>(utf8[i + 1]) >= 0x80 &&
                   static_cast<uint8_t>(utf8[i + 1]) <= 0x9f) {
            // C1 controls (U+0080..U+009F): some terminals act on them too
            out += "\\u00";
            out += kHex[static_cast<uint8_t>(utf8[i + 1]) >> 4];
            out += kHex[static_cast<uint8_t>(utf8[i + 1]) & 0xf];
            i++;
        } else {
            out += char(b);
        }
    }
    return out;
}

}  // namespace crowsnest
