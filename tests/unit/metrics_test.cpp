// /metrics: the Prometheus text format, every counter of the table under
// its family with its label, the histogram's cumulative buckets, escaping.
#include <catch2/catch.hpp>

#include <sstream>

#include "http/http_server.h"
#include "http/metrics_page.h"
#include "http/prometheus_text.h"

using namespace crowsnest;

namespace {

bool has_line(const std::string &text, const std::string &line) {
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        if (l == line) return true;
    return false;
}

}  // namespace

TEST_CASE("prometheus text: help, type, labels and values, escaped", "[metrics]") {
    PrometheusText t;
    t.family("x_total", "counter", "a \\ back\nslash");
    t.sample("x_total", {{"rule", "say \"hi\"\\\n"}}, 3);
    t.sample("x_total", {}, 0.25);
    CHECK(t.text() == "# HELP x_total a \\\\ back\\nslash\n# TYPE x_total counter\n"
                      "x_total{rule=\"say \\\"hi\\\"\\\\\\n\"} 3\nx_total 0.25\n");
}

TEST_CASE("metrics page: counters by family and label, gauges, the lag histogram", "[metrics]") {
    StatusBoard status;
    EngineCounters e;
    e.events[size_t(EventType::Exec)] = 7;
    e.verdicts["miner"] = 2;
    e.processes = 11;
    e.workload.lookup_ns = 2500000;  // 2500 µs
    e.profiles.enabled = true;       // --profiles: their rows are there
    e.profiles.locked = 4;
    PipelineGauges g;
    g.verdicts_by_rule[{"crypto_miner_binary", "miner"}] = 2;
    g.lag.observe(200000);     // 0.2 ms
    g.lag.observe(3000000);    // 3 ms
    g.lag.observe(9000000000); // 9 s
    g.ring_fill = 0.5;
    g.ring_bytes = 4096;
    g.rules_enabled = 30;
    status.update(counter_table(SensorCounters{}, e, 0, {{"json", 5, 0, 0}, {"syslog", 4, 1, 1, 9, 2}}), g);
    status.set_readiness({true, {}});
    VerdictHub verdicts({});
    EventHub events({});
    RuleStore rules({});
    std::string filter_error;
    auto sub = verdicts.subscribe(*StreamFilter::compile({}, StreamFilter::Kind::Verdicts, filter_error), std::nullopt, "t");
    const std::string page = render_metrics({status, verdicts, events, rules});

    CHECK(has_line(page, "# TYPE crowsnest_events_total counter"));
    CHECK(has_line(page, "crowsnest_events_total{type=\"exec\"} 7"));
    CHECK(has_line(page, "crowsnest_verdicts_total{category=\"miner\"} 2"));
    CHECK(has_line(page, "crowsnest_ringbuf_drops_total{type=\"open\"} 0"));
    CHECK(has_line(page, "crowsnest_ringbuf_lost_events_total 0"));
    CHECK(has_line(page, "# TYPE crowsnest_table_entries gauge"));
    CHECK(has_line(page, "crowsnest_table_entries{name=\"processes\"} 11"));
    CHECK(has_line(page, "crowsnest_workload_lookup_seconds_total 0.0025"));
    CHECK(has_line(page, "crowsnest_output_sent_total{output=\"json\"} 5"));
    CHECK(has_line(page, "# TYPE crowsnest_profiles gauge"));
    CHECK(has_line(page, "crowsnest_profiles{state=\"locked\"} 4"));
    CHECK(has_line(page, "crowsnest_output_suppressed_total{output=\"syslog\"} 9"));
    CHECK(has_line(page, "# TYPE crowsnest_output_queued gauge"));
    CHECK(has_line(page, "crowsnest_output_queued{output=\"syslog\"} 2"));
    CHECK(has_line(page, "crowsnest_verdicts_by_rule_total{rule=\"crypto_miner_binary\",category=\"miner\"} 2"));
    CHECK(has_line(page, "crowsnest_ringbuf_fill_ratio 0.5"));
    CHECK(has_line(page, "crowsnest_engine_lag_seconds_bucket{le=\"0.0005\"} 1"));
    CHECK(has_line(page, "crowsnest_engine_lag_seconds_bucket{le=\"0.005\"} 2"));
    CHECK(has_line(page, "crowsnest_engine_lag_seconds_bucket{le=\"5\"} 2"));
    CHECK(has_line(page, "crowsnest_engine_lag_seconds_bucket{le=\"+Inf\"} 3"));
    CHECK(has_line(page, "crowsnest_engine_lag_seconds_count 3"));
    CHECK(has_line(page, "crowsnest_subscribers{stream=\"verdicts\"} 1"));
    CHECK(has_line(page, "crowsnest_subscribers{stream=\"events\"} 0"));
    CHECK(has_line(page, "crowsnest_subscriber_queued_messages{stream=\"verdicts\",subscriber=\"" +
                             std::to_string(sub->id()) + "\"} 0"));
    CHECK(has_line(page, "crowsnest_rule_reloads_total{result=\"failed\"} 0"));
    CHECK(has_line(page, "crowsnest_rules_enabled 30"));
    CHECK(has_line(page, "crowsnest_ready 1"));
    CHECK(has_line(page, "# TYPE process_resident_memory_bytes gauge"));
    CHECK_THAT(page, Catch::Contains("crowsnest_build_info{version=\"" CROWSNEST_VERSION "\""));
    // every family of the counter table that has rows is there
    for (const auto &doc : counter_docs())
        if (std::string(doc.name) != "malformed.<reason>")
            CHECK_THAT(page, Catch::Contains("# TYPE " + std::string(doc.metric)));
}

TEST_CASE("http: HOST:PORT and [IPv6]:PORT", "[metrics]") {
    std::string host, error;
    int port = 0;
    REQUIRE(split_host_port("127.0.0.1:8765", host, port, error));
    CHECK(host == "127.0.0.1");
    CHECK(port == 8765);
    REQUIRE(split_host_port("[::1]:0", host, port, error));
    CHECK(host == "::1");
    CHECK(port == 0);
    REQUIRE(split_host_port("0.0.0.0:80", host, port, error));
    for (const char *bad : {"8765", ":80", "host:", "host:99999", "::1:80", "[::1:80", "h:8a"}) {
        CAPTURE(bad);
        CHECK_FALSE(split_host_port(bad, host, port, error));
        CHECK(error == std::string("'") + bad + "' is not HOST:PORT");
    }
}
