// Prints events and verdicts as JSON lines (the protobuf JSON mapping) to a
// stdio stream; nullptr prints nothing, for a sensor that only serves gRPC.
#pragma once

#include <cstdio>

#include "engine/output.h"

namespace crowsnest {

class JsonLinesOutput final : public Output {
public:
    JsonLinesOutput(FILE *out, bool print_events) : out_(out), print_events_(print_events && out) {}
    bool wants_events() const override { return print_events_; }
    void on_event(const v1::Event &event) override;  // flushed by flush(): events can be many
    void on_verdict(const v1::Verdict &verdict) override;  // flushed at once
    void flush();

private:
    FILE *out_;
    bool print_events_;
};

}  // namespace crowsnest
