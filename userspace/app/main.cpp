// crowsnest: the daemon, or one of its client commands (watch, status, rules).
#include <cstdio>
#include <cstring>
#include <string>

#include "app/daemon.h"
#include "app/options.h"
#include "cli/rules_command.h"
#include "cli/status_command.h"
#include "cli/watch_command.h"

using namespace crowsnest;

int main(int argc, char **argv) {
    // client commands: the rest of the arguments are theirs
    if (argc > 1 && !std::strcmp(argv[1], "watch")) return run_watch(argc - 1, argv + 1);
    if (argc > 1 && !std::strcmp(argv[1], "status")) return run_status(argc - 1, argv + 1);
    if (argc > 1 && !std::strcmp(argv[1], "rules")) return run_rules_command(argc - 1, argv + 1);
    Options opts;
    std::string error;
    if (!parse_options(argc, argv, opts, error)) {
        std::fprintf(stderr, "crowsnest: %s\n%s", error.c_str(), usage_text());
        return 2;
    }
    if (opts.help) {
        std::fputs(usage_text(), stdout);
        return 0;
    }
    if (opts.version) {
        std::printf("crowsnest %s\n", CROWSNEST_VERSION);
        return 0;
    }
    return run_daemon(opts);
}
