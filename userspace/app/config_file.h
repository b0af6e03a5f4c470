// The config file: a YAML map whose keys are the options' config keys
// (option_table.cpp), nested by their dots ("grpc: {socket: ...}"). Every
// problem is reported at its file:line:column, as rule files are.
#pragma once

#include <string>
#include <vector>

#include "app/option_table.h"

namespace crowsnest {

// One value for one option, from the config file or the command line.
struct Setting {
    const OptionSpec *spec = nullptr;
    std::string value;  // "true"/"false" for a flag
    std::string where;  // "file:line:column" in the config file; "" on the command line
};

// Reads config file `path`: one setting per key, one per item of a list.
// False with one "file:line:column: message" per problem in `errors`.
bool read_config_file(const std::string &path, std::vector<Setting> &out, std::vector<std::string> &errors);

}  // namespace crowsnest
