#include "http/metrics_page.h"

#include <cstdio>
#include <string_view>

#include "http/process_stats.h"
#include "http/prometheus_text.h"

namespace crowsnest {

namespace {

// The counter table: one family per documented name; a placeholder in the
// name ("events.<type>") is the family's label, its value the row's part there.
void counter_families(const std::vector<CounterRow> &rows, PrometheusText &out) {
    for (const auto &doc : counter_docs()) {
        const std::string_view name = doc.name;
        const size_t open = name.find('<'), close = name.find('>');
        const bool labelled = open != std::string_view::npos && close != std::string_view::npos;
        const std::string_view label = labelled ? name.substr(open + 1, close - open - 1) : std::string_view();
        const size_t prefix = labelled ? open : 0, suffix = labelled ? name.size() - close - 1 : 0;
        bool started = false;
        for (const auto &row : rows) {
            if (row.doc != &doc) continue;
            if (!started) out.family(doc.metric, doc.gauge ? "gauge" : "counter", doc.meaning);
            started = true;
            const std::string_view value = std::string_view(row.name).substr(prefix, row.name.size() - prefix - suffix);
            out.sample(doc.metric, labelled ? MetricLabels{{label, value}} : MetricLabels{}, double(row.value) * doc.scale);
        }
    }
}

void lag_family(const LagHistogram &lag, PrometheusText &out) {
    constexpr std::string_view kName = "crowsnest_engine_lag_seconds";
    out.family(kName, "histogram", "time from an event in the kernel to the engine matching it");
    uint64_t cumulative = 0;
    for (size_t i = 0; i < LagHistogram::kBounds.size(); i++) {
        cumulative += lag.count(i);
        char le[32];
        std::snprintf(le, sizeof(le), "%g", LagHistogram::kBounds[i]);
        out.sample("crowsnest_engine_lag_seconds_bucket", {{"le", le}}, double(cumulative));
    }
    out.sample("crowsnest_engine_lag_seconds_bucket", {{"le", "+Inf"}}, double(lag.total()));
    out.sample("crowsnest_engine_lag_seconds_sum", {}, lag.sum_seconds());
    out.sample("crowsnest_engine_lag_seconds_count", {}, double(lag.total()));
}

void subscriber_families(const MetricsSources &src, PrometheusText &out) {
    const std::pair<std::string_view, std::vector<SubscriberStats>> streams[] = {{"verdicts", src.verdicts.stats()},
                                                                                 {"events", src.events.stats()}};
    out.family("crowsnest_subscribers", "gauge", "gRPC stream subscribers now");
    for (const auto &[stream, stats] : streams) out.sample("crowsnest_subscribers", {{"stream", stream}}, double(stats.size()));
    const struct {
        std::string_view name, type, help;
        uint64_t SubscriberStats::*field;
    } per_subscriber[] = {
        {"crowsnest_subscriber_queued_messages", "gauge", "messages waiting in a subscriber's queue", &SubscriberStats::queued},
        {"crowsnest_subscriber_queued_bytes", "gauge", "bytes waiting in a subscriber's queue", &SubscriberStats::queued_bytes},
        {"crowsnest_subscriber_dropped_total", "counter", "messages dropped for a subscriber whose queue was full",
         &SubscriberStats::dropped},
    };
    for (const auto &f : per_subscriber) {
        out.family(f.name, f.type, f.help);
        for (const auto &[stream, stats] : streams)
            for (const auto &s : stats)
                out.sample(f.name, {{"stream", stream}, {"subscriber", std::to_string(s.id)}}, double(s.*f.field));
    }
}

void process_families(PrometheusText &out) {
    ProcessStats p;
    if (!read_process_stats(p)) return;
    out.family("process_resident_memory_bytes", "gauge", "resident memory size in bytes");
    out.sample("process_resident_memory_bytes", {}, double(p.rss_bytes));
    out.family("process_virtual_memory_bytes", "gauge", "virtual memory size in bytes");
    out.sample("process_virtual_memory_bytes", {}, double(p.virtual_bytes));
    out.family("process_cpu_seconds_total", "counter", "user and system CPU time spent in seconds");
    out.sample("process_cpu_seconds_total", {}, p.cpu_seconds);
    out.family("process_start_time_seconds", "gauge", "start time of the process since the Unix epoch in seconds");
    out.sample("process_start_time_seconds", {}, p.start_time_seconds);
    out.family("process_open_fds", "gauge", "open file descriptors");
    out.sample("process_open_fds", {}, double(p.open_fds));
}

}  // namespace

std::string render_metrics(const MetricsSources &src) {
    PrometheusText out;
    counter_families(src.status.read(), out);
    const PipelineGauges g = src.status.gauges();

    out.family("crowsnest_verdicts_by_rule_total", "counter", "verdicts sent, by rule and category");
    for (const auto &[key, n] : g.verdicts_by_rule)
        out.sample("crowsnest_verdicts_by_rule_total", {{"rule", key.first}, {"category", key.second}}, double(n));
    out.family("crowsnest_ringbuf_fill_ratio", "gauge",
               "the fullest the engine found the kernel ring buffer when reading it, over the last second (0 to 1)");
    out.sample("crowsnest_ringbuf_fill_ratio", {}, g.ring_fill);
    out.family("crowsnest_ringbuf_size_bytes", "gauge", "the kernel ring buffer's size");
    out.sample("crowsnest_ringbuf_size_bytes", {}, double(g.ring_bytes));
    lag_family(g.lag, out);
    subscriber_families(src, out);

    const auto reloads = src.rules.reload_counts();
    out.family("crowsnest_rule_reloads_total", "counter",
               "rule reloads (SIGHUP, ReloadRules, a changed rule file): ok installed new rules, failed kept the "
               "running ones");
    out.sample("crowsnest_rule_reloads_total", {{"result", "ok"}}, double(reloads.ok));
    out.sample("crowsnest_rule_reloads_total", {{"result", "failed"}}, double(reloads.failed));
    out.family("crowsnest_rules_enabled", "gauge", "rules loaded and enabled now");
    out.sample("crowsnest_rules_enabled", {}, double(g.rules_enabled));

    out.family("crowsnest_ready", "gauge", "1 when /readyz succeeds: attached, rules loaded, keeping up");
    out.sample("crowsnest_ready", {}, src.status.readiness().ready ? 1 : 0);
    out.family("crowsnest_engine_loop_age_seconds", "gauge", "time since the engine loop last turned");
    out.sample("crowsnest_engine_loop_age_seconds", {},
               std::chrono::duration<double>(src.status.since_beat()).count());

    process_families(out);
    out.family("crowsnest_build_info", "gauge", "the running build: always 1, with its version and compiler");
    out.sample("crowsnest_build_info", {{"version", CROWSNEST_VERSION}, {"compiler", __VERSION__}}, 1);
    return out.text();
}

}  // namespace crowsnest
