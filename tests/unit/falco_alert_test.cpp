// Falco's alert JSON: names, types and the shapes Falcosidekick accepts,
// for every shipped rule's priority.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "falcosidekick_check.h"
#include "outputs/falco_alert.h"
#include "rules/rule_files.h"
#include "rules/rule_set.h"

using namespace crowsnest;
using nlohmann::json;

namespace {

v1::Verdict miner_verdict() {
    v1::Verdict v;
    v.mutable_time()->set_seconds(1796000523);  // 2026-11-30T01:02:03Z
    v.mutable_time()->set_nanos(42);
    v.set_rule("crypto_miner_binary");
    v.set_severity("critical");
    v.set_priority("Critical");
    v.add_tags("T1496");
    v.set_output("Crypto miner xmrig started");
    auto &c = *v.mutable_container();
    c.set_id(std::string(64, 'a'));
    c.set_name("api");
    c.set_node("node-1");
    auto &f = *v.mutable_output_fields();
    f["proc.name"] = "xmrig";
    f["proc.pid"] = "4242";
    f["proc.aname[2]"] = "containerd-shim";
    f["fd.name"] = "<NA>";
    f["proc.is_exe_upper_layer"] = "true";
    f["proc.cmdline"] = "xmrig -o 10";  // a number-looking prefix stays a string
    return v;
}

}  // namespace

TEST_CASE("falco alert: names, time with nanoseconds, typed output fields", "[outputs]") {
    const json a = json::parse(falco_alert_json(miner_verdict()));
    CHECK(a["time"] == "2026-11-30T01:02:03.000000042Z");
    CHECK(a["rule"] == "crypto_miner_binary");
    CHECK(a["priority"] == "Critical");
    CHECK(a["source"] == "syscall");
    CHECK(a["hostname"] == "node-1");
    CHECK(a["output"] == "Crypto miner xmrig started");
    CHECK(a["tags"] == json::array({"T1496"}));
    const json &f = a["output_fields"];
    CHECK(f["proc.name"] == "xmrig");
    CHECK(f["proc.pid"] == 4242);
    CHECK(f["proc.aname[2]"] == "containerd-shim");
    CHECK(f["fd.name"].is_null());
    CHECK(f["proc.is_exe_upper_layer"] == true);
    CHECK(f["proc.cmdline"] == "xmrig -o 10");
    CHECK(f["container.id"] == std::string(12, 'a'));
    CHECK(f["container.name"] == "api");
    CHECK(test::falcosidekick_refusal(falco_alert_json(miner_verdict())).empty());
}

TEST_CASE("falco alert: a host process, a verdict without the rule's priority, a gap", "[outputs]") {
    v1::Verdict v = miner_verdict();
    v.clear_container();
    v.clear_priority();
    v.set_severity("high");
    const json a = json::parse(falco_alert_json(v));
    CHECK(a["output_fields"]["container.id"] == "host");
    CHECK(a["output_fields"]["container.name"] == "host");
    CHECK(a["priority"] == "Error");
    CHECK(a["hostname"] == "");
    for (const auto &[severity, priority] : std::vector<std::pair<std::string, std::string>>{
             {"critical", "Critical"}, {"medium", "Warning"}, {"low", "Notice"}, {"info", "Informational"}}) {
        v.set_severity(severity);
        CHECK(falco_priority(v) == priority);
    }
    // a bad number stays text; time's fraction at the digits asked for
    auto &f = *v.mutable_output_fields();
    f["proc.pid"] = "12x";
    CHECK(json::parse(falco_alert_json(v))["output_fields"]["proc.pid"] == "12x");
    google::protobuf::Timestamp t;
    t.set_seconds(0);
    t.set_nanos(123456789);
    CHECK(rfc3339(t, 6) == "1970-01-01T00:00:00.123456Z");
    CHECK(rfc3339(t, 0) == "1970-01-01T00:00:00Z");
}

TEST_CASE("falco alert: every shipped rule's verdict is one Falcosidekick accepts", "[outputs]") {
    std::vector<std::string> files, errors, warnings;
    std::string error;
    REQUIRE(expand_rule_paths({CROWSNEST_DEFAULT_RULES}, files, error));
    auto rules = RuleSet::load(files, errors, warnings);
    REQUIRE(rules);
    REQUIRE(rules->rule_count() > 10);
    for (size_t i = 0; i < rules->rule_count(); i++) {
        const RuleInfo &info = rules->rule_info(i);
        INFO(info.name);
        v1::Verdict v = miner_verdict();
        v.set_rule(info.name);
        v.set_priority(info.priority);
        v.set_severity(info.severity);
        v.mutable_output_fields()->clear();  // container.id and container.name are always there
        CHECK(test::falcosidekick_refusal(falco_alert_json(v)).empty());
    }
    v1::Verdict unnamed = miner_verdict();
    unnamed.set_priority("Severe");
    CHECK(test::falcosidekick_refusal(falco_alert_json(unnamed)) == "priority is not one of Falco's");
}
