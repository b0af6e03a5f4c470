// bench_stream: the measuring side of scripts/bench-stream.sh.
//
//   bench_stream latency SOCKET SECONDS        one subscriber: now - verdict.time
//                                              (the syscall's kernel time), p50/p99/max
//   bench_stream fanout SOCKET N SECONDS HOW   N subscribers, each on its own connection:
//                                              verdicts received, lost (gap markers) and
//                                              holes. HOW: `messages` (StreamVerdicts),
//                                              `batches` (StreamVerdictBatches), each
//                                              verdict parsed whole; `sequences`
//                                              (StreamVerdictBatches, only each
//                                              verdict's sequence and gap read)
//   bench_stream exec-load PATH RATE SECONDS   open loop: spawn PATH RATE times a second
//   bench_stream open-load PATH RATE SECONDS   open loop: open+close PATH RATE times a second
//
// Open loop: the schedule does not wait for the sensor, so a slow consumer
// shows up as latency or loss, not as a slower load.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>
#include <grpcpp/grpcpp.h>

#include "crowsnest.grpc.pb.h"

using namespace std::chrono;
using crowsnest::v1::Sensor;
using crowsnest::v1::StreamRequest;
using crowsnest::v1::Verdict;
using crowsnest::v1::VerdictBatch;

namespace {

std::shared_ptr<grpc::Channel> channel(const std::string &socket) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // one connection per subscriber
    return grpc::CreateCustomChannel("unix:" + socket, grpc::InsecureChannelCredentials(), args);
}

int64_t wall_ns() { return duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count(); }

// Runs `body` on every verdict of one subscription for `seconds`, taken
// one per message or in batches. Batches are parsed into an arena that is
// reset after each: how a consumer of many thousands a second parses them.
template <typename Body>
void subscribe(const std::string &socket, double seconds, bool batches, std::atomic<int> &ready, Body body) {
    auto stub = Sensor::NewStub(channel(socket));
    grpc::ClientContext ctx;
    ctx.set_deadline(system_clock::now() + milliseconds(int64_t(seconds * 1000)));
    if (batches) {
        auto reader = stub->StreamVerdictBatches(&ctx, StreamRequest{});
        reader->WaitForInitialMetadata();
        ready++;
        google::protobuf::Arena arena;
        for (;;) {
            auto *batch = google::protobuf::Arena::CreateMessage<VerdictBatch>(&arena);
            if (!reader->Read(batch)) break;
            for (const auto &v : batch->verdicts()) body(v);
            arena.Reset();
        }
        reader->Finish();
        return;
    }
    auto reader = stub->StreamVerdicts(&ctx, StreamRequest{});
    reader->WaitForInitialMetadata();
    ready++;
    Verdict v;
    while (reader->Read(&v)) body(v);
    reader->Finish();
}

// Reads StreamVerdictBatches as bytes and gives `body` each verdict's
// sequence and gap marker, skipping its other fields unparsed: what the
// sensor delivers, without the cost of parsing every field on these same
// two CPUs.
template <typename Body>
void subscribe_sequences(const std::string &socket, double seconds, std::atomic<int> &ready, Body body) {
    using google::protobuf::io::CodedInputStream;
    using google::protobuf::internal::WireFormatLite;
    auto ch = channel(socket);
    grpc::ClientContext ctx;
    ctx.set_deadline(system_clock::now() + milliseconds(int64_t(seconds * 1000)));
    const grpc::internal::RpcMethod method("/crowsnest.v1.Sensor/StreamVerdictBatches",
                                           grpc::internal::RpcMethod::SERVER_STREAMING, ch);
    std::unique_ptr<grpc::ClientReader<grpc::ByteBuffer>> reader(
        grpc::internal::ClientReaderFactory<grpc::ByteBuffer>::Create(ch.get(), method, &ctx, StreamRequest{}));
    reader->WaitForInitialMetadata();
    ready++;
    grpc::ByteBuffer buffer;
    grpc::Slice slice;
    crowsnest::v1::Gap gap;
    while (reader->Read(&buffer)) {
        if (!buffer.DumpToSingleSlice(&slice).ok()) break;
        CodedInputStream batch(slice.begin(), int(slice.size()));
        uint32_t length = 0;
        while (batch.ReadTag() == WireFormatLite::MakeTag(1, WireFormatLite::WIRETYPE_LENGTH_DELIMITED) &&
               batch.ReadVarint32(&length)) {
            const auto limit = batch.PushLimit(int(length));
            uint64_t sequence = 0;
            bool is_gap = false;
            for (uint32_t tag; (tag = batch.ReadTag()) != 0;) {
                if (tag == WireFormatLite::MakeTag(11, WireFormatLite::WIRETYPE_VARINT)) {
                    batch.ReadVarint64(&sequence);
                } else if (tag == WireFormatLite::MakeTag(12, WireFormatLite::WIRETYPE_LENGTH_DELIMITED)) {
                    uint32_t n = 0;
                    std::string bytes;
                    is_gap = batch.ReadVarint32(&n) && batch.ReadString(&bytes, int(n)) && gap.ParseFromString(bytes);
                } else if (!WireFormatLite::SkipField(&batch, tag)) {
                    break;
                }
            }
            batch.PopLimit(limit);
            body(sequence, is_gap ? &gap : nullptr);
        }
    }
    reader->Finish();
}

