// The gRPC API end to end: the real binary serves real verdicts of real
// runc containers to real gRPC clients, over its Unix socket and over TCP
// with mutual TLS.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <signal.h>

#include <fstream>
#include <future>
#include <set>
#include <sstream>

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include "grpc_client.h"
#include "harness.h"

using namespace crowsnest;
using namespace crowsnest::test;
using namespace std::chrono_literals;

namespace {




// Starts a miner-named program in the container, without a shell: one
// verdict. Each run has arguments of its own: identical verdicts (the same
// command line) would be aggregated.
void run_miner(RuncContainer &c) {
    static int run = 0;
    REQUIRE(c.run({"/bin/xmrig", "--help", "run-" + std::to_string(++run)}) >= 0);
}

std::function<bool(const v1::Verdict &)> miner_in(const std::string &id) {
    return [id](const v1::Verdict &v) { return v.rule() == "crypto_miner_binary" && v.container().id() == id; };
}

v1::Status get_status(const std::shared_ptr<grpc::Channel> &ch) {
    v1::Status st;
    grpc::ClientContext ctx;
    REQUIRE(v1::Sensor::NewStub(ch)->GetStatus(&ctx, {}, &st).ok());
    return st;
}

// Verdicts of the container, without gap markers, by sequence.
std::vector<v1::Verdict> of_container(const std::vector<v1::Verdict> &all, const std::string &id) {
    std::vector<v1::Verdict> out;
    for (const auto &v : all)
        if (!v.has_gap() && v.container().id() == id) out.push_back(v);
    return out;
}

}  // namespace

TEST_CASE("grpc: a client on the root-only Unix socket gets the verdict of a real container event, as printed",
          "[integration][grpc]") {
    const std::string sock = temp_dir() + "/run/crowsnest.sock";  // the directory is created
    SensorProcess sensor;
    START_SENSOR(sensor, "--grpc-socket", sock);
    struct stat st{};
    REQUIRE(stat(sock.c_str(), &st) == 0);
    CHECK(S_ISSOCK(st.st_mode));
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(st.st_uid == 0);

    auto ch = unix_channel(sock);
    VerdictStream stream(ch, {});
    REQUIRE(stream.wait_subscribed());
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .extra_links = {"xmrig"}}));
    run_miner(c);

    v1::Verdict streamed, printed;
    REQUIRE(stream.wait_verdict(miner_in(id), &streamed));
    REQUIRE(sensor.wait_verdict(miner_in(id), &printed));
    CHECK(streamed.sequence() > 0);
    CHECK(streamed.severity() == "critical");
    CHECK(streamed.process().exe() == "/bin/xmrig");
    // one schema: the stream carries exactly the message printed as JSON
    CHECK(google::protobuf::util::MessageDifferencer::Equals(streamed, printed));

    v1::Status status;
    for (int i = 0; i < 50; i++) {  // the engine publishes its counters every 50 ms
        status = get_status(ch);
        if (status.verdicts().count("miner")) break;
        std::this_thread::sleep_for(20ms);
    }
    CHECK(status.version() == CROWSNEST_VERSION);
    CHECK(status.rules_loaded() > 10);
    CHECK(status.verdicts().at("miner") >= 1);
    CHECK(status.events().at("exec") >= 1);
    CHECK(status.last_verdict_sequence() >= streamed.sequence());
    REQUIRE(status.subscribers_size() == 1);
    CHECK(status.subscribers(0).stream() == "verdicts");
    CHECK(status.subscribers(0).sent() >= 1);
    CHECK(status.subscribers(0).dropped() == 0);

    v1::ListRulesResponse rules;
    grpc::ClientContext ctx;
    REQUIRE(v1::Sensor::NewStub(ch)->ListRules(&ctx, {}, &rules).ok());
    CHECK(uint64_t(rules.rules_size()) == status.rules_loaded());
    CHECK(std::any_of(rules.rules().begin(), rules.rules().end(), [](const v1::Rule &r) {
        return r.name() == "crypto_miner_binary" && r.category() == "miner" && r.severity() == "critical";
    }));

    // a client that goes away is forgotten
    stream.stop();
    bool gone = false;
    for (int i = 0; i < 100 && !gone; i++, std::this_thread::sleep_for(20ms)) gone = get_status(ch).subscribers_size() == 0;
    CHECK(gone);
}

