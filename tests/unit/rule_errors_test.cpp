// Rule file errors and warnings, each with its exact "file:line:column:
// message": conditions (fields, operators, values, syntax), macros and
// lists, folded and quoted YAML scalars, rule keys, exceptions, thresholds,
// append/override, and YAML itself.
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "test_rule_files.h"

using crowsnest::RuleSet;
using crowsnest::test::RuleFiles;

namespace {

struct At {
    int line, column;
    std::string message;
};

// Rule files in a temporary directory: written, loaded, and the expected
// lines spelled out.
struct Files : RuleFiles {
    std::unique_ptr<RuleSet> rules;

    // Loads `texts` as a.yaml, b.yaml...
    bool load(const std::vector<std::string> &texts) {
        rules = RuleFiles::load(texts);
        return rules != nullptr;
    }
    std::vector<std::string> lines(const std::vector<At> &rows, const std::string &file = "a.yaml") const {
        std::vector<std::string> out;
        for (const auto &r : rows) out.push_back(at(r.line, r.column, r.message, file));
        return out;
    }
    std::vector<std::string> warnings_without_unused() const {
        std::vector<std::string> out;
        for (const auto &w : warnings)
            if (w.find("is never used") == std::string::npos) out.push_back(w);
        return out;
    }
};

// A rule whose condition starts at line 3, column 14.
std::string rule_with(const std::string &condition) {
    return "- rule: r\n  desc: d\n  condition: " + condition + "\n  output: o\n  priority: WARNING\n";
}

// ---- conditions: one error each, at line 3 ----------------------------------------

struct ConditionRow {
    const char *condition;
    int column;
    const char *message;
};

const std::vector<ConditionRow> kConditionRows = {
    // fields
    {"proc.nam = x", 14, "unknown field 'proc.nam'"},
    {"evt.type = execve and fd.nme exists", 36, "unknown field 'fd.nme'"},
    {"proc.aname[0] = x", 14, "field 'proc.aname' needs an ancestor number from 1 to 16 in [N], not '0'"},
    {"proc.aname[17] = x", 14, "field 'proc.aname' needs an ancestor number from 1 to 16 in [N], not '17'"},
    {"proc.optval = x", 14, "field 'proc.optval' needs an argument: proc.optval[--flag]"},
    {"proc.name[1] = x", 14, "field 'proc.name' takes no [argument]"},
    {"proc.aname[2 = x", 24, "'[' after proc.aname is never closed"},
    // macros
    {"evt.type = execve and no_such_macro", 36, "undefined macro 'no_such_macro'"},
    {"not_a_macro", 14, "undefined macro 'not_a_macro'"},
    // types
    {"fd.sport in (porfs)", 27, "fd.sport needs a number, not 'porfs' (or 'porfs' is an undefined list)"},
    {"fd.sport in (80, porfs)", 31, "fd.sport needs a number, not 'porfs' (or 'porfs' is an undefined list)"},
    {"fd.sport = https", 25, "fd.sport needs a number, not 'https'"},
    {"proc.pid = 12abc", 25, "proc.pid needs a number, not '12abc'"},
    {"fd.sport contains 80", 23, "operator 'contains' does not apply to fd.sport, a number"},
    {"fd.sport startswith (80)", 23, "operator 'startswith' does not apply to fd.sport, a number"},
    {"evt.failed = maybe", 27, "evt.failed needs true or false, not 'maybe'"},
    {"evt.failed in (true)", 25, "operator 'in' does not apply to evt.failed, a boolean"},
    {"proc.name < 5", 24, "operator '<' does not apply to proc.name, a string"},
    {"proc.name >= a", 24, "operator '>=' does not apply to proc.name, a string"},
    {"fd.sip contains 10.", 21, "operator 'contains' does not apply to fd.sip, an IP address"},
    {"fd.snet glob 10.*", 22, "operator 'glob' does not apply to fd.snet, an IP network"},
    // regex
    {"proc.name regex '(ab'", 30, "bad regex '(ab': missing ): (ab"},
    {"proc.name regex 'a**'", 30, "bad regex 'a**': bad repetition operator: **"},
    // IP addresses and networks
    {"fd.snet in (10.0.0.1/8)", 26,
     "fd.snet needs an IP address or a CIDR network such as 10.0.0.0/8, not '10.0.0.1/8'"},  // host bits
    {"fd.snet in (10.0.0.0/33)", 26,
     "fd.snet needs an IP address or a CIDR network such as 10.0.0.0/8, not '10.0.0.0/33'"},  // prefix too long
    {"fd.snet in (fd00::1/8)", 26,
     "fd.snet needs an IP address or a CIDR network such as 10.0.0.0/8, not 'fd00::1/8'"},
    {"fd.snet in (fd00::/129)", 26,
     "fd.snet needs an IP address or a CIDR network such as 10.0.0.0/8, not 'fd00::/129'"},
    {"fd.snet in (10.0.0.0/)", 26,
     "fd.snet needs an IP address or a CIDR network such as 10.0.0.0/8, not '10.0.0.0/'"},
    {"fd.sip = 1.2.3", 23, "fd.sip needs an IP address or a CIDR network such as 10.0.0.0/8, not '1.2.3'"},
    {"fd.sip in (10.0.0.1, 300.1.1.1)", 35,
     "fd.sip needs an IP address or a CIDR network such as 10.0.0.0/8, not '300.1.1.1'"},
    // operands
    {"proc.name = (a, b)", 26, "operator '=' takes one value, not a list"},
    {"proc.name glob (a, b)", 29, "operator 'glob' takes one value, not a list"},
    {"proc.name in", 26, "operator 'in' needs a list in parentheses: in (a, b)"},
    {"proc.name pmatch /etc", 31, "operator 'pmatch' needs a list in parentheses: pmatch (a, b)"},
    {"proc.name =", 25, "expected a value after operator '='"},
    {"proc.name = and x", 30, "expected 'and' or 'or' before 'x'"},  // a bare 'and' after an operator is a value
    {"proc.name in (a,", 30, "expected a value after '(' or ','"},
    {"proc.name in (a b)", 30, "expected ',' or ')' in the list, found 'b'"},
    // syntax
    {"(proc.name = x", 14, "unbalanced parentheses: '(' is never closed"},
    {"((proc.name = x)", 14, "unbalanced parentheses: '(' is never closed"},
    {"proc.name in (a, b", 27, "unbalanced parentheses: '(' is never closed"},
    {"proc.name = x)", 27, "unbalanced parentheses: ')' has no matching '('"},
    {"(proc.name = x))", 29, "unbalanced parentheses: ')' has no matching '('"},
    {"proc.name = \"abc", 26, "unterminated string"},
    {"proc.name in (a, 'b)", 31, "unterminated string"},
    {"proc.name = x y", 28, "expected 'and' or 'or' before 'y'"},
    {"proc.name = x and", 31, "the condition ends where a field, a macro or '(' was expected"},
    {"proc.name = x and not", 35, "the condition ends where a field, a macro or '(' was expected"},
    {"and proc.name = x", 14, "expected a field, a macro or '(' at 'and'"},
    {"proc.name = x and or proc.pid = 1", 32, "expected a field, a macro or '(' at 'or'"},
    {"proc.name equals x", 24, "expected an operator after 'proc.name', found 'equals'"},
    {"proc.name", 23, "expected an operator after 'proc.name'"},
    {"= x", 14, "expected a field, a macro or '(' at '='"},
    {"proc.name = x and 5 = 5", 32, "expected a field, a macro or '(' at '5'"},
    {"''", 14, "the condition is empty"},
};

TEST_CASE("rule errors: conditions, each at its file:line:column", "[rule_errors]") {
    CHECK(kConditionRows.size() >= 50);
    for (const auto &row : kConditionRows) {
        INFO(row.condition);
        Files f;
        CHECK_FALSE(f.load({rule_with(row.condition)}));
        CHECK(f.errors == f.lines({{3, row.column, row.message}}));
    }
}

TEST_CASE("rule errors: a condition nested too deeply", "[rule_errors]") {
    Files f;
    CHECK_FALSE(f.load({rule_with(std::string(150, '(') + "proc.name = x" + std::string(150, ')'))}));
    CHECK(f.errors == f.lines({{3, 14 + 100, "the condition is nested too deeply"}}));
    std::string nots;
    for (int i = 0; i < 150; i++) nots += "not ";
    CHECK_FALSE(f.load({rule_with(nots + "proc.name = x")}));
    CHECK(f.errors == f.lines({{3, 14 + 400, "the condition is nested too deeply"}}));
}

// ---- macros and lists ----------------------------------------------------------------

TEST_CASE("rule errors: lists and macros", "[rule_errors]") {
    Files f;
    SECTION("a list used as a macro") {
        CHECK_FALSE(f.load({"- list: shells\n  items: [bash]\n" + rule_with("evt.type = execve and shells")}));
        CHECK(f.errors == f.lines({{5, 36, "'shells' is a list, not a macro: use it as (shells)"}}));
    }
    SECTION("a macro cycle, at the use that closes it") {
        CHECK_FALSE(f.load({"- macro: a\n  condition: b and proc.name = x\n"
                            "- macro: b\n  condition: proc.pid = 1 or a\n" +
                            rule_with("evt.type = execve and a")}));
        CHECK(f.errors == f.lines({{4, 30, "macro 'a' uses itself"}}));
    }
    SECTION("a macro that uses itself") {
        CHECK_FALSE(f.load({"- macro: a\n  condition: proc.pid = 1 or a\n" + rule_with("a")}));
        CHECK(f.errors == f.lines({{2, 30, "macro 'a' uses itself"}}));
    }
    SECTION("an error inside a macro is reported at the macro's text, once") {
        CHECK_FALSE(f.load({"- macro: m\n  condition: evt.type = execve and fd.sport = https\n" + rule_with("m") +
                            "- rule: r2\n  desc: d\n  condition: m or proc.pid = 1\n  output: o\n  priority: INFO\n"}));
        CHECK(f.errors == f.lines({{2, 47, "fd.sport needs a number, not 'https'"}}));
    }
    SECTION("a macro that does not parse, and each rule that uses it") {
        CHECK_FALSE(f.load({"- macro: m\n  condition: proc.name = (\n" + rule_with("proc.pid = 1 or m") +
                            "- rule: r2\n  desc: d\n  condition: m\n  output: o\n  priority: INFO\n"}));
        CHECK(f.errors == f.lines({{2, 26, "operator '=' takes one value, not a list"},
                                   {5, 30, "macro 'm' has errors"},
                                   {10, 14, "macro 'm' has errors"}}));
    }
    SECTION("a macro appended to in a later file: the error is in that file") {
        CHECK_FALSE(f.load({"- macro: m\n  condition: proc.name = a\n" + rule_with("m"),
                            "# more\n- macro: m\n  condition: or proc.nam = b\n  append: true\n"}));
        CHECK(f.errors == f.lines({{3, 17, "unknown field 'proc.nam'"}}, "b.yaml"));
    }
    SECTION("a rule condition appended to in a later file") {
        CHECK_FALSE(f.load({rule_with("evt.type = execve"),
                            "- rule: r\n  condition: and (proc.name = a\n  override:\n    condition: append\n"}));
        CHECK(f.errors == f.lines({{2, 18, "unbalanced parentheses: '(' is never closed"}}, "b.yaml"));
    }
    SECTION("a list named in a numeric field's list, with a bad item") {
        CHECK_FALSE(f.load({"- list: ports\n  items: [80, http]\n" + rule_with("fd.sport in (ports)")}));
        CHECK(f.errors == f.lines({{5, 27, "fd.sport needs a number, not 'http' (or 'http' is an undefined list)"}}));
    }
}

// ---- YAML scalars: folded, literal, quoted ------------------------------------------

TEST_CASE("rule errors: positions inside folded, literal and quoted conditions", "[rule_errors]") {
    Files f;
    SECTION("folded >, the error on the second line") {
        CHECK_FALSE(f.load({"- rule: r\n  desc: d\n  condition: >\n    evt.type = execve and\n    proc.nam = x\n"
                            "  output: o\n  priority: WARNING\n"}));
        CHECK(f.errors == f.lines({{5, 5, "unknown field 'proc.nam'"}}));
    }
    SECTION("folded >-, the error on the third line, further right") {
        CHECK_FALSE(f.load({"- rule: r\n  desc: d\n  condition: >-\n    evt.type = execve\n    and proc.name = x\n"
                            "    and fd.sport in (80, porfs)\n  output: o\n  priority: WARNING\n"}));
        CHECK(f.errors ==
              f.lines({{6, 26, "fd.sport needs a number, not 'porfs' (or 'porfs' is an undefined list)"}}));
    }
    SECTION("literal |, an unbalanced parenthesis on the first line") {
        CHECK_FALSE(f.load({"- rule: r\n  desc: d\n  condition: |\n    (evt.type = execve and\n    proc.name = x\n"
                            "  output: o\n  priority: WARNING\n"}));
        CHECK(f.errors == f.lines({{4, 5, "unbalanced parentheses: '(' is never closed"}}));
    }
    SECTION("double-quoted with escapes before the error") {
        CHECK_FALSE(f.load({rule_with("\"proc.name = \\\"a\\\" and proc.nam = b\"")}));
        CHECK(f.errors == f.lines({{3, 37, "unknown field 'proc.nam'"}}));
    }
    SECTION("single-quoted with '' before the error") {
        CHECK_FALSE(f.load({rule_with("'proc.name = ''a'' and proc.nam = b'")}));
        CHECK(f.errors == f.lines({{3, 37, "unknown field 'proc.nam'"}}));
    }
    SECTION("a plain scalar over two lines") {
        CHECK_FALSE(f.load({"- rule: r\n  desc: d\n  condition: evt.type = execve\n    and proc.nam = x\n"
                            "  output: o\n  priority: WARNING\n"}));
        CHECK(f.errors == f.lines({{4, 9, "unknown field 'proc.nam'"}}));
    }
}

// ---- rule keys ------------------------------------------------------------------------

struct FileRow {
    const char *what;
    const char *yaml;
    std::vector<At> errors;
};

const std::vector<FileRow> kFileRows = {
    {"duplicate rule in one file",
     "- rule: r\n  desc: d\n  condition: proc.name = a\n  output: o\n  priority: WARNING\n"
     "- rule: r\n  desc: d\n  condition: proc.name = b\n  output: o\n  priority: WARNING\n",
     {{6, 9, "duplicate rule 'r' (first defined at <a.yaml>:1:9)"}}},
    {"unknown priority", "- rule: r\n  desc: d\n  condition: proc.name = a\n  output: o\n  priority: LOUD\n",
     {{5, 13,
       "unknown priority 'LOUD' (expected emergency, alert, critical, error, warning, notice, informational or debug)"}}},
    {"missing keys",
     "- rule: r\n  desc: d\n  condition: proc.name = a\n  priority: WARNING\n- rule: r2\n  condition: proc.name = a\n",
     {{1, 9, "rule 'r' needs 'output'"},
      {5, 9, "rule 'r2' needs 'desc'"},
      {5, 9, "rule 'r2' needs 'output'"},
      {5, 9, "rule 'r2' needs 'priority'"}}},
    {"a list without items", "- list: l\n", {{1, 9, "list 'l' needs 'items'"}}},
    {"a macro without a condition", "- macro: m\n", {{1, 10, "macro 'm' needs a 'condition'"}}},
    {"keys of the wrong shape",
     "- rule: r\n  desc: [d]\n  condition: proc.name = a\n  output: o\n  priority: WARNING\n"
     "- rule: r2\n  desc: d\n  condition: proc.name = a\n  output: o\n  priority: WARNING\n  tags: miner\n"
     "- rule: r3\n  desc: d\n  condition: proc.name = a\n  output: o\n  priority: WARNING\n  enabled: no\n"
     "- list: l\n  items: [a, [b]]\n",
     {{2, 9, "desc must be a string"},
      {11, 9, "tags must be a list"},
      {17, 12, "enabled must be true or false"},
      {19, 14, "an item of items must be a string"}}},
    {"items that are not rules, macros or lists",
     "- rule: r\n  desc: d\n  condition: proc.name = a\n  output: o\n  priority: WARNING\n- just text\n- name: x\n",
     {{6, 3, "expected a map: '- rule:', '- macro:' or '- list:'"}, {7, 3, "expected '- rule:', '- macro:' or '- list:'"}}},
    {"not a list of items", "rule: r\ndesc: d\n",
     {{1, 1, "expected a list of '- rule:', '- macro:' and '- list:' items"}}},
    // exceptions
    {"exception: comps count mismatch",
     "- rule: r\n  desc: d\n  condition: evt.type = connect\n  output: o\n  priority: WARNING\n  exceptions:\n"
     "    - name: e\n      fields: [proc.name, fd.sport]\n      comps: [=]\n      values:\n        - [curl, 443]\n",
     {{9, 14, "exception 'e' has 2 fields but 1 comps"}}},
    {"exception: tuple length mismatch",
     "- rule: r\n  desc: d\n  condition: evt.type = connect\n  output: o\n  priority: WARNING\n  exceptions:\n"
     "    - name: e\n      fields: [proc.name, fd.sport]\n      values:\n        - [curl, 443]\n        - [wget]\n",
     {{11, 11, "exception 'e' has 2 fields but this value has 1"}}},
    {"exception: unknown field, unknown comparison, bad values",
     "- rule: r\n  desc: d\n  condition: evt.type = connect\n  output: o\n  priority: WARNING\n  exceptions:\n"
     "    - name: e1\n      fields: [proc.name, fd.sprt]\n      values:\n        - [curl, 443]\n"
     "    - name: e2\n      fields: [proc.name, fd.sport]\n      comps: [=, like]\n"
     "    - name: e3\n      fields: [fd.sport]\n      values:\n        - [https]\n"
     "    - name: e4\n      fields: fd.sport\n      values: [80, http]\n"
     "    - name: e5\n      fields: [evt.failed]\n      comps: [in]\n"
     "    - name: e6\n      fields: evt.failed\n",
     {{8, 27, "unknown field 'fd.sprt'"},
      {13, 18, "unknown comparison 'like'"},
      {17, 12, "fd.sport needs a number, not 'https'"},
      {20, 20, "fd.sport needs a number, not 'http' (or 'http' is an undefined list)"},
      {23, 15, "operator 'in' does not apply to evt.failed, a boolean"},
      {25, 15, "operator 'in' does not apply to evt.failed, a boolean"}}},
    {"exception: shapes",
     "- rule: r\n  desc: d\n  condition: evt.type = connect\n  output: o\n  priority: WARNING\n  exceptions:\n"
     "    - fields: [proc.name]\n"
     "- rule: r2\n  desc: d\n  condition: evt.type = connect\n  output: o\n  priority: WARNING\n  exceptions:\n"
     "    - name: e\n"
     "- rule: r3\n  desc: d\n  condition: evt.type = connect\n  output: o\n  priority: WARNING\n  exceptions:\n"
     "    - name: e\n      fields: [proc.name]\n      values: curl\n"
     "- rule: r4\n  desc: d\n  condition: evt.type = connect\n  output: o\n  priority: WARNING\n  exceptions:\n"
     "    - name: e\n      fields: [proc.name]\n      values: [curl]\n"
     "- rule: r5\n  desc: d\n  condition: evt.type = connect\n  output: o\n  priority: WARNING\n"
     "  exceptions: none\n"
     "- rule: r6\n  desc: d\n  condition: evt.type = connect\n  output: o\n  priority: WARNING\n  exceptions:\n"
     "    - name: e\n      fields: []\n      values: [[]]\n",
     {{7, 7, "an exception needs a 'name'"},
      {14, 13, "exception 'e' needs 'fields'"},
      {23, 15, "exception values must be a list"},
      {32, 16, "each exception value must be a list with one entry per field"},
      {38, 15, "exceptions must be a list"},
      {45, 13, "exception 'e' needs 'fields'"}}},
    {"exception: a comparison that needs one value gets a list",
     "- rule: r\n  desc: d\n  condition: evt.type = connect\n  output: o\n  priority: WARNING\n  exceptions:\n"
     "    - name: e\n      fields: [proc.name]\n      values:\n        - [[curl, wget]]\n",
     {{10, 11, "operator '=' takes exactly one value"}}},
    // thresholds
    {"threshold: unknown key",
     "- rule: r\n  desc: d\n  condition: evt.type = connect\n  output: o\n  priority: WARNING\n  threshold:\n"
     "    group_by: [fd.sip]\n    at_most: 3\n    within: 10s\n",
     {{8, 5, "unknown threshold key 'at_most' (expected group_by, distinct, at_least, within, max_groups)"}}},
    {"threshold: at_least 0",
     "- rule: r\n  desc: d\n  condition: evt.type = connect\n  output: o\n  priority: WARNING\n  threshold:\n"
     "    group_by: [fd.sip]\n    at_least: 0\n    within: 10s\n",
     {{8, 15, "at_least must be a whole number from 1 to 10000"}}},
    {"threshold: bad durations",
     "- rule: r\n  desc: d\n  condition: evt.type = connect\n  output: o\n  priority: WARNING\n  threshold:\n"
     "    group_by: [fd.sip]\n    at_least: 3\n    within: 10 minutes\n"
     "- rule: r2\n  desc: d\n  condition: evt.type = connect\n  output: o\n  priority: WARNING\n  threshold:\n"
     "    group_by: [fd.sip]\n    at_least: 3\n    within: 2h\n"
     "- rule: r3\n  desc: d\n  condition: evt.type = connect\n  output: o\n  priority: WARNING\n  threshold:\n"
     "    group_by: [fd.sip]\n    at_least: 3\n    within: 0s\n",
     {{9, 13, "within must be a duration from 1ms to 1h, such as 10s, 500ms or 2m"},
      {18, 13, "within must be a duration from 1ms to 1h, such as 10s, 500ms or 2m"},
      {27, 13, "within must be a duration from 1ms to 1h, such as 10s, 500ms or 2m"}}},
    {"threshold: unknown group_by and distinct fields",
     "- rule: r\n  desc: d\n  condition: evt.type = connect\n  output: o\n  priority: WARNING\n  threshold:\n"
     "    group_by: [cgroup.id, fd.sipp]\n    distinct: fd.portt\n    at_least: 3\n    within: 10s\n",
     {{7, 27, "threshold group_by: unknown field 'fd.sipp'"}, {8, 15, "threshold distinct: unknown field 'fd.portt'"}}},
    {"threshold: missing keys, not a map",
     "- rule: r\n  desc: d\n  condition: evt.type = connect\n  output: o\n  priority: WARNING\n  threshold:\n"
     "    group_by: [fd.sip]\n    at_least: 3\n"
     "- rule: r2\n  desc: d\n  condition: evt.type = connect\n  output: o\n  priority: WARNING\n  threshold: 5\n",
     {{7, 5, "threshold needs 'within'"},
      {14, 14, "threshold must be a map: {group_by: [fields], distinct: field, at_least: N, within: 10s}"}}},
    // append and override in one file
    {"append to what is not defined",
     "- rule: nope\n  condition: and proc.name = x\n  append: true\n"
     "- list: nolist\n  items: [a]\n  append: true\n"
     "- macro: nomacro\n  condition: or x\n  override:\n    condition: append\n"
     "- rule: nope2\n  enabled: false\n",
     {{1, 9, "rule 'nope' to append to is not defined"},
      {4, 9, "list 'nolist' to append to is not defined"},
      {7, 10, "macro 'nomacro' to append to is not defined"},
      {11, 9, "rule 'nope2' to enable or disable is not defined"}}},
    {"bad overrides",
     "- list: l\n  items: [a]\n"
     "- list: l\n  items: [b]\n  append: true\n  override:\n    items: append\n"
     "- list: l\n  items: [b]\n  override:\n    name: append\n"
     "- list: l\n  items: [b]\n  override:\n    items: merge\n"
     "- list: l\n  override:\n    items: append\n"
     "- list: l\n  items: [b]\n  append: yes\n",
     {{7, 5, "use either 'append' or 'override', not both"},
      {11, 5, "'name' cannot be overridden"},
      {15, 12, "override mode must be append or replace"},
      {18, 5, "override of 'items' without a new 'items'"},
      {21, 11, "append must be true or false"}}},
    // YAML
    {"YAML: an unclosed flow sequence", "- rule: r\n  desc: d\n  condition: [evt.type = execve\n  output: o\n",
     {{4, 9, "end of sequence flow not found"}}},
    {"YAML: bad indentation", "- rule: r\n  desc: d\n condition: x\n", {{3, 2, "end of sequence not found"}}},
};

TEST_CASE("rule errors: rule files, exceptions, thresholds, overrides, YAML", "[rule_errors]") {
    for (const auto &row : kFileRows) {
        INFO(row.what);
        Files f;
        CHECK_FALSE(f.load({row.yaml}));
        auto expected = f.lines(row.errors);
        for (auto &e : expected) {  // "<a.yaml>" in a message: the file's path
            const size_t at = e.find("<a.yaml>");
            if (at != std::string::npos) e.replace(at, 8, f.path("a.yaml"));
        }
        CHECK(f.errors == expected);
    }
}

// ---- across files ---------------------------------------------------------------------

TEST_CASE("rule errors: a rule defined again in a later file replaces it", "[rule_errors]") {
    Files f;
    REQUIRE(f.load({rule_with("proc.name = a"), "- rule: r\n  desc: second\n  condition: proc.name = b\n"
                                                "  output: o\n  priority: INFO\n"}));
    CHECK(f.errors.empty());
    REQUIRE(f.rules->rule_count() == 1);
    CHECK(f.rules->rule_info(0).desc == "second");
    CHECK(f.rules->rule_info(0).severity == "info");
}

TEST_CASE("rule errors: exception values appended from another file", "[rule_errors]") {
    const std::string base =
        "- rule: r\n  desc: d\n  condition: evt.type = connect\n  output: o\n  priority: WARNING\n  exceptions:\n"
        "    - name: one\n      fields: proc.name\n      values: [curl]\n"
        "    - name: two\n      fields: [proc.name, fd.sport]\n      values:\n        - [curl, 443]\n";
    Files f;
    SECTION("in the shape of the exception: fine") {
        CHECK(f.load({base, "- rule: r\n  exceptions:\n    - name: one\n      values: [wget]\n"
                            "    - name: two\n      values:\n        - [wget, 80]\n  append: true\n"}));
        CHECK(f.errors.empty());
    }
    SECTION("in the other shape, or with bad values") {
        CHECK_FALSE(f.load({base, "- rule: r\n  exceptions:\n    - name: one\n      values:\n        - [dash]\n"
                                  "    - name: two\n      values: [wget]\n"
                                  "    - name: three\n      values:\n        - [x]\n"
                                  "    - name: one\n      fields: [proc.name, fd.sport]\n"
                                  "  append: true\n"
                                  "- rule: r\n  exceptions:\n    - name: two\n      values:\n        - [wget, http]\n"
                                  "  override:\n    exceptions: append\n"}));
        CHECK(f.errors ==
              f.lines({{3, 13,
                        "values appended to exception 'one' of rule 'r' must be a list of values, as its 'fields' "
                        "is one field"},
                       {6, 13, "values appended to exception 'two' of rule 'r' must be tuples, one value per field: - [a, b]"},
                       {8, 13, "exception 'three' is new to rule 'r' and needs 'fields'"},
                       {11, 13, "exception 'one' of rule 'r' already has other fields"},
                       {18, 18, "fd.sport needs a number, not 'http'"}},
                      "b.yaml"));
    }
}

TEST_CASE("rule errors: files whose macros or lists multiply are refused, not run out of memory", "[rule_errors]") {
    Files f;
    SECTION("a macro that uses the next one twice, twenty deep: a million comparisons") {
        std::string yaml;
        for (int i = 1; i <= 20; i++)
            yaml += "- macro: m" + std::to_string(i) + "\n  condition: " +
                    (i < 20 ? "m" + std::to_string(i + 1) + " or m" + std::to_string(i + 1) : "proc.name = a") + "\n";
        CHECK_FALSE(f.load({yaml + rule_with("m1")}));
        // the 250001st node is the second m15 in m14 (line 28)
        CHECK(f.errors == f.lines({{28, 21, "the rules are too large: more than 250000 comparisons once macros are expanded"}}));
    }
    SECTION("macros within macros, seventy deep") {
        std::string yaml;
        for (int i = 0; i < 70; i++)
            yaml += "- macro: d" + std::to_string(i) + "\n  condition: " +
                    (i < 69 ? "d" + std::to_string(i + 1) : "proc.name = a") + "\n";
        CHECK_FALSE(f.load({yaml + rule_with("d0")}));
        CHECK(f.errors == f.lines({{128, 14, "macros nested more than 64 deep"}}));  // d64, named by d63
    }
    SECTION("a list that names a list a thousand times") {
        std::string yaml = "- list: l0\n  items: [";
        for (int i = 0; i < 1000; i++) yaml += (i ? ", v" : "v") + std::to_string(i);
        yaml += "]\n- list: l1\n  items: [l0";
        for (int i = 0; i < 1000; i++) yaml += ", l0";
        CHECK_FALSE(f.load({yaml + "]\n" + rule_with("proc.name in (l1)")}));
        CHECK(f.errors == f.lines({{3, 9,
                                    "the lists are too large: more than 1000000 items once the lists they name are "
                                    "expanded"}}));
    }
    SECTION("a comparison that names a list two thousand times") {
        std::string yaml = "- list: l\n  items: [";
        for (int i = 0; i < 1000; i++) yaml += (i ? ", v" : "v") + std::to_string(i);
        std::string condition = "proc.name in (l";
        for (int i = 0; i < 2001; i++) condition += ", l";
        CHECK_FALSE(f.load({yaml + "]\n" + rule_with(condition + ")")}));
        // the 2001st l is the one that would pass two million values
        CHECK(f.errors == f.lines({{5, 14 + 14 + 2000 * 3,
                                    "the rules are too large: more than 2000000 values once lists are expanded"}}));
    }
}

TEST_CASE("rule errors: a file that cannot be read", "[rule_errors]") {
    Files f;
    std::vector<std::string> errors, warnings;
    CHECK(RuleSet::load({f.path("missing.yaml")}, errors, warnings) == nullptr);
    CHECK(errors == std::vector<std::string>{f.path("missing.yaml") + ": cannot read the file: No such file or directory"});
}

// ---- warnings ---------------------------------------------------------------------------

TEST_CASE("rule warnings: never stop the load, each at its place", "[rule_errors]") {
    Files f;
    REQUIRE(f.load({"- required_engine_version: 0.26.0\n"
                    "- list: unused_list\n  items: [a]\n"
                    "- list: used_by_list\n  items: [b]\n"
                    "- list: user\n  items: [used_by_list]\n"
                    "- macro: unused_macro\n  condition: proc.name = a\n"
                    "- macro: used\n  condition: proc.name in (user)\n"
                    "- rule: r\n  desc: d\n  condition: evt.type = execve and used\n"
                    "  output: \"%proc.name %k8s.deployment.name %proc.name[1]\"\n"
                    "  priority: WARNING\n  colour: red\n  source: syscall\n"
                    "  exceptions:\n    - name: e\n      fields: [proc.name]\n      values: [[x]]\n      note: hi\n"
                    "- macro: m2\n  condition: proc.pid = 1\n  description: d\n"
                    "- rule: r2\n  desc: d\n  condition: evt.type in (execve, clone) and evt.type != ptrace\n"
                    "  output: o\n  priority: INFO\n"}));
    const std::string a = f.path("a.yaml");
    CHECK(f.warnings == std::vector<std::string>{
                            a + ":17:3: warning: unknown key 'colour' ignored",
                            a + ":23:7: warning: unknown key 'note' ignored",
                            a + ":26:3: warning: unknown key 'description' ignored",
                            a + ":15:11: warning: unknown field 'k8s.deployment.name' in output, printed as <NA>",
                            a + ":15:11: warning: field 'proc.name' takes no [argument] in output, printed as <NA>",
                            a + ":29:35: warning: evt.type 'clone' is not an event crowsnest watches; it never matches",
                            a + ":2:9: warning: list 'unused_list' is never used",
                            a + ":24:10: warning: macro 'm2' is never used",
                            a + ":8:10: warning: macro 'unused_macro' is never used",
                        });
    CHECK(f.rules->rule_count() == 2);
}

TEST_CASE("rule warnings: a list or macro used only by a disabled rule is used", "[rule_errors]") {
    Files f;
    REQUIRE(f.load({"- list: l\n  items: [a]\n- macro: m\n  condition: proc.name in (l)\n"
                    "- rule: r\n  desc: d\n  condition: m\n  output: o\n  priority: INFO\n  enabled: false\n"}));
    CHECK(f.warnings.empty());
    CHECK(f.rules->rule_count() == 0);
}

}  // namespace
