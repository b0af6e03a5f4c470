// The JSON that crowsnest prints: the protobuf JSON mapping of its messages,
// with the proto's snake_case field names, one line each.
#pragma once

#include <google/protobuf/message.h>

#include <string>

namespace crowsnest {

// One line of JSON, no trailing newline.
std::string to_json_line(const google::protobuf::Message &m);

}  // namespace crowsnest