TEST_CASE("grpc: a bad filter is refused naming the field", "[integration][grpc]") {
    const std::string sock = temp_dir() + "/crowsnest.sock";
    SensorProcess sensor;
    START_SENSOR(sensor, "--grpc-socket", sock);
    v1::StreamRequest req;
    req.add_allow()->set_min_severity("severe");
    VerdictStream stream(unix_channel(sock), req);
    REQUIRE(stream.wait_ended());
    const auto status = stream.stop();
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(status.error_message().find("allow[0].min_severity") != std::string::npos);
}

TEST_CASE("grpc: each stream filter selects its verdicts", "[integration][grpc]") {
    const std::string sock = temp_dir() + "/crowsnest.sock";
    SensorProcess sensor;
    START_SENSOR(sensor, "--grpc-socket", sock);
    const std::string id = random_container_id(), pod = random_uuid();

    struct Case {
        std::string name;
        v1::StreamRequest req;
        std::set<std::string> rules;  // expected, from this container
    };
    std::vector<Case> cases(11);
    cases[0] = {"no filter", {}, {"crypto_miner_binary", "network_tool_in_container"}};
    cases[1].name = "category";
    cases[1].req.add_allow()->add_categories("miner");
    cases[1].rules = {"crypto_miner_binary"};
    cases[2].name = "min severity";
    cases[2].req.add_allow()->set_min_severity("high");
    cases[2].rules = {"crypto_miner_binary"};
    cases[3].name = "rule name";
    cases[3].req.add_allow()->add_rules("network_tool_in_container");
    cases[3].rules = {"network_tool_in_container"};
    cases[4].name = "event type";
    cases[4].req.add_allow()->add_event_types("connect");
    cases[5].name = "short container id";
    cases[5].req.add_allow()->add_container_ids(id.substr(0, 12));
    cases[5].rules = cases[0].rules;
    cases[6].name = "another container";
    cases[6].req.add_allow()->add_container_ids(random_container_id());
    cases[7].name = "pod uid";
    cases[7].req.add_allow()->add_pod_uids(pod);
    cases[7].rules = cases[0].rules;
    cases[8].name = "process name";
    cases[8].req.add_allow()->add_process_names("nc");
    cases[8].rules = {"network_tool_in_container"};
    cases[9].name = "deny process name";
    cases[9].req.add_deny()->add_process_names("xmrig");
    cases[9].rules = {"network_tool_in_container"};
    cases[10].name = "allow category, deny pod";
    cases[10].req.add_allow()->add_categories("miner");
    cases[10].req.add_deny()->add_pod_uids(pod);

    auto ch = unix_channel(sock);
    std::vector<std::unique_ptr<VerdictStream>> streams;
    for (auto &c : cases) {
        streams.push_back(std::make_unique<VerdictStream>(ch, c.req));
        REQUIRE(streams.back()->wait_subscribed());
    }
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = "/kubepods/besteffort/pod" + pod + "/" + id,
                                      .extra_links = {"xmrig"}}));
    run_miner(c);
    REQUIRE(c.run({"/bin/nc", "-z", "127.0.0.1", "1"}) >= 0);
    REQUIRE(sensor.wait_verdict([&](const v1::Verdict &v) {
        return v.rule() == "network_tool_in_container" && v.container().id() == id;
    }));
    // every stream has had the time to get what the fastest got
    REQUIRE(streams[0]->wait_count(2));
    std::this_thread::sleep_for(300ms);
    for (size_t i = 0; i < cases.size(); i++) {
        INFO("filter: " << cases[i].name);
        std::set<std::string> got;
        for (const auto &v : of_container(streams[i]->received(), id)) got.insert(v.rule());
        CHECK(got == cases[i].rules);
    }
}

