// An enum's names as a table: the value of a name, by its place in the table.
#pragma once

#include <cstddef>
#include <string_view>

namespace crowsnest {

// Sets `out` to the enum value whose name in `names` is `name`.
template <typename Enum, size_t N>
bool parse_name(const char *const (&names)[N], std::string_view name, Enum &out) {
    for (size_t i = 0; i < N; i++)
        if (name == names[i]) {
            out = Enum(i);
            return true;
        }
    return false;
}

}  // namespace crowsnest
