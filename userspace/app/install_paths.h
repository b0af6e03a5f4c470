// Where the shipped files are, found from the running binary, never from a
// path compiled in: an installed binary (<prefix>/bin/crowsnest) has its
// rules in <prefix>/share/crowsnest/rules; a binary in a build directory
// inside the source tree (<source>/build/crowsnest) uses <source>/rules.
#pragma once

#include <string>
#include <vector>

namespace crowsnest {

// The shipped rules directory, or "" with the places looked at in `looked`.
std::string shipped_rules_dir(std::vector<std::string> &looked);

}  // namespace crowsnest