TEST_CASE("grpc: a resumed subscription gets exactly the verdicts it missed", "[integration][grpc]") {
    const std::string sock = temp_dir() + "/crowsnest.sock";
    SensorProcess sensor;
    START_SENSOR(sensor, "--grpc-socket", sock);
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .extra_links = {"xmrig"}}));
    auto ch = unix_channel(sock);

    v1::Verdict last_seen;
    {
        VerdictStream first(ch, {});
        REQUIRE(first.wait_subscribed());
        run_miner(c);
        REQUIRE(first.wait_verdict(miner_in(id), &last_seen));
    }  // disconnected
    for (int i = 0; i < 3; i++) run_miner(c);
    REQUIRE(sensor.wait_verdict([&](const v1::Verdict &v) { return v.sequence() == last_seen.sequence() + 3; }));

    v1::StreamRequest req;
    req.set_after_sequence(last_seen.sequence());
    VerdictStream resumed(ch, req);
    REQUIRE(resumed.wait_count(3));
    run_miner(c);  // and then live ones, in order
    REQUIRE(resumed.wait_count(4));
    std::this_thread::sleep_for(200ms);
    const auto got = resumed.received();
    REQUIRE(got.size() == 4);
    for (size_t i = 0; i < got.size(); i++) {
        CHECK_FALSE(got[i].has_gap());
        CHECK(got[i].sequence() == last_seen.sequence() + 1 + i);
        CHECK(miner_in(id)(got[i]));
    }
}

TEST_CASE("grpc: resuming after verdicts the server no longer keeps starts with a gap marker", "[integration][grpc]") {
    const std::string sock = temp_dir() + "/crowsnest.sock";
    SensorProcess sensor;
    START_SENSOR(sensor, "--grpc-socket", sock, "--keep-verdicts", "2");
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .extra_links = {"xmrig"}}));
    for (int i = 0; i < 5; i++) run_miner(c);
    REQUIRE(sensor.wait_verdict([](const v1::Verdict &v) { return v.sequence() == 5; }));

    v1::StreamRequest req;
    req.set_after_sequence(1);
    VerdictStream resumed(unix_channel(sock), req);
    REQUIRE(resumed.wait_count(3));
    std::this_thread::sleep_for(200ms);
    const auto got = resumed.received();
    REQUIRE(got.size() == 3);
    REQUIRE(got[0].has_gap());
    CHECK(got[0].gap().reason() == v1::Gap::RESUME_TOO_OLD);
    CHECK(got[0].gap().missed() == 2);
    CHECK(got[0].gap().first_sequence() == 2);
    CHECK(got[0].gap().last_sequence() == 3);
    CHECK(got[0].rule().empty());
    CHECK(got[1].sequence() == 4);
    CHECK(got[2].sequence() == 5);
}

TEST_CASE("grpc: TCP needs a client certificate from the configured CA", "[integration][grpc]") {
    if (!have_tool("openssl")) SKIP_OR_FAIL("openssl is needed to make test certificates");
    TestCertificates certs;
    std::string error;
    REQUIRE(make_test_certificates(certs, error));
    const std::string addr = "127.0.0.1:" + std::to_string(unused_loopback_port());
    SensorProcess sensor;
    START_SENSOR(sensor, "--grpc-socket", "none", "--listen", addr, "--tls-cert", certs.server_cert_path(),
                 "--tls-key", certs.server_key_path(), "--tls-client-ca", certs.ca_path());

    SECTION("a client certificate signed by the CA: verdicts flow") {
        VerdictStream stream(tls_channel(addr, certs.ca, certs.client_cert, certs.client_key), {});
        REQUIRE(stream.wait_subscribed());
        const std::string id = random_container_id();
        RuncContainer c;
        START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .extra_links = {"xmrig"}}));
        run_miner(c);
        CHECK(stream.wait_verdict(miner_in(id)));
    }
    SECTION("no client certificate: refused") {
        VerdictStream stream(tls_channel(addr, certs.ca), {});
        REQUIRE(stream.wait_ended());
        CHECK(stream.stop().error_code() == grpc::StatusCode::UNAVAILABLE);
    }
    SECTION("a certificate from another CA: refused") {
        VerdictStream stream(tls_channel(addr, certs.ca, certs.other_cert, certs.other_key), {});
        REQUIRE(stream.wait_ended());
        CHECK(stream.stop().error_code() == grpc::StatusCode::UNAVAILABLE);
    }
    SECTION("plaintext: refused") {
        VerdictStream stream(grpc::CreateChannel(addr, grpc::InsecureChannelCredentials()), {});
        REQUIRE(stream.wait_ended());
        CHECK(stream.stop().error_code() == grpc::StatusCode::UNAVAILABLE);
    }
}

