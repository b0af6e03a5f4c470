// The engine's Output in the daemon: the subscriber hubs, which every output
// (gRPC streams, JSON lines, alert outputs, the journal) reads from. Events
// are built only while someone subscribes to them.
#pragma once

#include "api/subscriber_hub.h"
#include "engine/output.h"

namespace crowsnest {

class HubOutput final : public Output {
public:
    HubOutput(VerdictHub &verdicts, EventHub &events) : verdicts_(verdicts), events_(events) {}
    // kept only while someone streams or prints events: a copy each is not free
    bool wants_events() const override { return events_.subscriber_count() > 0; }
    void on_event(const v1::Event &event) override { events_.publish(event); }
    void on_verdict(const v1::Verdict &verdict) override { verdicts_.publish(verdict); }

private:
    VerdictHub &verdicts_;
    EventHub &events_;
};

}  // namespace crowsnest
