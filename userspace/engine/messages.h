// Builds the protobuf messages of proto/crowsnest.proto (Event, Verdict)
// from an event, its context and a detection.
#pragma once

#include "crowsnest.pb.h"
#include "event/event_context.h"
#include "rules/detection.h"

namespace crowsnest {

void fill_event_message(const EventContext &ctx, v1::Event &out);
void fill_verdict_message(const EventContext &ctx, const Detection &d, v1::Verdict &out);

}  // namespace crowsnest