TEST_CASE("grpc: 100 concurrent subscribers all receive the same verdicts", "[integration][grpc]") {
    const std::string sock = temp_dir() + "/crowsnest.sock";
    SensorProcess sensor;
    START_SENSOR(sensor, "--grpc-socket", sock);
    auto ch = unix_channel(sock);
    std::vector<std::unique_ptr<VerdictStream>> streams;
    for (int i = 0; i < 100; i++) streams.push_back(std::make_unique<VerdictStream>(ch, v1::StreamRequest{}));
    for (auto &s : streams) REQUIRE(s->wait_subscribed());
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .extra_links = {"xmrig"}}));
    for (int i = 0; i < 3; i++) run_miner(c);
    std::vector<v1::Verdict> printed;
    REQUIRE(sensor.wait_verdict([&](const v1::Verdict &v) {
        if (miner_in(id)(v)) printed.push_back(v);
        return printed.size() == 3;
    }));
    for (auto &s : streams) {
        REQUIRE(s->wait_verdict([&](const v1::Verdict &v) { return v.sequence() == printed.back().sequence(); }));
        const auto got = of_container(s->received(), id);
        REQUIRE(got.size() == 3);
        for (size_t i = 0; i < 3; i++) CHECK(google::protobuf::util::MessageDifferencer::Equals(got[i], printed[i]));
    }
}

TEST_CASE("grpc: a stalled subscriber loses verdicts, counted, and does not hold back a fast one",
          "[integration][grpc]") {
    const std::string sock = temp_dir() + "/crowsnest.sock";
    SensorProcess sensor;
    // every verdict sent one by one: the test counts them
    START_SENSOR(sensor, "--grpc-socket", sock, "--subscriber-queue", "64", "--verdict-window", "0");
    auto ch = unix_channel(sock);
    // the stalled client opens its stream and reads nothing until the end
    grpc::ClientContext stalled_ctx;
    auto stalled_stub = v1::Sensor::NewStub(stingy_unix_channel(sock));
    auto stalled = stalled_stub->StreamVerdicts(&stalled_ctx, {});
    stalled->WaitForInitialMetadata();
    VerdictStream fast(ch, {});
    REQUIRE(fast.wait_subscribed());

    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .extra_links = {"xmrig"}}));
    constexpr int kMiners = 1000;
    REQUIRE(c.exec("i=0; while [ $i -lt " + std::to_string(kMiners) + " ]; do /bin/xmrig; i=$((i+1)); done") >= 0);

    // the fast client has every one of them, without a gap
    REQUIRE(fast.wait_verdict([&, n = 0](const v1::Verdict &v) mutable { return miner_in(id)(v) && ++n == kMiners; },
                              nullptr, 30s));
    for (const auto &v : fast.received()) CHECK_FALSE(v.has_gap());

    uint64_t stalled_dropped = 0, fast_dropped = 1;
    for (int i = 0; i < 50; i++, std::this_thread::sleep_for(20ms)) {
        const v1::Status status = get_status(ch);
        for (const auto &s : status.subscribers()) {
            if (s.id() == 1) stalled_dropped = s.dropped();
            if (s.id() == 2) fast_dropped = s.dropped();
        }
        if (stalled_dropped) break;
    }
    CHECK(stalled_dropped > 0);
    CHECK(fast_dropped == 0);

    // the stalled client, reading at last: what it got plus what its gap
    // markers say it lost is everything the sensor printed
    const uint64_t printed = sensor.verdicts().size();
    uint64_t verdicts = 0, missed = 0, markers = 0;
    v1::Verdict v;
    while (verdicts + missed < printed && stalled->Read(&v)) {
        if (v.has_gap()) {
            CHECK(v.gap().reason() == v1::Gap::SLOW_SUBSCRIBER);
            missed += v.gap().missed();
            markers++;
        } else {
            verdicts++;
        }
    }
    CHECK(markers >= 1);
    CHECK(missed == stalled_dropped);
    CHECK(verdicts + missed == printed);
    stalled_ctx.TryCancel();
    stalled->Finish();
}

