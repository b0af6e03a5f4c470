// `crowsnest config validate FILE`: checks a config file as the daemon
// would read it, each problem at its file:line:column.
#pragma once

namespace crowsnest {

// argv[0] is "config". Returns the exit status: 0 valid, 1 invalid, 2 usage.
int run_config_command(int argc, char **argv);

}  // namespace crowsnest
