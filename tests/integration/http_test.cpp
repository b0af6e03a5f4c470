// The HTTP endpoint of the real sensor: /healthz, /readyz and /metrics, read
// with an HTTP client, checked by Prometheus' own promtool, scraped by a real
// Prometheus server, and /readyz turning when the engine falls behind.
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <future>
#include <regex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "grpc_client.h"
#include "harness.h"

using namespace crowsnest;
using namespace crowsnest::test;
using namespace std::chrono_literals;

namespace {

struct Reply {
    int status = 0;  // 0: no answer
    std::string body;
};

Reply get(int port, const std::string &path) {
    httplib::Client cli("127.0.0.1", port);
    cli.set_connection_timeout(2, 0);
    cli.set_read_timeout(5, 0);
    auto res = cli.Get(path.c_str());
    if (!res) return {};
    return {res->status, res->body};
}

// The value of the sample `series` (name and labels exactly as printed) in
// Prometheus text, or 0 when it is absent.
double sample_value(const std::string &text, const std::string &series) {
    const std::string head = series + " ";
    for (size_t at = 0; (at = text.find(head, at)) != std::string::npos; at += head.size())
        if (at == 0 || text[at - 1] == '\n') return std::stod(text.substr(at + head.size()));
    return 0;
}

// Polls /metrics until `series` is above `floor`; its last value.
double wait_above(int port, const std::string &series, double floor, std::chrono::seconds timeout = 10s) {
    double v = 0;
    for (auto end = std::chrono::steady_clock::now() + timeout; std::chrono::steady_clock::now() < end;
         std::this_thread::sleep_for(50ms))
        if ((v = sample_value(get(port, "/metrics").body, series)) > floor) break;
    return v;
}

// Polls `path` until it answers `status`; the last reply.
Reply wait_status(int port, const std::string &path, int status, std::chrono::seconds timeout = 10s) {
    Reply r;
    for (auto end = std::chrono::steady_clock::now() + timeout; std::chrono::steady_clock::now() < end;
         std::this_thread::sleep_for(100ms))
        if ((r = get(port, path)).status == status) break;
    return r;
}

// A Prometheus server of the test's own, scraping one loopback target
// every second, with its storage in a temporary directory.
class PrometheusServer {
public:
    bool start(int target_port, std::string &error) {
        dir_ = temp_dir();
        port_ = unused_loopback_port();
        std::ofstream(dir_ + "/prometheus.yml") << "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                                                   "scrape_configs:\n  - job_name: crowsnest\n    static_configs:\n"
                                                   "      - targets: ['127.0.0.1:"
                                                << target_port << "']\n";
        pid_ = fork();
        if (pid_ == 0) {
            const std::string log = dir_ + "/prometheus.log";
            freopen(log.c_str(), "w", stdout);
            freopen(log.c_str(), "a", stderr);
            const std::string config = "--config.file=" + dir_ + "/prometheus.yml",
                              storage = "--storage.tsdb.path=" + dir_ + "/data",
                              listen = "--web.listen-address=127.0.0.1:" + std::to_string(port_);
            execlp("prometheus", "prometheus", config.c_str(), storage.c_str(), listen.c_str(), nullptr);
            _exit(127);
        }
        if (wait_status(port_, "/-/ready", 200, 30s).status == 200) return true;
        run_shell("tail -20 " + dir_ + "/prometheus.log", &error);
        return false;
    }
    // The value of an instant query's first result, or -1 when it has none.
    double query(const std::string &promql) {
        httplib::Client cli("127.0.0.1", port_);
        auto res = cli.Get("/api/v1/query", httplib::Params{{"query", promql}}, httplib::Headers{});
        if (!res || res->status != 200) return -1;
        const auto j = nlohmann::json::parse(res->body, nullptr, false);
        if (j.is_discarded() || j["data"]["result"].empty()) return -1;
        return std::stod(j["data"]["result"][0]["value"][1].get<std::string>());
    }
    ~PrometheusServer() {
        if (pid_ > 0) {
            kill(pid_, SIGTERM);
            waitpid(pid_, nullptr, 0);
        }
        if (!dir_.empty()) run_shell("rm -rf " + dir_);
    }

private:
    std::string dir_;
    int port_ = 0;
    pid_t pid_ = -1;
};

}  // namespace

