// The gRPC server in-process: real clients on a real Unix socket, while
// another thread plays the engine (publishing verdicts, updating the status
// board, taking reloaded rules). Run under ThreadSanitizer in CI.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <atomic>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "api/grpc_server.h"
#include "crowsnest.grpc.pb.h"
#include "test_util.h"

using namespace crowsnest;
using crowsnest::test::TempDir;
using crowsnest::test::write_file;

namespace {

struct Fixture {
    TempDir dir;
    VerdictHub verdicts{HubLimits{64, 1024}, "space-1"};
    EventHub events{HubLimits{64, 1024}};
    RuleStore rules{{dir / "r.yaml"}};
    StatusBoard status;
    std::unique_ptr<GrpcServer> server;
    std::unique_ptr<v1::Sensor::Stub> stub;

    Fixture() {
        write_file(dir / "r.yaml", "- rule: r\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: ERROR\n");
        std::vector<std::string> files, errors, warnings;
        auto compiled = rules.compile(files, errors, warnings);
        REQUIRE(compiled);
        rules.set_initial(compiled, files);
        ServerConfig config;
        config.socket = dir / "crowsnest.sock";
        std::string error;
        server = GrpcServer::start(config, {verdicts, events, rules, status, "test-instance"}, error);
        REQUIRE(server);
        stub = v1::Sensor::NewStub(grpc::CreateChannel("unix:" + config.socket, grpc::InsecureChannelCredentials()));
    }
};

v1::Verdict verdict(uint64_t seq) {
    v1::Verdict v;
    v.set_sequence(seq);
    v.set_rule("r");
    v.set_category(seq % 2 ? "miner" : "escape");
    v.set_severity("critical");
    return v;
}

}  // namespace