int latency(const std::string &socket, double seconds) {
    std::vector<double> ms;
    uint64_t lost = 0;
    std::atomic<int> ready{0};
    std::thread t([&] {
        subscribe(socket, seconds, false, ready, [&](const Verdict &v) {
            if (v.has_gap()) {
                lost += v.gap().missed();
                return;
            }
            const int64_t sent = v.time().seconds() * 1000000000LL + v.time().nanos();
            ms.push_back(double(wall_ns() - sent) / 1e6);
        });
    });
    while (!ready) std::this_thread::sleep_for(milliseconds(10));
    std::fprintf(stderr, "bench_stream: subscribed\n");
    t.join();
    if (ms.empty()) {
        std::printf("latency n=0\n");
        return 1;
    }
    std::sort(ms.begin(), ms.end());
    auto pct = [&](double p) { return ms[std::min(ms.size() - 1, size_t(p * double(ms.size())))]; };
    std::printf("latency n=%zu p50_ms=%.3f p99_ms=%.3f max_ms=%.3f lost=%llu\n", ms.size(), pct(0.50), pct(0.99),
                ms.back(), (unsigned long long)lost);
    return 0;
}

int fanout(const std::string &socket, int n, double seconds, const std::string &how) {
    // holes: sequences skipped with no gap marker for them (must stay 0)
    struct Count {
        uint64_t got = 0, lost = 0, holes = 0, sequence = 0;
        int64_t first = 0, last = 0;
    };
    std::vector<Count> counts(static_cast<size_t>(n));
    std::vector<std::thread> threads;
    std::atomic<int> ready{0};
    for (int i = 0; i < n; i++)
        threads.emplace_back([&, i] {
            Count &c = counts[size_t(i)];
            auto seen = [&c](uint64_t sequence, const crowsnest::v1::Gap *gap) {
                if (gap) {
                    c.lost += gap->missed();
                    c.sequence = gap->last_sequence();
                    return;
                }
                if (c.sequence && sequence > c.sequence + 1) c.holes += sequence - c.sequence - 1;
                c.sequence = sequence;
                c.last = wall_ns();
                if (!c.got++) c.first = c.last;
            };
            if (how == "sequences") {
                subscribe_sequences(socket, seconds, ready, seen);
                return;
            }
            subscribe(socket, seconds, how == "batches", ready,
                      [&](const Verdict &v) { seen(v.sequence(), v.has_gap() ? &v.gap() : nullptr); });
        });
    while (ready < n) std::this_thread::sleep_for(milliseconds(10));
    std::fprintf(stderr, "bench_stream: %d subscribed\n", n);
    for (auto &t : threads) t.join();
    uint64_t got = 0, lost = 0, holes = 0, min_got = UINT64_MAX;
    int64_t first = INT64_MAX, last = 0;
    for (const auto &c : counts) {
        got += c.got;
        lost += c.lost;
        holes += c.holes;
        min_got = std::min(min_got, c.got);
        if (c.got) first = std::min(first, c.first), last = std::max(last, c.last);
    }
    const double span = last > first ? double(last - first) / 1e9 : 0;
    std::printf("fanout subscribers=%d received=%llu min_per_subscriber=%llu lost=%llu holes=%llu span_s=%.3f "
                "delivered_per_s=%.0f per_subscriber_per_s=%.0f\n",
                n, (unsigned long long)got, (unsigned long long)min_got, (unsigned long long)lost,
                (unsigned long long)holes, span,
                span > 0 ? double(got) / span : 0, span > 0 ? double(got) / span / n : 0);
    return 0;
}

// Calls `act` on an open-loop schedule of `rate` per second for `seconds`.
template <typename Act>
uint64_t open_loop(double rate, double seconds, Act act) {
    const auto start = steady_clock::now();
    const auto end = start + milliseconds(int64_t(seconds * 1000));
    uint64_t done = 0;
    for (auto now = start; now < end; now = steady_clock::now()) {
        const uint64_t due = uint64_t(duration<double>(now - start).count() * rate);
        for (; done < due; done++) act();
        std::this_thread::sleep_for(microseconds(200));
    }
    return done;
}

int exec_load(const char *path, double rate, double seconds) {
    char *const argv[] = {const_cast<char *>(path), nullptr};
    uint64_t failed = 0;
    const uint64_t n = open_loop(rate, seconds, [&] {
        pid_t pid;
        if (posix_spawn(&pid, path, nullptr, nullptr, argv, environ) != 0) failed++;
        while (waitpid(-1, nullptr, WNOHANG) > 0) {
        }
    });
    while (wait(nullptr) > 0) {
    }
    std::printf("exec-load issued=%llu failed=%llu\n", (unsigned long long)n, (unsigned long long)failed);
    return 0;
}

int open_load(const char *path, double rate, double seconds) {
    const uint64_t n = open_loop(rate, seconds, [&] {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) close(fd);
    });
    std::printf("open-load issued=%llu\n", (unsigned long long)n);
    return 0;
}

}  // namespace

int main(int argc, char **argv) {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "latency" && argc == 4) return latency(argv[2], std::atof(argv[3]));
    const std::string how = argc == 6 ? argv[5] : "";
    if (mode == "fanout" && (how == "messages" || how == "batches" || how == "sequences"))
        return fanout(argv[2], std::atoi(argv[3]), std::atof(argv[4]), how);
    if (mode == "exec-load" && argc == 5) return exec_load(argv[2], std::atof(argv[3]), std::atof(argv[4]));
    if (mode == "open-load" && argc == 5) return open_load(argv[2], std::atof(argv[3]), std::atof(argv[4]));
    std::fprintf(stderr, "usage: see the top of scripts/bench_stream.cpp\n");
    return 2;
}
