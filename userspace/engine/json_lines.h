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
    // How a verdict becomes a line: the protobuf JSON mapping by default,
    // or another format (Falco's alert JSON, outputs/falco_alert.h).
    using VerdictFormat = std::string (*)(const v1::Verdict &);
    JsonLinesOutput(int fd, bool print_events, VerdictFormat format = nullptr)
        : file_(fd), print_events_(print_events && fd >= 0), format_(format) {}
    // To an output file that rotates (engine/output_file.h).
    JsonLinesOutput(OutputFile *out, bool print_events, VerdictFormat format = nullptr)
        : file_(out), print_events_(print_events), format_(format) {}
    bool wants_events() const override { return print_events_; }
    void on_event(const v1::Event &event) override;
    void on_verdict(const v1::Verdict &verdict) override;
    void flush() { file_.flush(); }
    bool reopen() { return file_.reopen(); }

    const LineFile &file() const { return file_; }

private:
    LineFile file_;
    bool print_events_;
    VerdictFormat format_;
};

}  // namespace crowsnest
