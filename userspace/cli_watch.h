// `crowsnest watch`: subscribe to the daemon's verdicts (or events) with the
// stream filters, print one line each (or JSON), and resume after the last
// one seen when the connection drops.
#pragma once

namespace crowsnest {

int run_watch(int argc, char **argv);
// `crowsnest status`: the daemon's GetStatus, readable or as JSON.
int run_status(int argc, char **argv);

}  // namespace crowsnest
