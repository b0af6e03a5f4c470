// `crowsnest profiles [--db PATH | connection options] list | show KEY |
// export KEY [-o FILE] | import FILE... | lock KEY | relearn KEY | forget KEY`:
// the learned profiles of the running sensor, over gRPC (a change holds at
// once in detection and is kept in the sensor's database), or offline in a
// SQLite database with --db (while no sensor uses it: a running sensor
// writes its own copy of a profile back when that profile changes).
#pragma once

namespace crowsnest {

// argv[0] is "profiles". Returns the process exit code.
int run_profiles_command(int argc, char **argv);

}  // namespace crowsnest
