// parse_options on a command line, for the options and config file tests.
#pragma once

#include <getopt.h>

#include <string>
#include <vector>

#include "app/options.h"

namespace crowsnest::test {

struct Parsed {
    bool ok;
    Options opts;
    std::string error;
};

// glibc's getopt keeps its position inside a group of short flags between
// calls and forgets it only when called with optind = 0: start each parse
// clean, whatever the previous test left.
inline void reset_getopt() {
    char arg0[] = "reset";
    char *argv[] = {arg0, nullptr};
    optind = 0;
    opterr = 0;
    getopt(1, argv, "");
}

// Runs parse_options on "crowsnest <args...>".
inline Parsed parse(std::vector<std::string> args) {
    reset_getopt();
    args.insert(args.begin(), "crowsnest");
    std::vector<char *> argv;
    for (auto &a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    Parsed p;
    p.ok = parse_options(int(args.size()), argv.data(), p.opts, p.error);
    return p;
}

}  // namespace crowsnest::test
