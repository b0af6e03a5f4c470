// `crowsnest watch`: subscribe to the daemon's verdicts (or events) with the
// stream filters, print one line each (or JSON), and resume after the last
// one seen when the connection drops.
#pragma once

namespace crowsnest {

int run_watch(int argc, char **argv);

}  // namespace crowsnest