TEST_CASE("grpc: the batched stream carries the same verdicts in fewer messages, filtered, with its losses marked",
          "[integration][grpc]") {
    const std::string sock = temp_dir() + "/crowsnest.sock";
    SensorProcess sensor;
    // every verdict sent one by one: the test counts them
    START_SENSOR(sensor, "--grpc-socket", sock, "--subscriber-queue", "64", "--verdict-window", "0");
    auto ch = unix_channel(sock);
    VerdictStream one_by_one(ch, {});
    VerdictStream batched(ch, {}, VerdictStream::Rpc::VerdictBatches);
    v1::StreamRequest only_drift;
    only_drift.add_allow()->add_categories("drift");
    VerdictStream batched_drift(ch, only_drift, VerdictStream::Rpc::VerdictBatches);
    // a batched client that reads nothing until the end
    grpc::ClientContext stalled_ctx;
    auto stalled_stub = v1::Sensor::NewStub(stingy_unix_channel(sock));
    auto stalled = stalled_stub->StreamVerdictBatches(&stalled_ctx, {});
    stalled->WaitForInitialMetadata();
    for (auto *s : {&one_by_one, &batched, &batched_drift}) REQUIRE(s->wait_subscribed());

    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .extra_links = {"xmrig"}}));
    constexpr int kMiners = 300;
    REQUIRE(c.exec("i=0; while [ $i -lt " + std::to_string(kMiners) + " ]; do /bin/xmrig; i=$((i+1)); done") >= 0);
    REQUIRE(one_by_one.wait_verdict([&, n = 0](const v1::Verdict &v) mutable { return miner_in(id)(v) && ++n == kMiners; },
                                    nullptr, 30s));
    const auto last = of_container(one_by_one.received(), id).back().sequence();
    REQUIRE(batched.wait_verdict([&](const v1::Verdict &v) { return v.sequence() == last; }, nullptr, 30s));

    // the same verdicts, in the same order, with nothing lost
    const auto expected = one_by_one.received(), got = batched.received();
    REQUIRE(got.size() == expected.size());
    for (size_t i = 0; i < got.size(); i++) {
        CHECK_FALSE(got[i].has_gap());
        CHECK(google::protobuf::util::MessageDifferencer::Equals(got[i], expected[i]));
    }
    // the filter applies as on the single stream: no miner verdict passes
    for (const auto &v : batched_drift.received()) CHECK(v.category() == "drift");

    // the stalled client: what it got plus what its gap markers say it lost
    // is everything the sensor printed, and what had waited came in batches
    // of many (a verdict at a time when a stream keeps up)
    const uint64_t printed = sensor.verdicts().size();
    uint64_t verdicts = 0, missed = 0, markers = 0, batches = 0;
    v1::VerdictBatch b;
    while (verdicts + missed < printed && stalled->Read(&b)) {
        batches++;
        for (const auto &v : b.verdicts()) {
            if (v.has_gap()) {
                CHECK(v.gap().reason() == v1::Gap::SLOW_SUBSCRIBER);
                missed += v.gap().missed();
                markers++;
            } else {
                verdicts++;
            }
        }
    }
    CHECK(missed > 0);
    CHECK(verdicts + missed == printed);
    CHECK(batches < verdicts + markers);
    stalled_ctx.TryCancel();
    stalled->Finish();
}

TEST_CASE("grpc: the standard health service and server reflection answer", "[integration][grpc]") {
    const std::string sock = temp_dir() + "/crowsnest.sock";
    SensorProcess sensor;
    START_SENSOR(sensor, "--grpc-socket", sock);
    auto ch = unix_channel(sock);
    CHECK(health_check(ch, "") == 1);  // SERVING
    const std::string services = reflection_list_services(ch);
    CHECK(services.find("crowsnest.v1.Sensor") != std::string::npos);
    CHECK(services.find("grpc.health.v1.Health") != std::string::npos);
}

