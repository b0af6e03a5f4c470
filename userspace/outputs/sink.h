// One destination of an output (a syslog server, an HTTP endpoint). An
// OutputWorker calls it from its own thread only, with batches of verdicts.
#pragma once

#include <string>
#include <vector>

#include "api/published.h"
#include "crowsnest.pb.h"

namespace crowsnest {

struct Delivery {
    uint64_t sent = 0;    // verdicts the destination took
    uint64_t failed = 0;  // verdicts it refused, or that could not be delivered after retries: lost
    std::string error;    // the last failure's reason, for the log and the status
};

class Sink {
public:
    virtual ~Sink() = default;
    // Delivers `batch` (retrying as the destination allows), adding to `out`.
    // Each verdict's encodings are shared with the other outputs (api/published.h).
    virtual void deliver(const std::vector<const Published<v1::Verdict> *> &batch, Delivery &out) = 0;
    // From another thread, at shutdown: stop retrying (what is left fails).
    virtual void cancel() {}
};

}  // namespace crowsnest
