// Prints events and verdicts as JSON lines (the protobuf JSON mapping) to a
// file descriptor (stdout, or an output file); -1 prints nothing, for a
// sensor that only serves gRPC. Events are flushed by flush() (they can be
// many), verdicts at once.
#pragma once

#include "engine/line_file.h"
#include "engine/output.h"

namespace crowsnest {

class JsonLinesOutput final : public Output {
public:
    JsonLinesOutput(int fd, bool print_events) : file_(fd), print_events_(print_events && fd >= 0) {}
    bool wants_events() const override { return print_events_; }
    void on_event(const v1::Event &event) override;
    void on_verdict(const v1::Verdict &verdict) override;
    void flush() { file_.flush(); }

    const LineFile &file() const { return file_; }

private:
    LineFile file_;
    bool print_events_;
};

}  // namespace crowsnest
