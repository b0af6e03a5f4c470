// `crowsnest status`: the daemon's GetStatus, readable or as JSON.
#pragma once

namespace crowsnest {

int run_status(int argc, char **argv);

}  // namespace crowsnest
