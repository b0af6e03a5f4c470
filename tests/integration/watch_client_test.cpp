// `crowsnest watch` against a server that sends a message it cannot parse
// (a string field with invalid UTF-8, as crowsnest itself once sent) and
// keeps the stream open: the client must say so, reconnect, resume, and in
// the end skip that message, instead of waiting for ever.
#include <atomic>
#include <future>
#include <string>

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/support/byte_buffer.h>

#include "crowsnest.pb.h"
#include "harness.h"

using namespace crowsnest;
using namespace crowsnest::test;
using namespace std::chrono_literals;

namespace {

grpc::ByteBuffer buffer_of(const std::string &bytes) {
    grpc::Slice slice(bytes);
    return grpc::ByteBuffer(&slice, 1);
}

// The serialised verdict `seq`; the second one's rule is not UTF-8.
std::string verdict_bytes(uint64_t seq) {
    v1::Verdict v;
    v.set_sequence(seq);
    v.set_rule("RULE");
    v.set_severity("high");
    std::string bytes = v.SerializeAsString();
    if (seq == 2) bytes.replace(bytes.find("RULE"), 4, "\xff\xfe\xff\xfe");
    return bytes;
}

// StreamVerdicts: verdicts 1 to 3 after the requested sequence, then the
// stream stays open until the client cancels it.
class FakeStream final : public grpc::ServerGenericBidiReactor {
public:
    FakeStream() { StartRead(&request_); }
    void OnReadDone(bool ok) override {
        if (!ok) return Finish(grpc::Status::OK);
        std::vector<grpc::Slice> slices;
        request_.Dump(&slices);
        std::string bytes;
        for (const auto &s : slices) bytes.append(reinterpret_cast<const char *>(s.begin()), s.size());
        v1::StreamRequest req;
        req.ParseFromString(bytes);
        next_ = req.has_after_sequence() ? req.after_sequence() + 1 : 1;
        write_next();
    }
    void OnWriteDone(bool ok) override {
        if (ok) write_next();
    }
    void OnCancel() override { Finish(grpc::Status::CANCELLED); }
    void OnDone() override { delete this; }

private:
    void write_next() {
        if (next_ > 3) return;  // and stay open
        out_ = buffer_of(verdict_bytes(next_++));
        StartWrite(&out_);
    }
    grpc::ByteBuffer request_, out_;
    uint64_t next_ = 1;
};

class FakeService final : public grpc::CallbackGenericService {
    grpc::ServerGenericBidiReactor *CreateReactor(grpc::GenericCallbackServerContext *ctx) override {
        if (ctx->method() == "/crowsnest.v1.Sensor/StreamVerdicts") return new FakeStream();
        return grpc::CallbackGenericService::CreateReactor(ctx);
    }
};

}  // namespace

TEST_CASE("watch: a message the client cannot read is reported, then resumed past, never waited on for ever",
          "[integration][grpc]") {
    char dir[] = "/tmp/crowsnest-fake-XXXXXX";
    REQUIRE(mkdtemp(dir));
    const std::string sock = std::string(dir) + "/fake.sock";
    FakeService service;
    grpc::ServerBuilder builder;
    builder.AddListeningPort("unix:" + sock, grpc::InsecureServerCredentials());
    builder.RegisterCallbackGenericService(&service);
    auto server = builder.BuildAndStart();
    REQUIRE(server);

    std::string out;  // stdout and stderr
    const int rc = run_shell("timeout 60 " CROWSNEST_BINARY " watch --socket " + sock + " -o json -n 2", &out);
    server->Shutdown(std::chrono::system_clock::now() + 1s);
    run_shell(std::string("rm -rf ") + dir);
    INFO(out);
    CHECK(rc == 0);  // not killed by the timeout
    CHECK(out.find("\"sequence\":\"1\"") != std::string::npos);
    CHECK(out.find("\"sequence\":\"3\"") != std::string::npos);
    CHECK(out.find("a message after sequence 1 could not be read") != std::string::npos);
    CHECK(out.find("skipping it") != std::string::npos);
}
