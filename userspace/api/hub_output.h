// The engine's Output in the daemon: JSON lines, and the gRPC subscriber
// hubs. Events are built only when the JSON output or a subscriber wants them.
#pragma once

#include "api/subscriber_hub.h"
#include "engine/json_lines.h"

namespace crowsnest {

class HubOutput final : public Output {
public:
    HubOutput(JsonLinesOutput &json, VerdictHub &verdicts, EventHub &events)
        : json_(json), verdicts_(verdicts), events_(events) {}
    bool wants_events() const override { return json_.wants_events() || events_.subscriber_count() > 0; }
    void on_event(const v1::Event &event) override {
        if (json_.wants_events()) json_.on_event(event);
        // kept only while someone streams events: a copy each is not free
        if (events_.subscriber_count() > 0) events_.publish(event);
    }
    void on_verdict(const v1::Verdict &verdict) override {
        json_.on_verdict(verdict);
        verdicts_.publish(verdict);
    }

private:
    JsonLinesOutput &json_;
    VerdictHub &verdicts_;
    EventHub &events_;
};

}  // namespace crowsnest