TEST_CASE("grpc: plaintext TCP only when asked for, with a warning", "[integration][grpc]") {
    const std::string addr = "127.0.0.1:" + std::to_string(unused_loopback_port());
    SensorProcess sensor;
    START_SENSOR(sensor, "--grpc-socket", "none", "--insecure-listen", addr);
    auto ch = grpc::CreateChannel(addr, grpc::InsecureChannelCredentials());
    CHECK(health_check(ch, "") == 1);
    CHECK(sensor.stop().find("WARNING: gRPC without TLS") != std::string::npos);
}

TEST_CASE("grpc: an event stream carries the container's events, filtered", "[integration][grpc]") {
    const std::string sock = temp_dir() + "/crowsnest.sock";
    SensorProcess sensor;
    START_SENSOR(sensor, "--grpc-socket", sock);
    const std::string id = random_container_id();
    v1::StreamRequest req;
    auto *allow = req.add_allow();
    allow->add_container_ids(id);
    allow->add_event_types("open");
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    auto stub = v1::Sensor::NewStub(unix_channel(sock));
    auto reader = stub->StreamEvents(&ctx, req);
    reader->WaitForInitialMetadata();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id)}));
    REQUIRE(c.run({"/bin/cat", "/etc/hostname"}) == 0);
    v1::Event e;
    bool found = false;
    while (!found && reader->Read(&e)) {
        CHECK(e.container().id() == id);
        CHECK(e.event().type() == "open");
        CHECK(e.sequence() > 0);
        found = e.event().path() == "/etc/hostname";
    }
    CHECK(found);
    ctx.TryCancel();
    reader->Finish();
}

TEST_CASE("grpc: ReloadRules and SIGHUP swap the rules, and a bad file keeps the running ones", "[integration][grpc]") {
    const std::string dir = temp_dir(), sock = dir + "/crowsnest.sock", rules = dir + "/rules";
    mkdir(rules.c_str(), 0700);
    auto rule = [](const std::string &name, const std::string &category, const std::string &binary) {
        return "- rule: " + name + "\n  desc: test\n  priority: ERROR\n  tags: [" + category + ", T0000]\n"
               "  condition: evt.type = execve and evt.failed = false and container.id != host and proc.name = " +
               binary + "\n  output: \"" + name + " %proc.exe\"\n";
    };
    auto write = [&](const std::string &text) { std::ofstream(rules + "/test.yaml") << text; };
    write(rule("first_rule", "miner", "xmrig"));
    SensorProcess sensor;
    START_SENSOR(sensor, "--grpc-socket", sock, "--rules", rules);
    auto ch = unix_channel(sock);
    auto stub = v1::Sensor::NewStub(ch);
    auto list = [&] {
        v1::ListRulesResponse r;
        grpc::ClientContext ctx;
        REQUIRE(stub->ListRules(&ctx, {}, &r).ok());
        std::vector<std::string> names;
        for (const auto &x : r.rules()) names.push_back(x.name());
        return names;
    };
    auto reload = [&] {
        v1::ReloadRulesResponse r;
        grpc::ClientContext ctx;
        REQUIRE(stub->ReloadRules(&ctx, {}, &r).ok());
        return r;
    };
    CHECK(list() == std::vector<std::string>{"first_rule"});

    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .extra_links = {"xmrig"}}));
    VerdictStream stream(ch, {});
    REQUIRE(stream.wait_subscribed());
    auto fired = [&](const std::string &name) {
        return [&, name](const v1::Verdict &v) { return v.rule() == name && v.container().id() == id; };
    };

    write(rule("first_rule", "miner", "xmrig") + rule("second_rule", "scanner", "nc"));
    auto ok = reload();
    CHECK(ok.ok());
    CHECK(ok.rules_loaded() == 2);
    CHECK(list() == std::vector<std::string>{"first_rule", "second_rule"});
    REQUIRE(c.run({"/bin/nc", "-z", "127.0.0.1", "1"}) >= 0);
    CHECK(stream.wait_verdict(fired("second_rule")));

    write("- rule: broken\n  desc: test\n  priority: ERROR\n  condition: proc.nosuch = 1\n  output: x\n");
    auto bad = reload();
    CHECK_FALSE(bad.ok());
    REQUIRE(bad.errors_size() >= 1);
    CHECK(bad.errors(0).find(rules + "/test.yaml:") == 0);
    CHECK(list() == std::vector<std::string>{"first_rule", "second_rule"});
    run_miner(c);
    CHECK(stream.wait_verdict(fired("first_rule")));

    write(rule("third_rule", "miner", "xmrig"));
    REQUIRE(kill(sensor.pid(), SIGHUP) == 0);
    bool swapped = false;
    for (int i = 0; i < 100 && !swapped; i++, std::this_thread::sleep_for(20ms))
        swapped = list() == std::vector<std::string>{"third_rule"};
    CHECK(swapped);
    run_miner(c);
    CHECK(stream.wait_verdict(fired("third_rule")));
}

