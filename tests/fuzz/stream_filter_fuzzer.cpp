// libFuzzer target for stream filters: a StreamRequest is what any client
// on the socket sends. The input is parsed as a request (protobuf's wire
// format, as gRPC delivers it); a filter that compiles is matched against a
// few verdicts and events. Nothing may crash, and no request past the
// documented bounds may compile.
#include <cstddef>
#include <cstdint>

#include "api/stream_filter.h"

using namespace crowsnest;

namespace {

v1::Verdict sample_verdict() {
    v1::Verdict v;
    v.set_rule("crypto_miner_binary");
    v.set_category("miner");
    v.set_severity("critical");
    v.mutable_container()->set_id(std::string(64, 'a'));
    v.mutable_container()->set_pod_uid("0c6f4f9e-4c8b-4e43-9a3b-0b5d2c1e9f00");
    v.mutable_process()->set_comm("xmrig");
    v.mutable_process()->set_exe("/tmp/xmrig");
    v.mutable_event()->set_type("exec");
    return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const v1::Verdict verdict = sample_verdict();
    static const v1::Verdict host = [] {
        v1::Verdict v = sample_verdict();
        v.clear_container();
        return v;
    }();
    v1::StreamRequest req;
    if (!req.ParseFromArray(data, int(size))) return 0;
    std::string error;
    for (auto kind : {StreamFilter::Kind::Verdicts, StreamFilter::Kind::Events}) {
        auto f = StreamFilter::compile(req, kind, error);
        if (!f) continue;
        if (size_t(req.allow_size() + req.deny_size()) > StreamFilter::kMaxFilters) __builtin_trap();
        if (kind == StreamFilter::Kind::Verdicts) {
            (void)f->matches(verdict);
            (void)f->matches(host);
        } else {
            v1::Event e;
            *e.mutable_container() = verdict.container();
            *e.mutable_event() = verdict.event();
            (void)f->matches(e);
        }
    }
    return 0;
}
