// Builds the protobuf messages of proto/crowsnest.proto from an event and its
// context, and prints them as JSON lines (the protobuf JSON mapping).
#pragma once

#include <string>

#include "crowsnest.pb.h"
#include "detection.h"

namespace crowsnest {

void fill_event_message(const EventContext &ctx, v1::Event &out);
void fill_verdict_message(const EventContext &ctx, const Detection &d, v1::Verdict &out);

// One line of JSON, snake_case field names, no trailing newline.
std::string to_json_line(const google::protobuf::Message &m);

}  // namespace crowsnest
