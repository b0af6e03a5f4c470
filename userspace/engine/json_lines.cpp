#include "engine/json_lines.h"

#include "proto_json.h"

namespace crowsnest {

void JsonLinesOutput::on_event(const v1::Event &event) {
    const std::string line = to_json_line(event);
    std::fprintf(out_, "%s\n", line.c_str());
}

void JsonLinesOutput::flush() {
    if (out_) std::fflush(out_);
}

void JsonLinesOutput::on_verdict(const v1::Verdict &verdict) {
    if (!out_) return;
    const std::string line = to_json_line(verdict);
    std::fprintf(out_, "%s\n", line.c_str());
    std::fflush(out_);
}

}  // namespace crowsnest