TEST_CASE("grpc server: the socket is the owner's alone") {
    Fixture f;
    struct stat st {};
    REQUIRE(stat((f.dir / "crowsnest.sock").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("grpc server: concurrent subscribers each get every verdict an engine thread publishes, in order") {
    Fixture f;
    constexpr int kClients = 4, kVerdicts = 500;
    std::atomic<int> subscribed{0};
    std::vector<std::thread> clients;
    std::vector<std::vector<uint64_t>> got(kClients);
    for (int c = 0; c < kClients; c++)
        clients.emplace_back([&, c] {
            grpc::ClientContext ctx;
            v1::StreamRequest req;
            if (c % 2) req.add_allow()->add_categories("miner");
            auto reader = f.stub->StreamVerdicts(&ctx, req);
            reader->WaitForInitialMetadata();
            subscribed++;
            v1::Verdict v;
            const size_t want = c % 2 ? kVerdicts / 2 : kVerdicts;
            while (got[c].size() < want && reader->Read(&v)) got[c].push_back(v.sequence());
            ctx.TryCancel();
        });
    while (subscribed < kClients || f.verdicts.stats().size() < size_t(kClients)) std::this_thread::yield();
    std::thread engine([&] {
        for (uint64_t s = 1; s <= kVerdicts; s++) f.verdicts.publish(verdict(s));
    });
    engine.join();
    for (auto &c : clients) c.join();
    for (int c = 0; c < kClients; c++) {
        INFO("client " << c);
        REQUIRE(got[c].size() == size_t(c % 2 ? kVerdicts / 2 : kVerdicts));
        for (size_t i = 0; i < got[c].size(); i++) CHECK(got[c][i] == (c % 2 ? 2 * i + 1 : i + 1));
    }
}

TEST_CASE("grpc server: a batch holds what waited, whole messages in order, at most 256 KiB unless one is larger") {
    Fixture f;
    // the 64 kept verdicts all wait for a client that resumes: its stream
    // takes them at once. 1-40 of 8 KiB each (320 KiB: two batches), 41 of
    // 300 KiB (a batch of its own), 42-64 small.
    for (uint64_t s = 1; s <= 64; s++) {
        v1::Verdict v = verdict(s);
        v.set_output(std::string(s <= 40 ? 8 << 10 : s == 41 ? 300 << 10 : 10, 'x'));
        f.verdicts.publish(v);
    }
    f.verdicts.wait_dispatched();
    grpc::ClientContext ctx;
    v1::StreamRequest req;
    req.set_after_sequence(0);
    auto reader = f.stub->StreamVerdictBatches(&ctx, req);
    std::vector<uint64_t> sequences;
    size_t batches = 0;
    v1::VerdictBatch b;
    while (sequences.size() < 64 && reader->Read(&b)) {
        batches++;
        INFO("batch " << batches << " of " << b.verdicts_size() << " verdicts, " << b.ByteSizeLong() << " bytes");
        CHECK((b.ByteSizeLong() <= (256u << 10) || b.verdicts_size() == 1));
        for (const auto &v : b.verdicts()) {
            CHECK(v.output().size() == (v.sequence() <= 40 ? 8u << 10 : v.sequence() == 41 ? 300u << 10 : 10u));
            sequences.push_back(v.sequence());
        }
    }
    ctx.TryCancel();
    REQUIRE(sequences.size() == 64);
    for (size_t i = 0; i < sequences.size(); i++) CHECK(sequences[i] == i + 1);
    CHECK(batches >= 4);  // 1-31 or so, the rest to 40, 41 alone, 42-64
    CHECK(batches <= 5);
}

TEST_CASE("grpc server: events come batched too") {
    Fixture f;
    for (uint64_t s = 1; s <= 3; s++) {
        v1::Event e;
        e.set_sequence(s);
        e.mutable_event()->set_type("open");
        f.events.publish(e);
    }
    f.events.wait_dispatched();
    grpc::ClientContext ctx;
    v1::StreamRequest req;
    req.set_after_sequence(0);
    auto reader = f.stub->StreamEventBatches(&ctx, req);
    v1::EventBatch b;
    REQUIRE(reader->Read(&b));
    ctx.TryCancel();
    REQUIRE(b.events_size() == 3);
    for (int i = 0; i < 3; i++) CHECK(b.events(i).sequence() == uint64_t(i + 1));
}

TEST_CASE("grpc server: GetStatus reads the counter table while the engine thread updates it") {
    Fixture f;
    std::atomic<bool> stop{false};
    std::thread engine([&] {
        for (uint64_t n = 0; !stop; n++) {
            EngineCounters e;
            e.events[size_t(EventType::Exec)] = n;
            f.status.update(counter_table(SensorCounters{}, e, 0, {}), {});
        }
    });
    uint64_t last = 0;
    for (int i = 0; i < 50; i++) {
        grpc::ClientContext ctx;
        v1::Status st;
        REQUIRE(f.stub->GetStatus(&ctx, {}, &st).ok());
        CHECK(st.rules_loaded() == 1);
        REQUIRE(st.counters_size() > 0);
        CHECK(st.counters(0).name() == "events.exec");
        CHECK(st.counters(0).value() >= last);  // never goes back
        CHECK(st.events().at("exec") == st.counters(0).value());
        last = st.counters(0).value();
    }
    stop = true;
    engine.join();
}

TEST_CASE("grpc server: ReloadRules returns once the engine thread has switched") {
    Fixture f;
    std::atomic<bool> stop{false};
    std::atomic<int> switches{0};
    std::thread engine([&] {
        while (!stop) {
            if (f.rules.take_pending()) switches++;
            std::this_thread::yield();
        }
    });
    for (int i = 0; i < 5; i++) {
        grpc::ClientContext ctx;
        v1::ReloadRulesResponse resp;
        REQUIRE(f.stub->ReloadRules(&ctx, {}, &resp).ok());
        CHECK(resp.ok());
    }
    stop = true;
    engine.join();
    CHECK(switches == 5);
}

TEST_CASE("grpc server: a bad filter is refused with INVALID_ARGUMENT naming the field") {
    Fixture f;
    grpc::ClientContext ctx;
    v1::StreamRequest req;
    req.add_allow()->set_min_severity("urgent");
    auto reader = f.stub->StreamVerdicts(&ctx, req);
    v1::Verdict v;
    CHECK_FALSE(reader->Read(&v));
    const auto status = reader->Finish();
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(status.error_message().find("allow[0].min_severity") != std::string::npos);
}

TEST_CASE("grpc server: a filter larger than the bounds is refused at once, naming the field") {
    Fixture f;
    grpc::ClientContext ctx;
    v1::StreamRequest req;
    auto *deny = req.add_deny();
    for (int i = 0; i < 350000; i++) deny->add_process_names("p" + std::to_string(i));
    const auto t0 = std::chrono::steady_clock::now();
    auto reader = f.stub->StreamEvents(&ctx, req);
    v1::Event e;
    CHECK_FALSE(reader->Read(&e));
    const auto status = reader->Finish();
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(status.error_message() == "deny[0].process_names: 350000 values, at most 1024");
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
}

TEST_CASE("grpc server: a stream tells its sequence space, GetStatus its instance") {
    Fixture f;
    grpc::ClientContext ctx;
    auto reader = f.stub->StreamVerdicts(&ctx, {});
    reader->WaitForInitialMetadata();
    const auto &headers = ctx.GetServerInitialMetadata();
    auto it = headers.find("crowsnest-sequence-space");
    REQUIRE(it != headers.end());
    CHECK(std::string(it->second.data(), it->second.size()) == f.verdicts.sequence_space());
    ctx.TryCancel();
    grpc::ClientContext status_ctx;
    v1::Status st;
    REQUIRE(f.stub->GetStatus(&status_ctx, {}, &st).ok());
    CHECK(st.instance_id() == "test-instance");
    CHECK(st.verdict_sequence_space() == "space-1");
}
