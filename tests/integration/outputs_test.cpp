// The alert outputs with real parts: a real rsyslogd over a local socket,
// UDP and TCP; HTTP receivers that play Falcosidekick, Elasticsearch's _bulk
// and a Slack webhook, and ones that fail. Verdicts come from real miners in
// real containers.
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "../unit/falcosidekick_check.h"
#include "harness.h"
#include "http_receiver.h"
#include "runtime_daemons.h"

using namespace crowsnest;
using namespace crowsnest::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

// A miner-named program in the container, with arguments of its own (the
// engine aggregates identical command lines).
void start_miner(RuncContainer &c, const std::string &tag = "") {
    static int run = 0;
    REQUIRE(c.run({"/bin/xmrig", "--help", "out-" + std::to_string(++run), tag}) >= 0);
}

uint64_t counter(const std::string &counters, const std::string &name) {
    std::smatch m;
    if (!std::regex_search(counters, m, std::regex("\\n  " + std::regex_replace(name, std::regex("\\."), "\\.") +
                                                   " (\\d+)")))
        return UINT64_MAX;
    return std::stoull(m[1]);
}

// Miner verdicts whose command line carries `tag`.
int tagged(const std::vector<v1::Verdict> &verdicts, const std::string &tag) {
    int n = 0;
    for (const auto &v : verdicts)
        for (const auto &a : v.process().args()) n += v.rule() == "crypto_miner_binary" && a == tag;
    return n;
}

template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 20s) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
        if (pred()) return true;
        std::this_thread::sleep_for(50ms);
    }
    return pred();
}

}  // namespace

TEST_CASE("outputs: a container's miner verdict reaches a real rsyslogd by local socket, UDP and TCP, as RFC 5424",
          "[integration][outputs]") {
    if (!have_tool("rsyslogd")) SKIP_OR_FAIL("rsyslogd is needed (scripts/setup.sh --tests installs rsyslog)");
    PrivateRsyslog rsyslog;
    std::string error;
    REQUIRE(rsyslog.start(error));
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .extra_links = {"xmrig"}}));
    for (const std::string &target : {"unix:" + rsyslog.socket_path(), "udp:127.0.0.1:" + std::to_string(rsyslog.udp_port()),
                                     "tcp:127.0.0.1:" + std::to_string(rsyslog.tcp_port())}) {
        INFO(target);
        SensorProcess sensor;
        START_SENSOR(sensor, "--syslog-output", target, "--node-name", "node-s");
        const std::string tag = "via-" + target.substr(0, 3);
        start_miner(c, tag);
        std::string line;
        REQUIRE(eventually([&] {
            for (const auto &l : rsyslog.lines())
                if (l.find(tag) != std::string::npos && l.find("rule=\"crypto_miner_binary\"") != std::string::npos) line = l;
            return !line.empty();
        }));
        // severity 2 (Critical, the rule's priority), facility 1 (user), the node, app, pid, msgid
        CHECK(line.rfind("2 1 node-s crowsnest " + std::to_string(sensor.pid()) +
                             " verdict [crowsnest@32473 rule=\"crypto_miner_binary\" priority=\"Critical\" "
                             "category=\"miner\" container_id=\"" + id + "\"",
                         0) == 0);
        CHECK(line.find("Crypto miner started: /bin/xmrig") != std::string::npos);
        const std::string counters = sensor.stop();
        CHECK(counter(counters, "output.syslog.sent") >= 1);
        CHECK(counter(counters, "output.syslog.lost") == 0);
    }
}

