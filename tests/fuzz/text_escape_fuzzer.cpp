// libFuzzer target for the escaping of everything that leaves the sensor:
// any bytes come out as valid UTF-8, decode back to exactly what went in
// (utf8_unescape), and a terminal line of them holds no control character.
#include <cstddef>
#include <cstdint>
#include <string>

#include "util/text_escape.h"

using namespace crowsnest;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string raw(reinterpret_cast<const char *>(data), size);
    const std::string escaped = utf8_escape(raw);
    if (!is_valid_utf8(escaped)) __builtin_trap();
    if (utf8_unescape(escaped) != raw) __builtin_trap();
    for (unsigned char c : terminal_safe(escaped))
        if (c < 0x20 || c == 0x7f) __builtin_trap();
    return 0;
}
