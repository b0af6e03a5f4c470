// `crowsnest rules validate FILE|DIR...`: loads rule files exactly as the
// sensor does and prints every error and warning as file:line:column.
// `crowsnest rules fields`: the fields conditions and outputs can use.
#pragma once

namespace crowsnest {

// argv[0] is "rules". Returns the process exit code.
int run_rules_command(int argc, char **argv);

}  // namespace crowsnest