TEST_CASE("outputs: Falco alerts over HTTP are what Falcosidekick accepts, with Falco's names and types",
          "[integration][outputs]") {
    std::atomic<int> refused{0};
    HttpReceiver sidekick([&](const HttpRequest &r) {
        const std::string why = r.path == "/" ? falcosidekick_refusal(r.body) : "not found";
        if (!why.empty()) refused++;
        return why.empty() ? HttpAnswer{200, ""} : HttpAnswer{400, why};
    });
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .extra_links = {"xmrig"}}));
    SensorProcess sensor;
    START_SENSOR(sensor, "--http-output", sidekick.url(), "--node-name", "node-h", "--http-header",
                 "Authorization: Bearer t0ken");
    start_miner(c);
    json alert;
    REQUIRE(sidekick.wait([&](const std::vector<HttpRequest> &rs) {
        for (const auto &r : rs) {
            const json a = json::parse(r.body, nullptr, false);
            if (a.is_object() && a.value("rule", "") == "crypto_miner_binary" &&
                a["output_fields"].value("container.id", "") == id.substr(0, 12))
                alert = a;
        }
        return !alert.is_null();
    }));
    CHECK(refused == 0);
    const auto req = sidekick.requests().front();
    CHECK(req.headers.at("content-type") == "application/json");
    CHECK(req.headers.at("authorization") == "Bearer t0ken");
    CHECK(alert["priority"] == "Critical");
    CHECK(alert["source"] == "syscall");
    CHECK(alert["hostname"] == "node-h");
    CHECK(std::regex_match(alert["time"].get<std::string>(),
                           std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z)")));
    CHECK(alert["output_fields"]["proc.exepath"] == "/bin/xmrig");
    CHECK(alert["output_fields"]["proc.cmdline"].get<std::string>().find("xmrig --help") == 0);
    CHECK(alert["output_fields"].contains("container.name"));
    CHECK(alert["tags"].is_array());
    const std::string counters = sensor.stop();
    CHECK(counter(counters, "output.http.sent") >= 1);
    CHECK(counter(counters, "output.http.errors") == 0);
}

TEST_CASE("outputs: HTTP retries 5xx and broken responses with backoff, never a 400, and counts what is lost",
          "[integration][outputs]") {
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .extra_links = {"xmrig"}}));
    SECTION("500, a connection closed mid-response, 503, then it recovers: delivered once, nothing lost") {
        std::atomic<int> calls{0};
        HttpReceiver flaky([&](const HttpRequest &) {
            const int n = ++calls;
            return n == 1 ? HttpAnswer{500, "busy"} : n == 2 ? HttpAnswer{-1, ""} : n == 3 ? HttpAnswer{503, ""}
                                                                                          : HttpAnswer{200, ""};
        });
        SensorProcess sensor;
        START_SENSOR(sensor, "--http-output", flaky.url(), "--http-format", "json");
        start_miner(c);
        REQUIRE(flaky.wait([](const std::vector<HttpRequest> &rs) { return rs.size() >= 4; }));
        const auto rs = flaky.requests();
        CHECK(rs[0].body == rs[3].body);  // the same batch, again
        CHECK(rs[0].headers.at("content-type") == "application/x-ndjson");
        const std::string counters = sensor.stop();
        CHECK(counter(counters, "output.http.sent") >= 1);
        CHECK(counter(counters, "output.http.lost") == 0);
    }
    SECTION("400: not retried, counted, logged with the receiver's reason") {
        HttpReceiver strict([](const HttpRequest &) { return HttpAnswer{400, "{\"error\":\"bad token\"}"}; });
        SensorProcess sensor;
        START_SENSOR(sensor, "--http-output", strict.url());
        start_miner(c);
        REQUIRE(strict.wait([](const std::vector<HttpRequest> &rs) { return !rs.empty(); }));
        std::this_thread::sleep_for(1500ms);  // past the first backoffs, had there been any
        const size_t requests = strict.requests().size();
        const std::string counters = sensor.stop();
        CHECK(counter(counters, "output.http.sent") == 0);
        CHECK(counter(counters, "output.http.errors") == requests);
        CHECK(counters.find("HTTP 400: {\"error\":\"bad token\"}") != std::string::npos);
    }
}

