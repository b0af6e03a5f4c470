// crowsnest: the daemon, or one of its commands (watch, status, rules, profiles, config).
#include <cstdio>
#include <cstring>
#include <string>

#include "app/config_command.h"
#include "app/daemon.h"
#include "app/options.h"
#include "cli/profiles_command.h"
#include "cli/rules_command.h"
#include "cli/status_command.h"
#include "cli/watch_command.h"

using namespace crowsnest;

int main(int argc, char **argv) {
    // client commands: the rest of the arguments are theirs
    if (argc > 1 && !std::strcmp(argv[1], "watch")) return run_watch(argc - 1, argv + 1);
    if (argc > 1 && !std::strcmp(argv[1], "status")) return run_status(argc - 1, argv + 1);
    if (argc > 1 && !std::strcmp(argv[1], "rules")) return run_rules_command(argc - 1, argv + 1);
    if (argc > 1 && !std::strcmp(argv[1], "profiles")) return run_profiles_command(argc - 1, argv + 1);
    if (argc > 1 && !std::strcmp(argv[1], "config")) return run_config_command(argc - 1, argv + 1);
    Options opts;
    std::string error;
    if (!parse_options(argc, argv, opts, error)) {
        std::fprintf(stderr, "crowsnest: %s\n(crowsnest --help lists every option and its config key)\n", error.c_str());
        return 2;
    }
    if (opts.help) {
        std::fputs(usage_text().c_str(), stdout);
        return 0;
    }
    if (opts.version) {
        std::printf("crowsnest %s\n", CROWSNEST_VERSION);
        return 0;
    }
    return run_daemon(opts);
}
