// The details of Falco's rule files that its published rules rely on:
// quoted list items, skip-if-unknown-filter, required_engine_version and
// required_plugin_versions, and what `rules validate --summary` reports.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "rules/rule_loader.h"
#include "test_context.h"
#include "test_rule_files.h"

using crowsnest::Detection;
using crowsnest::RuleSet;
using crowsnest::test::exec_scene;
using crowsnest::test::open_scene;
using crowsnest::test::RuleFiles;
using crowsnest::test::Scene;

namespace {

std::string rule(const std::string &name, const std::string &condition, const std::string &extra = "") {
    return "- rule: " + name + "\n  desc: d\n  condition: " + condition + "\n  output: o\n  priority: NOTICE\n" + extra;
}

bool fires(const RuleSet &rules, const Scene &scene, const std::string &name) {
    crowsnest::EventContext ctx = scene.ctx();
    std::vector<Detection> out;
    rules.match(ctx, out);
    for (const auto &d : out)
        if (d.rule->name == name) return true;
    return false;
}

TEST_CASE("falco language: quoted list items are the text inside their quotes", "[falco]") {
    RuleFiles f;
    // as Falco's files write them: '"(systemd)"', "'sh -c x'", and a quoted list name
    auto r = f.load({"- list: parents\n  items: ['\"(systemd)\"', \"'runc:[1:CHILD]'\", plain]\n"
                     "- list: cmdlines\n  items: ['\"sh -c uname -a\"', '\"say \\\"hi\\\"\"']\n"
                     "- list: nets\n  items: ['\"10.0.0.0/8\"']\n"
                     "- list: named\n  items: ['\"parents\"']\n" +
                     rule("by_parent", "proc.pname in (parents)") + rule("by_cmdline", "proc.cmdline in (cmdlines)") +
                     rule("by_net", "fd.snet in (nets)") + rule("by_name", "proc.name in (named)")});
    INFO(Catch::Detail::stringify(f.errors));
    REQUIRE(r);
    Scene s = exec_scene("/bin/id", {"id"});
    s.parent.comm = "(systemd)";
    CHECK(fires(*r, s, "by_parent"));
    s.parent.comm = "\"(systemd)\"";  // the quotes are not part of the value
    CHECK_FALSE(fires(*r, s, "by_parent"));
    s.parent.comm = "runc:[1:CHILD]";
    CHECK(fires(*r, s, "by_parent"));
    s.parent.comm = "plain";
    CHECK(fires(*r, s, "by_parent"));

    Scene sh = exec_scene("/bin/sh", {"sh", "-c", "uname -a"});
    sh.event.comm = "sh";
    CHECK(fires(*r, sh, "by_cmdline"));
    Scene say = exec_scene("/bin/say", {"say", "\"hi\""});  // \" inside the quotes is a quote
    CHECK(fires(*r, say, "by_cmdline"));

    CHECK(fires(*r, crowsnest::test::connect_inet_scene("10.9.8.7", 443), "by_net"));
    CHECK_FALSE(fires(*r, crowsnest::test::connect_inet_scene("11.9.8.7", 443), "by_net"));

    // a quoted item is a value, never the list of that name
    CHECK(fires(*r, exec_scene("/bin/parents", {"parents"}), "by_name"));
    CHECK_FALSE(fires(*r, exec_scene("/bin/plain", {"plain"}), "by_name"));
}

TEST_CASE("falco language: an item with quotes inside, not around, keeps them", "[falco]") {
    RuleFiles f;
    auto r = f.load({"- list: odd\n  items: ['a\"b', '\"x\" \"y\"', '\"']\n" + rule("t", "proc.name in (odd)")});
    REQUIRE(r);
    CHECK(fires(*r, exec_scene("/bin/x", {"x"}).by("/bin/a\"b", {"a\"b"}), "t"));
    CHECK(fires(*r, exec_scene("/bin/x", {"x"}).by("/bin/\"x\" \"y\"", {"\"x\" \"y\""}), "t"));
    CHECK_FALSE(fires(*r, exec_scene("/bin/x", {"x"}), "t"));
}

TEST_CASE("falco language: skip-if-unknown-filter skips the rule, not the file", "[falco]") {
    RuleFiles f;
    const std::string file = "- macro: m\n  condition: k8s.deployment.name = web\n" +
                             rule("skipped", "evt.type = execve and m", "  skip-if-unknown-filter: true\n") +
                             rule("kept", "evt.type = execve and proc.name = id");
    auto r = f.load({file});
    INFO(Catch::Detail::stringify(f.errors));
    REQUIRE(r);
    CHECK(r->rule_count() == 1);
    CHECK(fires(*r, exec_scene("/bin/id", {"id"}), "kept"));
    CHECK(f.warnings == std::vector<std::string>{f.at(3, 9, "warning: rule 'skipped' skipped (skip-if-unknown-filter): "
                                                            "unknown field 'k8s.deployment.name'")});
    REQUIRE(r->summary().skipped.size() == 1);
    CHECK(r->summary().skipped[0].first == "skipped");

    // a second rule without the key, using the same macro: its error is reported
    REQUIRE_FALSE(f.load({file + rule("strict", "m")}));
    CHECK(f.errors == std::vector<std::string>{f.at(2, 14, "unknown field 'k8s.deployment.name'")});

    // other mistakes are errors even so
    REQUIRE_FALSE(f.load({rule("bad", "proc.name = id and fd.sport = x", "  skip-if-unknown-filter: true\n")}));
    CHECK(f.errors == std::vector<std::string>{f.at(3, 44, "fd.sport needs a number, not 'x'")});
    // and false, or no key, is Falco's default: an error
    REQUIRE_FALSE(f.load({rule("off", "k8s.deployment.name = x", "  skip-if-unknown-filter: false\n")}));
    REQUIRE_FALSE(f.load({rule("bad_key", "proc.name = id", "  skip-if-unknown-filter: sometimes\n")}));
    CHECK(f.errors == std::vector<std::string>{f.at(6, 27, "skip-if-unknown-filter must be true or false")});
}

TEST_CASE("falco language: required_engine_version against Falco's engine version", "[falco]") {
    RuleFiles f;
    const std::string r = rule("t", "proc.name = id");
    REQUIRE(f.load({"- required_engine_version: 0.26.0\n" + r}));
    CHECK(f.warnings.empty());
    REQUIRE(f.load({"- required_engine_version: " + std::string(crowsnest::kFalcoEngineVersion) + "\n" + r}));
    CHECK(f.warnings.empty());
    REQUIRE(f.load({"- required_engine_version: 26\n" + r}));  // the old numbering: 0.26.0
    CHECK(f.warnings.empty());
    REQUIRE(f.load({"- required_engine_version: 0.99.1\n" + r}));
    CHECK(f.warnings == std::vector<std::string>{f.at(1, 28, "warning: required_engine_version 0.99.1 is newer than "
                                                             "Falco's engine version 0.57.0, whose rule language "
                                                             "crowsnest implements")});
    REQUIRE(f.load({"- required_engine_version: 1.0\n" + r}));
    CHECK(f.warnings.size() == 1);
    for (const char *bad : {"0.x.1", "0.57.0.1", "", "-1", "0..1"}) {
        INFO(bad);
        CHECK_FALSE(f.load({"- required_engine_version: \"" + std::string(bad) + "\"\n" + r}));
    }
    CHECK(f.errors == std::vector<std::string>{f.at(1, 28, "required_engine_version must be a version such as 0.57.0 or 26")});
}

TEST_CASE("falco language: required_plugin_versions names the plugins crowsnest lacks", "[falco]") {
    RuleFiles f;
    REQUIRE(f.load({"- required_plugin_versions:\n    - name: container\n      version: 0.4.0\n"
                    "    - name: k8saudit\n      version: 0.1.0\n" +
                    rule("t", "proc.name = id")}));
    CHECK(f.warnings == std::vector<std::string>{
                            f.at(4, 13, "warning: required_plugin_versions: plugin 'k8saudit' is not available: "
                                        "crowsnest has no plugins (only the container plugin's fields are built in)")});
    CHECK_FALSE(f.load({"- required_plugin_versions: container\n" + rule("t", "proc.name = id")}));
}

TEST_CASE("falco language: the summary counts disabled rules and rules that can never fire", "[falco]") {
    RuleFiles f;
    auto r = f.load({rule("on", "evt.type = execve") + rule("off", "evt.type = execve", "  enabled: false\n") +
                     rule("dead", "evt.type in (userfaultfd, mkdir)") +
                     rule("not_dead", "evt.type != userfaultfd and proc.name = id") +
                     rule("contradiction", "evt.type = execve and evt.type = connect") +
                     rule("gone", "k8s.deployment.name = x", "  skip-if-unknown-filter: true\n")});
    INFO(Catch::Detail::stringify(f.errors));
    REQUIRE(r);
    const auto &s = r->summary();
    CHECK(s.defined == 6);
    CHECK(r->rule_count() == 4);
    CHECK(s.disabled == 1);
    CHECK(s.skipped.size() == 1);
    using Why = std::vector<std::pair<std::string, std::string>>;
    CHECK(s.never_fire == Why{{"dead", "crowsnest does not observe evt.type userfaultfd, mkdir"},
                              {"contradiction", "no evt.type satisfies its condition"}});
    CHECK(fires(*r, exec_scene("/bin/id", {"id"}), "not_dead"));
    // evt.type != a call crowsnest does not observe says nothing
    CHECK(std::count_if(f.warnings.begin(), f.warnings.end(),
                        [](const std::string &w) { return w.find("'userfaultfd'") != std::string::npos; }) == 1);
}

}  // namespace
