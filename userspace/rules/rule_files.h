// Which files a list of --rules paths names: each file as given, and each
// directory's *.yaml and *.yml files sorted by name (as Falco's rules.d).
#pragma once

#include <string>
#include <vector>

namespace crowsnest {

// Appends the files to `files`. False with a message on a missing path.
bool expand_rule_paths(const std::vector<std::string> &paths, std::vector<std::string> &files, std::string &error);

}  // namespace crowsnest
