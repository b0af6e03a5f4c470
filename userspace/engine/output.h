// Where the engine hands events and verdicts: the subscriber hubs, from
// which every output reads (api/hub_output.h), or a test's collector.
#pragma once

#include "crowsnest.pb.h"

namespace crowsnest {

class Output {
public:
    virtual ~Output() = default;
    // Asked before every event: building an Event message is not free.
    virtual bool wants_events() const = 0;
    virtual void on_event(const v1::Event &event) = 0;
    virtual void on_verdict(const v1::Verdict &verdict) = 0;
};

}  // namespace crowsnest