namespace {

// The names of "  name value" lines at the start of `text`, up to the first
// line of another shape.
std::vector<std::string> counter_names(const std::string &text) {
    std::vector<std::string> names;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::string name, value, extra;
        if (line.rfind("  ", 0) != 0 || !(words >> name >> value) || (words >> extra) ||
            value.find_first_not_of("0123456789") != std::string::npos)
            break;
        names.push_back(name);
    }
    return names;
}

}  // namespace

TEST_CASE("cli: crowsnest watch prints the verdict line or its JSON, crowsnest status the counters",
          "[integration][grpc]") {
    const std::string sock = temp_dir() + "/crowsnest.sock";
    SensorProcess sensor;
    START_SENSOR(sensor, "--grpc-socket", sock, "--node-name", "node-7");
    auto ch = unix_channel(sock);
    const std::string cli = std::string(CROWSNEST_BINARY) + " ";
    // this container's: a miner elsewhere on the host (another test's) is not the one printed
    const std::string id = random_container_id();
    auto watch = std::async(std::launch::async, [&] {
        std::string out;
        run_shell(cli + "watch --socket " + sock + " --category miner --container " + id + " --no-color -n 1", &out);
        return out;
    });
    bool subscribed = false;
    for (int i = 0; i < 250 && !subscribed; i++, std::this_thread::sleep_for(20ms))
        subscribed = get_status(ch).subscribers_size() == 1;
    REQUIRE(subscribed);
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .extra_links = {"xmrig"}}));
    run_miner(c);
    REQUIRE(watch.wait_for(10s) == std::future_status::ready);
    const std::string line = watch.get();
    // time, severity, rule, then the node and the container
    CHECK(line.find(" CRITICAL crypto_miner_binary node-7 " + id.substr(0, 12) + " xmrig[") != std::string::npos);
    CHECK(line.find("/bin/xmrig --help") != std::string::npos);

    v1::Verdict printed;
    REQUIRE(sensor.wait_verdict(miner_in(id), &printed));
    std::string json;
    REQUIRE(run_shell(cli + "watch --socket " + sock + " -o json -n 1 --resume " +
                          std::to_string(printed.sequence() - 1) + " 2>/dev/null",
                      &json) == 0);
    v1::Verdict parsed;
    REQUIRE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok());
    CHECK(google::protobuf::util::MessageDifferencer::Equals(parsed, printed));

    std::string status;
    for (int i = 0; i < 50 && status.find("verdicts.miner 1") == std::string::npos; i++) {
        status.clear();
        REQUIRE(run_shell(cli + "status --socket " + sock, &status) == 0);
    }
    CHECK(status.find("verdicts.miner 1") != std::string::npos);
    CHECK(status.find("crowsnest " CROWSNEST_VERSION) == 0);

    std::string refused;
    CHECK(run_shell(cli + "watch --socket " + sock + "-missing", &refused) == 1);

    // one counter table: the same names, in the same order, in GetStatus,
    // `crowsnest status` and the counters printed on stderr at exit
    std::vector<std::string> from_rpc;
    const v1::Status last_status = get_status(ch);
    for (const auto &counter : last_status.counters()) from_rpc.push_back(counter.name());
    const std::string err = sensor.stop();
    CHECK(counter_names(status.substr(status.find('\n') + 1)) == from_rpc);
    CHECK(counter_names(err.substr(err.find("crowsnest: counters\n") + 20)) == from_rpc);
    CHECK(from_rpc.size() > 10);
}