TEST_CASE("http: /healthz and /readyz answer, /metrics passes promtool and counts a container's miner",
          "[integration][http]") {
    if (!have_tool("promtool")) SKIP_OR_FAIL("promtool is needed (Debian's prometheus package)");
    const int port = unused_loopback_port();
    SensorProcess sensor;
    START_SENSOR(sensor, "--http-listen", "127.0.0.1:" + std::to_string(port));
    const Reply health = get(port, "/healthz");
    CHECK(health.status == 200);
    CHECK(nlohmann::json::parse(health.body)["alive"] == true);
    const Reply ready = wait_status(port, "/readyz", 200);
    INFO(ready.body);
    REQUIRE(ready.status == 200);
    CHECK(nlohmann::json::parse(ready.body)["reasons"].empty());

    const std::string before = get(port, "/metrics").body;
    const std::string miner = "crowsnest_verdicts_total{category=\"miner\"}";
    const std::string by_rule = "crowsnest_verdicts_by_rule_total{rule=\"crypto_miner_binary\",category=\"miner\"}";
    const double miners_before = sample_value(before, miner), execs_before = sample_value(before, "crowsnest_events_total{type=\"exec\"}");
    CHECK(sample_value(before, "crowsnest_ready") == 1);
    CHECK(sample_value(before, "crowsnest_rules_enabled") > 10);
    CHECK(sample_value(before, "process_resident_memory_bytes") > 1e6);

    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .extra_links = {"xmrig"}}));
    REQUIRE(c.run({"/bin/xmrig", "--help"}) >= 0);
    REQUIRE(sensor.wait_verdict([&](const v1::Verdict &v) { return v.rule() == "crypto_miner_binary" && v.container().id() == id; }));
    CHECK(wait_above(port, miner, miners_before) == miners_before + 1);
    CHECK(wait_above(port, by_rule, 0) >= 1);
    const std::string after = get(port, "/metrics").body;
    CHECK(sample_value(after, "crowsnest_events_total{type=\"exec\"}") > execs_before);
    CHECK(sample_value(after, "crowsnest_engine_lag_seconds_count") > 0);

    // Prometheus' own linter: format, names, HELP and TYPE of every family
    const std::string file = temp_dir() + "/metrics.txt";
    std::ofstream(file) << after;
    std::string lint;
    const int rc = run_shell("promtool check metrics < " + file + " 2>&1", &lint);
    INFO(lint);
    CHECK(rc == 0);
    CHECK(lint.empty());
    run_shell("rm -rf " + file.substr(0, file.rfind('/')));
}

TEST_CASE("http: a real Prometheus server scrapes the sensor and sees a counter rise after a container's exec",
          "[integration][http]") {
    if (!have_tool("prometheus")) SKIP_OR_FAIL("prometheus is needed (Debian's prometheus package)");
    const int port = unused_loopback_port();
    SensorProcess sensor;
    START_SENSOR(sensor, "--http-listen", "127.0.0.1:" + std::to_string(port));
    PrometheusServer prometheus;
    std::string error;
    REQUIRE(prometheus.start(port, error));
    INFO(error);
    const std::string query = "crowsnest_verdicts_by_rule_total{rule=\"crypto_miner_binary\"}";
    // the target is up and scraped before the exec
    double up = -1;
    for (int i = 0; i < 150 && up != 1; i++, std::this_thread::sleep_for(200ms)) up = prometheus.query("up{job=\"crowsnest\"}");
    REQUIRE(up == 1);
    // none yet, unless another workload on this machine ran a miner
    const double before = std::max(0.0, prometheus.query(query));

    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .extra_links = {"xmrig"}}));
    REQUIRE(c.run({"/bin/xmrig", "--help"}) >= 0);
    REQUIRE(sensor.wait_verdict([&](const v1::Verdict &v) { return v.rule() == "crypto_miner_binary" && v.container().id() == id; }));
    double seen = -1;
    for (int i = 0; i < 100 && seen < before + 1; i++, std::this_thread::sleep_for(200ms)) seen = prometheus.query(query);
    CHECK(seen >= before + 1);
    CHECK(prometheus.query("crowsnest_build_info") == 1);
}

TEST_CASE("http: /readyz and gRPC health turn and say why while the engine falls behind a flood, and come back",
          "[integration][http]") {
    const int port = unused_loopback_port();
    const std::string dir = temp_dir(), sock = dir + "/crowsnest.sock";
    SensorProcess sensor;  // no --events: a flood of JSON lines would measure the test, not the sensor
    std::string start_error;
    if (geteuid() != 0) SKIP_OR_FAIL("loading BPF programs needs root");
    // a small ring read once a second: a flood fills it between two reads
    if (!sensor.start(CROWSNEST_BINARY,
                      {"--grpc-socket", sock, "--journal", "none", "--output", "none", "--http-listen", "127.0.0.1:" + std::to_string(port),
                       "--ringbuf-size", "65536", "--wakeup-bytes", "1048576", "--poll-ms", "1000", "--flood-rate", "0",
                       "--ready-ring-fill", "50"},
                      start_error))
        SKIP_OR_FAIL(start_error);
    REQUIRE(wait_status(port, "/readyz", 200).status == 200);
    CHECK(health_check(unix_channel(sock), "") == 1);  // SERVING
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(random_container_id())}));
    REQUIRE(run_shell("cp " FLOOD_BINARY " " + c.bundle() + "/rootfs/tmp/flood") == 0);
    auto flood = std::async(std::launch::async, [&] { return c.exec("/tmp/flood open /dev/cpu/0/msr w 6 >/dev/null"); });
    const Reply behind = wait_status(port, "/readyz", 503);
    INFO(behind.body);
    CHECK(behind.status == 503);
    const auto body = nlohmann::json::parse(behind.body, nullptr, false);
    REQUIRE_FALSE(body.is_discarded());
    CHECK(body["ready"] == false);
    REQUIRE(!body["reasons"].empty());
    CHECK_THAT(body["reasons"][0].get<std::string>(),
               Catch::Matches("the ring buffer was [0-9]+% full when the engine read it \\(limit 50%\\): the engine is "
                              "falling behind"));
    CHECK(sample_value(get(port, "/metrics").body, "crowsnest_ready") == 0);
    CHECK(health_check(unix_channel(sock), "") == 2);  // NOT_SERVING
    CHECK(get(port, "/healthz").status == 200);  // behind, but alive: no restart for that
    REQUIRE(flood.get() == 0);
    CHECK(wait_status(port, "/readyz", 200).status == 200);
    CHECK(health_check(unix_channel(sock), "") == 1);
    sensor.stop();
    run_shell("rm -rf " + dir);
}
