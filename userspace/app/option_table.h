// Every option of the daemon, declared once: its command-line flag, its key
// in the config file, what its value looks like, its help text and how a
// value is applied. The command-line parser, the config file reader,
// `--help` (and so the man page) are all driven by this table, so a new
// option is one row.
#pragma once

#include <string>
#include <vector>

#include "app/options.h"

namespace crowsnest {

struct OptionSpec {
    enum class Kind {
        Flag,   // no value on the command line; true or false in the config file
        Value,  // one value
        List,   // repeatable on the command line; a list (or one value) in the config file
    };
    const char *flag;     // long flag without "--"; nullptr: config file only
    char short_flag;      // 0: none
    const char *key;      // config key, dotted for nested maps ("grpc.socket"); nullptr: command line only
    Kind kind;
    const char *arg;      // the value's name in --help ("DIR"); nullptr for flags
    const char *help;     // may span lines
    const char *section;  // starts a section of --help; nullptr: the previous one goes on
    // Applies one value ("true"/"false" for a flag). False with the reason
    // in `error` ("must be a power of two of at least 4096"), which the
    // caller prefixes with the option's name and the value.
    bool (*apply)(Options &out, const std::string &value, std::string &error);
};

const std::vector<OptionSpec> &option_table();

// The row of flag "--name" or of config key "a.b"; nullptr if none.
const OptionSpec *find_flag(const std::string &name);
const OptionSpec *find_key(const std::string &key);

// "--flag" if it has one, else the config key.
std::string option_name(const OptionSpec &spec);

// The options part of --help, from the table.
std::string options_help();

}  // namespace crowsnest