TEST_CASE("grpc: an independent client (Node.js @grpc/grpc-js) subscribes over mutual TLS and decodes verdicts",
          "[integration][grpc]") {
    if (!have_tool("node") || !have_tool("npm") || !have_tool("openssl"))
        SKIP_OR_FAIL("node, npm and openssl are needed (scripts/setup.sh --tests installs them)");
    const std::string modules = temp_dir();
    std::string out;
    if (run_shell("cd " + modules + " && npm install --no-audit --no-fund --silent @grpc/grpc-js@1 @grpc/proto-loader@0",
                  &out) != 0)
        SKIP_OR_FAIL("npm install @grpc/grpc-js @grpc/proto-loader failed: " << out);
    TestCertificates certs;
    std::string error;
    REQUIRE(make_test_certificates(certs, error));
    const std::string addr = "127.0.0.1:" + std::to_string(unused_loopback_port());
    SensorProcess sensor;
    START_SENSOR(sensor, "--grpc-socket", "none", "--listen", addr, "--tls-cert", certs.server_cert_path(),
                 "--tls-key", certs.server_key_path(), "--tls-client-ca", certs.ca_path());
    const std::string id = random_container_id();
    auto node = std::async(std::launch::async, [&] {
        std::string output;
        const int rc = run_shell("NODE_PATH=" + modules + "/node_modules node " CROWSNEST_SOURCE_DIR
                                 "/tests/interop/node_client.js " + addr + " " CROWSNEST_SOURCE_DIR
                                 "/proto/crowsnest.proto " + certs.ca_path() + " " + certs.dir + "/client.crt " +
                                 certs.dir + "/client.key " + id,
                                 &output);
        return std::make_pair(rc, output);
    });
    auto ch = tls_channel(addr, certs.ca, certs.client_cert, certs.client_key);
    bool subscribed = false;
    for (int i = 0; i < 500 && !subscribed; i++, std::this_thread::sleep_for(20ms))
        subscribed = get_status(ch).subscribers_size() == 1;
    REQUIRE(subscribed);
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .extra_links = {"xmrig"}}));
    // an argument that is not UTF-8: escaped on the way out, so this client decodes it too
    c.exec("exec /bin/xmrig \"$(printf 'x\\377\\033')\"");
    v1::Verdict printed;
    REQUIRE(sensor.wait_verdict(miner_in(id), &printed));
    REQUIRE(node.wait_for(20s) == std::future_status::ready);
    const auto [rc, output] = node.get();
    INFO(output);
    CHECK(rc == 0);
    CHECK(output.find("\"rule\":\"crypto_miner_binary\"") != std::string::npos);
    CHECK(output.find("\"x\\\\xff\\u001b\"") != std::string::npos);
    CHECK(output.find("\"sequence\":\"" + std::to_string(printed.sequence()) + "\"") != std::string::npos);
}

TEST_CASE("grpc: a second sensor does not take over a socket that is served, but replaces a stale one",
          "[integration][grpc]") {
    const std::string sock = temp_dir() + "/crowsnest.sock";
    {
        SensorProcess first;
        START_SENSOR(first, "--grpc-socket", sock);
        SensorProcess second;
        std::string error;
        CHECK_FALSE(second.start(CROWSNEST_BINARY, {"--grpc-socket", sock}, error));
        CHECK(error.find("another crowsnest (pid " + std::to_string(first.pid()) + ") holds " + sock + ".lock") !=
              std::string::npos);
        CHECK(health_check(unix_channel(sock), "") == 1);  // the first still serves
        kill(first.pid(), SIGKILL);                         // leaves its socket behind
        first.stop();
    }
    struct stat st{};
    REQUIRE(stat(sock.c_str(), &st) == 0);
    SensorProcess third;
    START_SENSOR(third, "--grpc-socket", sock);
    CHECK(health_check(unix_channel(sock), "") == 1);
}