TEST_CASE("outputs: a dead HTTP receiver delays neither syslog nor the engine (one run, with and without it)",
          "[integration][outputs]") {
    if (!have_tool("rsyslogd")) SKIP_OR_FAIL("rsyslogd is needed (scripts/setup.sh --tests installs rsyslog)");
    PrivateRsyslog rsyslog;
    std::string error;
    REQUIRE(rsyslog.start(error));
    HttpReceiver dead([](const HttpRequest &) { return HttpAnswer{0, ""}; });  // takes the request, never answers
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .extra_links = {"xmrig"}}));
    constexpr int kMiners = 20;
    double seconds[2] = {};
    uint64_t execs[2] = {};
    for (int with_dead = 0; with_dead < 2; with_dead++) {
        SensorProcess sensor;
        const std::string target = "unix:" + rsyslog.socket_path();
        if (with_dead) {
            START_SENSOR(sensor, "--syslog-output", target, "--http-output", dead.url(), "--verdict-window", "0");
        } else {
            START_SENSOR(sensor, "--syslog-output", target, "--verdict-window", "0");
        }
        const std::string tag = "round-" + std::to_string(with_dead);
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < kMiners; i++) start_miner(c, tag);
        REQUIRE(eventually([&] {
            int n = 0;
            for (const auto &l : rsyslog.lines())
                n += l.find(tag) != std::string::npos && l.find("rule=\"crypto_miner_binary\"") != std::string::npos;
            return n == kMiners;
        }));
        seconds[with_dead] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        REQUIRE(eventually([&] { return tagged(sensor.verdicts(), tag) == kMiners; }));
        const std::string counters = sensor.stop();
        execs[with_dead] = counter(counters, "events.exec");
        CHECK(counter(counters, "output.syslog.sent") >= uint64_t(kMiners));  // and whatever else ran on the host
        if (with_dead) CHECK(counter(counters, "output.http.sent") == 0);
    }
    std::printf("dead-output isolation: %d verdicts reached rsyslogd in %.2f s without a dead HTTP output, %.2f s "
                "with one; execs seen %llu and %llu\n",
                kMiners, seconds[0], seconds[1], (unsigned long long)execs[0], (unsigned long long)execs[1]);
    CHECK(execs[0] >= uint64_t(kMiners));  // the engine saw every miner both times
    CHECK(execs[1] >= uint64_t(kMiners));
    CHECK(seconds[1] < seconds[0] + 5);  // the dead receiver's timeout is 5 s: it is not waited for
    CHECK(dead.requests().size() >= 1);
}

TEST_CASE("outputs: an output file nobody reads holds back neither the engine nor syslog, and loses nothing",
          "[integration][outputs]") {
    if (!have_tool("rsyslogd")) SKIP_OR_FAIL("rsyslogd is needed (scripts/setup.sh --tests installs rsyslog)");
    PrivateRsyslog rsyslog;
    std::string error;
    REQUIRE(rsyslog.start(error));
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .extra_links = {"xmrig"}}));
    // the output file is a FIFO with a reader that does not read: a stalled
    // log shipper; its 64 KiB fill up after a few dozen verdict lines
    const std::string fifo = temp_dir() + "/verdicts.json";
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    const int stalled = open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    REQUIRE(stalled >= 0);
    SensorProcess sensor;
    START_SENSOR(sensor, "--output", fifo, "--syslog-output", "unix:" + rsyslog.socket_path(), "--verdict-window",
                 "0");
    constexpr int kMiners = 80;
    for (int i = 0; i < kMiners; i++) start_miner(c, "stalled-file");
    auto in_syslog = [&] {
        int n = 0;
        for (const auto &l : rsyslog.lines()) n += l.find("stalled-file") != std::string::npos;
        return n;
    };
    CHECK(eventually([&] { return in_syslog() >= kMiners; }));  // the engine went on, and syslog with it

    // the shipper catches up, and reads on until the sensor has stopped
    std::string lines;
    std::atomic<bool> stopped{false};
    std::thread shipper([&] {
        for (;;) {
            pollfd p{stalled, POLLIN, 0};
            const bool last = stopped;  // read once more after the sensor stopped
            if (poll(&p, 1, 100) > 0) {
                char buf[65536];
                const ssize_t n = read(stalled, buf, sizeof(buf));
                if (n > 0) lines.append(buf, size_t(n));
                else if (last) return;  // the sensor closed its end
            } else if (last) {
                return;
            }
        }
    });
    std::this_thread::sleep_for(2s);
    const std::string counters = sensor.stop();
    stopped = true;
    shipper.join();
    close(stalled);
    size_t miners = 0, start = 0;  // whole lines: the miner rule's verdict for a tagged run
    for (size_t end; (end = lines.find('\n', start)) != std::string::npos; start = end + 1) {
        const std::string_view line = std::string_view(lines).substr(start, end - start);
        miners += line.find("stalled-file") != std::string_view::npos &&
                  line.find("\"rule\":\"crypto_miner_binary\"") != std::string_view::npos;
    }
    CHECK(miners == size_t(kMiners));  // each miner's verdict once
    CHECK(lines.size() > 65536);       // the pipe was full while the miners ran
    CHECK(counter(counters, "output.json.lost") == 0);
    CHECK(counter(counters, "events.exec") >= uint64_t(kMiners));
}

