#include "app/config_command.h"

#include <cstdio>
#include <cstring>
#include <string>

#include "app/options.h"

namespace crowsnest {

int run_config_command(int argc, char **argv) {
    if (argc == 2 && !std::strcmp(argv[1], "--help")) {
        std::puts("Usage: crowsnest config validate FILE   check a config file (crowsnest --help lists the keys)");
        return 0;
    }
    if (argc != 3 || std::strcmp(argv[1], "validate") != 0) {
        std::fputs("Usage: crowsnest config validate FILE\n", stderr);
        return 2;
    }
    Options opts;
    std::string error;
    if (!read_config_options(argv[2], opts, error)) {
        std::printf("%s\n", error.c_str());
        return 1;
    }
    std::printf("ok: %s\n", argv[2]);
    return 0;
}

}  // namespace crowsnest
