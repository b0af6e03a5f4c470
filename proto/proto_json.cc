#include "proto_json.h"

#include <google/protobuf/util/json_util.h>

namespace crowsnest {

std::string to_json_line(const google::protobuf::Message &m) {
    google::protobuf::util::JsonPrintOptions opts;
    opts.preserve_proto_field_names = true;
    std::string out;
    (void)google::protobuf::util::MessageToJsonString(m, &out, opts);
    return out;
}

}  // namespace crowsnest