TEST_CASE("outputs: Elasticsearch _bulk pairs with a partial failure counted, Slack messages, flood-controlled",
          "[integration][outputs]") {
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .extra_links = {"xmrig"}}));
    SECTION("elasticsearch") {
        std::atomic<int> bad_shape{0};
        HttpReceiver elastic([&](const HttpRequest &r) {
            // action and document line pairs, each line ended, the last one too
            std::vector<std::string> lines;
            for (size_t at = 0, nl; (nl = r.body.find('\n', at)) != std::string::npos; at = nl + 1)
                lines.push_back(r.body.substr(at, nl - at));
            if (r.path != "/_bulk" || r.body.empty() || r.body.back() != '\n' || lines.size() % 2) bad_shape++;
            json items = json::array();
            bool errors = false;
            for (size_t i = 0; i + 1 < lines.size(); i += 2) {
                const json action = json::parse(lines[i], nullptr, false);
                if (!action.is_object() || !action.contains("index") ||
                    action["index"].value("_index", "").rfind("alerts-", 0) != 0)
                    bad_shape++;
                const bool reject = lines[i + 1].find("reject-me") != std::string::npos;
                errors |= reject;
                items.push_back(reject ? json{{"index", {{"status", 400}, {"error", {{"type", "mapper_parsing_exception"}}}}}}
                                       : json{{"index", {{"status", 201}}}});
            }
            return HttpAnswer{200, json{{"took", 1}, {"errors", errors}, {"items", items}}.dump()};
        });
        SensorProcess sensor;
        START_SENSOR(sensor, "--http-output", elastic.url("/_bulk"), "--http-format", "elasticsearch",
                     "--http-index", "alerts-%Y.%m");
        start_miner(c, "keep-me");
        start_miner(c, "reject-me");
        REQUIRE(elastic.wait([](const std::vector<HttpRequest> &rs) {
            int found = 0;
            for (const auto &r : rs) found += (r.body.find("keep-me") != std::string::npos) + (r.body.find("reject-me") != std::string::npos);
            return found == 2;
        }));
        CHECK(bad_shape == 0);
        const std::string counters = sensor.stop();
        CHECK(counter(counters, "output.http.sent") >= 1);
        CHECK(counter(counters, "output.http.errors") == 1);
        CHECK(counters.find("mapper_parsing_exception") != std::string::npos);
    }
    SECTION("slack: one message for a miner in a loop, and one summary with the exact count") {
        HttpReceiver slack([](const HttpRequest &) { return HttpAnswer{200, "ok"}; });
        SensorProcess sensor;
        // the engine's own aggregation off: the output's flood control is what is tested
        START_SENSOR(sensor, "--slack-webhook", slack.url("/services/T0/B0/x"), "--verdict-window", "0");
        constexpr int kLoops = 15;
        for (int i = 0; i < kLoops; i++) start_miner(c, "loop");
        REQUIRE(eventually([&] { return tagged(sensor.verdicts(), "loop") == kLoops; }));
        std::this_thread::sleep_for(1s);  // the output has had it too
        const auto before_stop = slack.requests();
        const std::string counters = sensor.stop();
        const auto all = slack.requests();
        std::vector<json> miners;
        for (const auto &r : all) {
            const json m = json::parse(r.body, nullptr, false);
            REQUIRE(m.is_object());
            REQUIRE(m["text"].is_string());
            REQUIRE(m["attachments"].is_array());
            const json &a = m["attachments"][0];
            if (a.value("title", "") == "Critical: crypto_miner_binary") {
                CHECK(a["color"] == "#b00020");
                miners.push_back(m);
            }
        }
        size_t miners_before_stop = 0;
        for (const auto &r : before_stop) miners_before_stop += r.body.find("crypto_miner_binary") != std::string::npos;
        CHECK(miners_before_stop == 1);  // the first of the loop, at once
        REQUIRE(miners.size() == 2);     // and at shutdown the window's summary
        const std::string summary = miners[1]["attachments"][0].dump();
        CHECK(summary.find(std::to_string(kLoops - 1) + " similar verdicts suppressed") != std::string::npos);
        CHECK(counter(counters, "output.slack.suppressed") >= uint64_t(kLoops - 1));  // exact in the summary above
        CHECK(counter(counters, "output.slack.sent") == all.size());
    }
}
