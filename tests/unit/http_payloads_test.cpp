// The HTTP output's bodies: Falco alerts, NDJSON, Elasticsearch _bulk, Slack;
// and reading a _bulk response.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "outputs/http_payloads.h"

using namespace crowsnest;
using nlohmann::json;

namespace {

using PublishedVerdict = Published<v1::Verdict>;

std::vector<std::unique_ptr<PublishedVerdict>> verdicts(int n) {
    std::vector<std::unique_ptr<PublishedVerdict>> out;
    for (int i = 0; i < n; i++) {
        v1::Verdict v;
        v.set_rule("r" + std::to_string(i));
        v.set_severity("critical");
        v.set_output("out " + std::to_string(i));
        v.set_sequence(uint64_t(i + 1));
        v.mutable_time()->set_seconds(1796000523 + i * 86400);  // one a day
        v.mutable_container()->set_id(std::string(64, 'b'));
        v.mutable_container()->set_pod_name("web-0");
        v.mutable_container()->set_namespace_("shop");
        v.mutable_process()->add_args("xmrig");
        v.mutable_process()->add_args("--donate-level=1");
        out.push_back(std::make_unique<PublishedVerdict>(std::move(v)));
    }
    return out;
}

std::vector<const PublishedVerdict *> pointers(const std::vector<std::unique_ptr<PublishedVerdict>> &v) {
    std::vector<const PublishedVerdict *> out;
    for (const auto &x : v) out.push_back(x.get());
    return out;
}

std::vector<std::string> lines(const std::string &text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

}  // namespace

TEST_CASE("http payloads: falco and slack one per request, json and elasticsearch a batch", "[outputs]") {
    const auto v = verdicts(3);
    const auto batch = pointers(v);
    auto bodies = http_bodies(HttpFormat::Falco, batch, "");
    REQUIRE(bodies.size() == 3);
    CHECK(json::parse(bodies[1].text)["rule"] == "r1");
    CHECK(bodies[1].verdicts == 1);

    bodies = http_bodies(HttpFormat::Json, batch, "");
    REQUIRE(bodies.size() == 1);
    CHECK(bodies[0].verdicts == 3);
    CHECK(bodies[0].text.back() == '\n');
    const auto json_lines = lines(bodies[0].text);
    REQUIRE(json_lines.size() == 3);
    CHECK(json::parse(json_lines[2])["sequence"] == "3");  // uint64 in the protobuf JSON mapping: a string

    bodies = http_bodies(HttpFormat::Elasticsearch, batch, "crowsnest-%Y.%m.%d");
    REQUIRE(bodies.size() == 1);
    CHECK(bodies[0].text.back() == '\n');
    const auto bulk = lines(bodies[0].text);
    REQUIRE(bulk.size() == 6);  // an action and a document each
    CHECK(json::parse(bulk[0]) == json{{"index", {{"_index", "crowsnest-2026.11.30"}}}});
    CHECK(json::parse(bulk[2]) == json{{"index", {{"_index", "crowsnest-2026.12.01"}}}});
    CHECK(json::parse(bulk[5])["rule"] == "r2");

    bodies = http_bodies(HttpFormat::Slack, batch, "");
    REQUIRE(bodies.size() == 3);
    const json slack = json::parse(bodies[0].text);
    CHECK(slack["text"].get<std::string>().find("Critical: r0") == 0);
    CHECK(slack["text"].get<std::string>().find("shop/web-0") != std::string::npos);
    REQUIRE(slack["attachments"].size() == 1);
    CHECK(slack["attachments"][0]["color"] == "#b00020");
    CHECK(slack["attachments"][0]["text"] == "out 0");
    CHECK(slack["attachments"][0]["fields"].dump().find("xmrig --donate-level=1") != std::string::npos);

    CHECK(http_bodies(HttpFormat::Json, {}, "").empty());
    CHECK(std::string(content_type(HttpFormat::Elasticsearch)) == "application/x-ndjson");
    CHECK(std::string(content_type(HttpFormat::Falco)) == "application/json");
    CHECK(parse_http_format("elasticsearch") == HttpFormat::Elasticsearch);
    CHECK_FALSE(parse_http_format("xml"));
}

TEST_CASE("http payloads: a _bulk response's failed items are counted", "[outputs]") {
    CHECK(bulk_failures(R"({"took": 3, "errors": false, "items": [{"index": {"status": 201}}]})", 1) == 0);
    CHECK(bulk_failures(R"({"errors": true, "items": [
        {"index": {"status": 201}},
        {"index": {"status": 400, "error": {"type": "mapper_parsing_exception"}}},
        {"index": {"status": 429}},
        {"create": {"status": 200}}]})", 4) == 2);
    CHECK(bulk_failures("not json", 5) == 5);
    CHECK(bulk_failures(R"({"errors": true})", 5) == 5);
    CHECK(index_name("alerts-%Y", google::protobuf::Timestamp()) == "alerts-1970");
    CHECK(index_name("fixed", google::protobuf::Timestamp()) == "fixed");
}
