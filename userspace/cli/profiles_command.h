// `crowsnest profiles [--db PATH] list | show KEY | export KEY [-o FILE] |
// import FILE... | lock KEY | relearn KEY | forget KEY`: the learned profiles,
// offline, in the SQLite database (default /var/lib/crowsnest/profiles.db).
// A running sensor reads the database when it starts and writes its own copy
// of a profile back when that profile changes: change the database while no
// sensor uses it (the profile RPCs over gRPC are not built yet).
#pragma once

namespace crowsnest {

// argv[0] is "profiles". Returns the process exit code.
int run_profiles_command(int argc, char **argv);

}  // namespace crowsnest
