#include "api/stream_service.h"

#include <chrono>
#include <cstring>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include <google/protobuf/io/coded_stream.h>
#include <grpc/slice.h>
#include <grpcpp/grpcpp.h>

#include "crowsnest.grpc.pb.h"

namespace crowsnest {

namespace {

using google::protobuf::io::CodedOutputStream;

// What a stream takes from its subscription's queue at a time: one flush
// for up to 64 single messages, or batches of up to 1,024 messages and
// 256 KiB (a message larger than that is a batch of its own).
constexpr size_t kTakeSingle = 64;
constexpr size_t kTakeBatched = 1024;
constexpr size_t kBatchBytes = 256 * 1024;

// How often a stream that has nothing to send checks for a cancelled client.
constexpr auto kIdleCheck = std::chrono::milliseconds(200);

enum class Framing { OnePerMessage, Batch };

// The message's protobuf bytes, made once for every stream that sends it,
// copied into a slice of their own: what gRPC holds for a slow client is
// those bytes, not the whole message kept alive with them.
template <typename Msg>
grpc::ByteBuffer one_message(const typename SubscriberHub<Msg>::Ptr &p) {
    grpc::Slice slice(p->wire());
    return grpc::ByteBuffer(&slice, 1);
}

// A message in a VerdictBatch or EventBatch is field 1: a tag, its length,
// then its bytes as they are.
constexpr uint8_t kBatchTag = (1 << 3) | 2;  // field 1, length-delimited
size_t framed_size(const std::string &bytes) {
    return 1 + CodedOutputStream::VarintSize32(uint32_t(bytes.size())) + bytes.size();
}

// Messages [begin, end) as one batch: never parsed or rebuilt, only laid
// end to end in one slice.
template <typename Msg>
grpc::ByteBuffer batch_message(const std::vector<typename SubscriberHub<Msg>::Ptr> &queue, size_t begin, size_t end) {
    size_t size = 0;
    for (size_t i = begin; i < end; i++) size += framed_size(queue[i]->wire());
    grpc_slice raw = grpc_slice_malloc(size);
    uint8_t *at = GRPC_SLICE_START_PTR(raw);
    for (size_t i = begin; i < end; i++) {
        const std::string &bytes = queue[i]->wire();
        *at++ = kBatchTag;
        at = CodedOutputStream::WriteVarint32ToArray(uint32_t(bytes.size()), at);
        std::memcpy(at, bytes.data(), bytes.size());  // not std::copy: char to uint8_t went byte by byte
        at += bytes.size();
    }
    grpc::Slice slice(raw, grpc::Slice::STEAL_REF);
    return grpc::ByteBuffer(&slice, 1);
}

// Writes what was taken from the queue, with one flush at the end.
// False once the client is gone.
template <typename Msg>
bool write_taken(grpc::ServerWriter<grpc::ByteBuffer> *writer, const std::vector<typename SubscriberHub<Msg>::Ptr> &taken,
                 Framing framing) {
    for (size_t begin = 0; begin < taken.size();) {
        size_t end = begin + 1;
        if (framing == Framing::OnePerMessage) {
            grpc::WriteOptions options;
            if (end < taken.size()) options.set_buffer_hint();
            if (!writer->Write(one_message<Msg>(taken[begin]), options)) return false;
        } else {
            for (size_t bytes = framed_size(taken[begin]->wire()); end < taken.size(); end++) {
                bytes += framed_size(taken[end]->wire());
                if (bytes > kBatchBytes) break;
            }
            grpc::WriteOptions options;
            if (end < taken.size()) options.set_buffer_hint();
            if (!writer->Write(batch_message<Msg>(taken, begin, end), options)) return false;
        }
        begin = end;
    }
    return true;
}

// One stream call, on the thread gRPC gives it: it writes what its
// subscription holds, as soon as it holds it.
template <typename Msg>
grpc::Status serve_stream(grpc::ServerContext *ctx, const grpc::ByteBuffer &request,
                          grpc::ServerWriter<grpc::ByteBuffer> *writer, SubscriberHub<Msg> &hub,
                          StreamFilter::Kind kind, Framing framing) {
    v1::StreamRequest req;
    grpc::ByteBuffer copy(request);  // deserialising consumes it
    if (!grpc::SerializationTraits<v1::StreamRequest>::Deserialize(&copy, &req).ok())
        return {grpc::StatusCode::INVALID_ARGUMENT, "the request is not a crowsnest.v1.StreamRequest"};
    std::string error;
    auto filter = StreamFilter::compile(req, kind, error);
    if (!filter) return {grpc::StatusCode::INVALID_ARGUMENT, error};
    std::optional<uint64_t> after;
    if (req.has_after_sequence()) after = req.after_sequence();
    auto sub = hub.subscribe(std::move(*filter), after, ctx->peer(), req.sequence_space());
    // headers now: a client that has them knows it is subscribed, and what
    // the sequences it will resume after are numbered in
    ctx->AddInitialMetadata("crowsnest-sequence-space", hub.sequence_space());
    writer->SendInitialMetadata();
    const size_t take = framing == Framing::Batch ? kTakeBatched : kTakeSingle;
    std::vector<typename SubscriberHub<Msg>::Ptr> taken;
    while (!ctx->IsCancelled()) {
        if (!sub->next_batch(taken, take, kIdleCheck)) {
            if (sub->closed()) break;
            continue;
        }
        if (!write_taken<Msg>(writer, taken, framing)) break;
    }
    return grpc::Status::OK;  // the subscription is released here
}

// The stream methods as synchronous methods that send bytes. They take the
// generated service's place for these names (it leaves them out:
// WithGenericMethod_); clients see the messages the .proto declares.
class StreamService final : public grpc::Service {
public:
    explicit StreamService(ServerParts &parts) : parts_(parts) {
        add("StreamVerdicts", [](StreamService *self, grpc::ServerContext *ctx, const grpc::ByteBuffer *req,
                                 grpc::ServerWriter<grpc::ByteBuffer> *w) {
            return serve_stream(ctx, *req, w, self->parts_.verdicts, StreamFilter::Kind::Verdicts, Framing::OnePerMessage);
        });
        add("StreamEvents", [](StreamService *self, grpc::ServerContext *ctx, const grpc::ByteBuffer *req,
                               grpc::ServerWriter<grpc::ByteBuffer> *w) {
            return serve_stream(ctx, *req, w, self->parts_.events, StreamFilter::Kind::Events, Framing::OnePerMessage);
        });
        add("StreamVerdictBatches", [](StreamService *self, grpc::ServerContext *ctx, const grpc::ByteBuffer *req,
                                       grpc::ServerWriter<grpc::ByteBuffer> *w) {
            return serve_stream(ctx, *req, w, self->parts_.verdicts, StreamFilter::Kind::Verdicts, Framing::Batch);
        });
        add("StreamEventBatches", [](StreamService *self, grpc::ServerContext *ctx, const grpc::ByteBuffer *req,
                                     grpc::ServerWriter<grpc::ByteBuffer> *w) {
            return serve_stream(ctx, *req, w, self->parts_.events, StreamFilter::Kind::Events, Framing::Batch);
        });
    }

private:
    using Handler = grpc::Status (*)(StreamService *, grpc::ServerContext *, const grpc::ByteBuffer *,
                                     grpc::ServerWriter<grpc::ByteBuffer> *);
    void add(const std::string &method, Handler handler) {
        names_.push_back("/" + std::string(v1::Sensor::service_full_name()) + "/" + method);
        AddMethod(new grpc::internal::RpcServiceMethod(
            names_.back().c_str(), grpc::internal::RpcMethod::SERVER_STREAMING,
            new grpc::internal::ServerStreamingHandler<StreamService, grpc::ByteBuffer, grpc::ByteBuffer>(handler,
                                                                                                          this)));
    }
    ServerParts &parts_;
    std::deque<std::string> names_;  // gRPC keeps pointers to them
};

}  // namespace

std::unique_ptr<grpc::Service> make_stream_service(ServerParts &parts) {
    return std::make_unique<StreamService>(parts);
}

}  // namespace crowsnest
