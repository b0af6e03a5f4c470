#include "engine/json_lines.h"

#include "proto_json.h"

namespace crowsnest {

void JsonLinesOutput::on_event(const v1::Event &event) { file_.add(to_json_line(event)); }

void JsonLinesOutput::on_verdict(const v1::Verdict &verdict) {
    file_.add(format_ ? format_(verdict) : to_json_line(verdict));
    file_.flush();
}

}  // namespace crowsnest
