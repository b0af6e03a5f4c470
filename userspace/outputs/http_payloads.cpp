#include "outputs/http_payloads.h"

#include <ctime>

#include <nlohmann/json.hpp>

#include "outputs/falco_alert.h"

namespace crowsnest {
namespace {

using nlohmann::json;

std::string dump(const json &j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

const char *slack_colour(const std::string &severity) {
    if (severity == "critical") return "#b00020";
    if (severity == "high") return "#e8590c";
    if (severity == "medium") return "#f2c744";
    if (severity == "low") return "#1c7ed6";
    return "#868e96";
}

// Who did it, for a person reading a chat channel.
std::string slack_message(const v1::Verdict &v) {
    const auto &c = v.container();
    std::string where = c.id().empty() ? "host" : c.name().empty() ? c.id().substr(0, 12) : c.name();
    if (!c.pod_name().empty()) where = c.namespace_() + "/" + c.pod_name() + " " + where;
    std::string command;
    for (const auto &a : v.event().argv().empty() ? v.process().args() : v.event().argv())
        command += (command.empty() ? "" : " ") + a;
    json fields = json::array();
    fields.push_back({{"title", "Container"}, {"value", where}, {"short", true}});
    if (!c.image().empty()) fields.push_back({{"title", "Image"}, {"value", c.image()}, {"short", true}});
    if (!command.empty()) fields.push_back({{"title", "Command"}, {"value", command}, {"short", false}});
    if (v.has_aggregate())
        fields.push_back({{"title", "Suppressed"}, {"value", std::to_string(v.aggregate().count())}, {"short", true}});
    const std::string title = falco_priority(v) + ": " + v.rule();
    json attachment = {{"color", slack_colour(v.severity())},
                       {"title", title},
                       {"text", v.output()},
                       {"fields", std::move(fields)},
                       {"footer", "crowsnest on " + (c.node().empty() ? std::string("?") : c.node())},
                       {"ts", v.time().seconds()},
                       {"fallback", title + " " + v.output()}};
    return dump({{"text", title + " (" + where + ")"}, {"attachments", json::array({std::move(attachment)})}});
}

}  // namespace

std::optional<HttpFormat> parse_http_format(const std::string &name) {
    if (name == "falco") return HttpFormat::Falco;
    if (name == "json") return HttpFormat::Json;
    if (name == "elasticsearch") return HttpFormat::Elasticsearch;
    if (name == "slack") return HttpFormat::Slack;
    return std::nullopt;
}

const char *content_type(HttpFormat f) {
    return f == HttpFormat::Json || f == HttpFormat::Elasticsearch ? "application/x-ndjson" : "application/json";
}

std::string index_name(const std::string &pattern, const google::protobuf::Timestamp &t) {
    const time_t secs = time_t(t.seconds());
    struct tm tm{};
    gmtime_r(&secs, &tm);
    char buf[256];
    const size_t n = std::strftime(buf, sizeof(buf), pattern.c_str(), &tm);
    return n ? std::string(buf, n) : pattern;
}

std::vector<HttpBody> http_bodies(HttpFormat f, const std::vector<const Published<v1::Verdict> *> &batch,
                                  const std::string &index_pattern) {
    std::vector<HttpBody> out;
    if (batch.empty()) return out;
    switch (f) {
    case HttpFormat::Falco:
        for (const auto *p : batch) out.push_back({falco_alert_json(*p), 1});
        return out;
    case HttpFormat::Slack:
        for (const auto *p : batch) out.push_back({slack_message(p->message()), 1});
        return out;
    case HttpFormat::Json: {
        HttpBody body;
        for (const auto *p : batch) body.text.append(p->json()).push_back('\n');
        body.verdicts = batch.size();
        out.push_back(std::move(body));
        return out;
    }
    case HttpFormat::Elasticsearch: {
        HttpBody body;  // each line ends in a newline, the last one too, as _bulk requires
        for (const auto *p : batch) {
            body.text += dump({{"index", {{"_index", index_name(index_pattern, p->message().time())}}}}) + "\n";
            body.text.append(p->json()).push_back('\n');
        }
        body.verdicts = batch.size();
        out.push_back(std::move(body));
        return out;
    }
    }
    return out;
}

size_t bulk_failures(const std::string &response, size_t items) {
    const json r = json::parse(response, nullptr, false);
    if (r.is_discarded() || !r.is_object()) return items;
    if (!r.value("errors", false)) return 0;
    const auto it = r.find("items");
    if (it == r.end() || !it->is_array()) return items;
    size_t failed = 0;
    for (const auto &item : *it) {
        if (!item.is_object() || item.empty()) {
            failed++;
            continue;
        }
        const json &result = item.begin().value();  // {"index": {...}}
        const int status = result.is_object() ? result.value("status", 0) : 0;
        failed += (result.is_object() && result.contains("error")) || status >= 300;
    }
    return failed;
}

}  // namespace crowsnest
