// The YAML of rule files is bounded while it is parsed: alias bombs and deep
// nesting are refused at their file:line:column, at once and in little
// memory, and anchors and aliases used as intended load as if written out.
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "test_context.h"
#include "test_rule_files.h"

using crowsnest::Detection;
using crowsnest::RuleSet;
using crowsnest::test::exec_scene;
using crowsnest::test::RuleFiles;
using crowsnest::test::Scene;

namespace {

const std::string kTooLarge = "the rule files are too large: more than 1000000 YAML nodes once aliases are expanded";
const std::string kTooDeep = "YAML lists and maps nested more than 64 deep";

// A list `big` of `items` values anchored, then `aliases` lists of *big.
std::string aliased_lists(const std::string &name, int items, int aliases) {
    std::string yaml = "- list: " + name + "\n  items: &big [v0";
    for (int i = 1; i < items; i++) yaml += ", v" + std::to_string(i);
    yaml += "]\n";
    for (int i = 0; i < aliases; i++) yaml += "- list: " + name + std::to_string(i) + "\n  items: *big\n";
    return yaml;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("rule yaml: an alias bomb is refused at the alias that passes the bound, at once", "[rule_yaml]") {
    RuleFiles f;
    SECTION("a 1 MB file: 100 000 items, 10 000 lists of *big (a billion values)") {
        const auto start = std::chrono::steady_clock::now();
        CHECK(f.load({aliased_lists("big", 100000, 10000)}) == nullptr);
        // 100 007 nodes, then 100 005 a list: the ninth alias (l8, line 20) passes a million
        CHECK(f.errors == std::vector<std::string>{f.at(20, 10, kTooLarge)});
        CHECK(seconds_since(start) < 10);  // it took minutes and gigabytes when aliases were read in full
    }
    SECTION("aliases of aliases: lists of ten aliases to the list before, six deep") {
        CHECK(f.load({crowsnest::test::nested_alias_bomb()}) == nullptr);
        CHECK(f.errors == std::vector<std::string>{f.at(12, 50, kTooLarge)});
    }
    SECTION("the bound is over all the files of a load") {
        const std::string half = aliased_lists("big", 100000, 4);  // 500 026 nodes
        CHECK(f.load({half, half}) == nullptr);
        CHECK(f.errors == std::vector<std::string>{f.at(10, 10, kTooLarge, "b.yaml")});
    }
    SECTION("an alias inside the node it names") {
        CHECK(f.load({"- list: l\n  items: &l [a, *l]\n"}) == nullptr);
        CHECK(f.errors == std::vector<std::string>{f.at(2, 17, "an alias inside the node it names (a cycle)")});
    }
}

TEST_CASE("rule yaml: deep nesting is refused at the collection that passes the depth", "[rule_yaml]") {
    RuleFiles f;
    const int n = 100000;
    SECTION("100 000 nested flow lists") {
        CHECK(f.load({"- " + std::string(n, '[') + std::string(n, ']') + "\n"}) == nullptr);
        CHECK(f.errors == std::vector<std::string>{f.at(1, 66, kTooDeep)});  // the 64th '[' is the 65th list
    }
    SECTION("100 000 nested flow maps") {
        std::string yaml = "- ";
        for (int i = 0; i < n; i++) yaml += "{a: ";
        CHECK(f.load({yaml + "b" + std::string(n, '}') + "\n"}) == nullptr);
        CHECK(f.errors == std::vector<std::string>{f.at(1, 3 + 63 * 4, kTooDeep)});
    }
    SECTION("100 000 nested block lists") {
        std::string yaml;
        for (int i = 0; i < n; i++) yaml += "- ";
        CHECK(f.load({yaml + "x\n"}) == nullptr);
        CHECK(f.errors == std::vector<std::string>{f.at(1, 129, kTooDeep)});
    }
    SECTION("64 deep is YAML the loader reads, and finds no rule in") {
        CHECK(f.load({"- " + std::string(63, '[') + std::string(63, ']') + "\n"}) == nullptr);
        CHECK(f.errors == std::vector<std::string>{f.at(1, 3, "expected a map: '- rule:', '- macro:' or '- list:'")});
    }
}

namespace {

// Anchors for a list's items, a condition, a desc, tags and exceptions, each
// used again by alias; and the same file written out.
const std::string kAliased = R"(- list: shells
  items: &shells [bash, sh]
- list: login_shells
  items: *shells
- macro: spawned
  condition: &spawned evt.type = execve
- rule: shell
  desc: &desc a shell started
  condition: spawned and proc.name in (shells, login_shells)
  output: "shell %proc.name"
  priority: WARNING
  tags: &tags [T1059, shells]
  exceptions: &known
    - name: from_sshd
      fields: [proc.pname]
      values: [[sshd]]
- rule: shell_by_path
  desc: *desc
  condition: *spawned
  output: "exec %proc.exepath"
  priority: NOTICE
  tags: *tags
  exceptions: *known
)";
const std::string kWrittenOut = R"(- list: shells
  items: [bash, sh]
- list: login_shells
  items: [bash, sh]
- macro: spawned
  condition: evt.type = execve
- rule: shell
  desc: a shell started
  condition: spawned and proc.name in (shells, login_shells)
  output: "shell %proc.name"
  priority: WARNING
  tags: [T1059, shells]
  exceptions:
    - name: from_sshd
      fields: [proc.pname]
      values: [[sshd]]
- rule: shell_by_path
  desc: a shell started
  condition: evt.type = execve
  output: "exec %proc.exepath"
  priority: NOTICE
  tags: [T1059, shells]
  exceptions:
    - name: from_sshd
      fields: [proc.pname]
      values: [[sshd]]
)";

// Each detection as "rule: output".
std::vector<std::string> detections(const RuleSet &rules, const Scene &s) {
    std::vector<Detection> out;
    const crowsnest::EventContext ctx = s.ctx();  // outlives render_output below
    rules.match(ctx, out);
    std::vector<std::string> lines;
    for (auto &d : out) {
        rules.render_output(d);
        lines.push_back(d.rule->name + ": " + d.output);
    }
    return lines;
}

}  // namespace

TEST_CASE("rule yaml: a file that uses anchors and aliases loads as if written out", "[rule_yaml]") {
    RuleFiles aliased, written;
    auto a = aliased.load({kAliased});
    auto w = written.load({kWrittenOut});
    REQUIRE(a);
    REQUIRE(w);
    CHECK(aliased.warnings.empty());
    REQUIRE(a->rule_count() == 2);
    REQUIRE(w->rule_count() == 2);
    for (size_t i = 0; i < 2; i++) {
        CHECK(a->rule_info(i).name == w->rule_info(i).name);
        CHECK(a->rule_info(i).desc == w->rule_info(i).desc);
        CHECK(a->rule_info(i).category == w->rule_info(i).category);
        CHECK(a->rule_info(i).severity == w->rule_info(i).severity);
        CHECK(a->rule_info(i).tags == w->rule_info(i).tags);
    }
    Scene from_sshd = exec_scene("/bin/sh", {"sh"});
    from_sshd.parent.comm = "sshd";
    for (const Scene &s : {exec_scene("/bin/bash", {"bash"}), exec_scene("/usr/bin/id", {"id"}), from_sshd}) {
        INFO(s.event.filename << " from " << s.parent.comm);
        CHECK(detections(*a, s) == detections(*w, s));
    }
    CHECK(detections(*a, exec_scene("/bin/bash", {"bash"})) ==
          std::vector<std::string>{"shell: shell bash", "shell_by_path: exec /bin/bash"});
    CHECK(detections(*a, from_sshd).empty());
}
