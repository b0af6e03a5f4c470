// The prefilter's summary of a rule set: what each construct of a condition
// becomes in the kernel's terms, and the rules that keep it from filtering.
#include <catch2/catch.hpp>

#include <algorithm>

#include "rules/prefilter_summary.h"
#include "test_rule_files.h"

using namespace crowsnest;

namespace {

// The summary's lines for one event type, as `rules validate --summary`
// prints them.
std::vector<std::string> summary_of(const std::string &rules, const std::string &type) {
    test::RuleFiles files;
    auto set = files.load({rules});
    REQUIRE(set);
    std::vector<std::string> out;
    bool in_type = false;
    for (auto &line : describe_prefilter(summarise_for_prefilter(*set), true)) {
        if (line.rfind("prefilter: ", 0) == 0) in_type = line.rfind("prefilter: " + type + " ", 0) == 0;
        if (in_type) out.push_back(std::move(line));
    }
    return out;
}

std::vector<std::string> open_summary(const std::string &rules) { return summary_of(rules, "open"); }
std::vector<std::string> connect_summary(const std::string &rules) { return summary_of(rules, "connect"); }
std::vector<std::string> outcome_summary(const std::string &rules) { return summary_of(rules, "connect_result"); }

std::string rule(const std::string &name, const std::string &condition) {
    return "- rule: " + name + "\n  desc: d\n  condition: " + condition + "\n  output: o\n  priority: WARNING\n";
}

const std::string kOpen = "evt.type in (open, openat, openat2)";

}  // namespace

TEST_CASE("prefilter: open flags, result, container and pid namespace become facts") {
    CHECK(open_summary(rule("w", kOpen + " and evt.is_open_write = true and container.id != host")) ==
          std::vector<std::string>{
              "prefilter: open events: filtered in the kernel: 1 clauses (0 with path tests, 0 with port tests)",
              "  sent when: write and container"});
    CHECK(open_summary(rule("r", kOpen + " and evt.is_open_read = true and evt.res = SUCCESS and proc.in_host_pidns = false"))[1] ==
          "  sent when: read and not failed and not host_pidns");
    CHECK(open_summary(rule("f", kOpen + " and evt.res startswith E"))[1] == "  sent when: failed");
    CHECK(open_summary(rule("f", kOpen + " and evt.rawres < 0"))[1] == "  sent when: failed");
    CHECK(open_summary(rule("f", kOpen + " and not evt.failed = true"))[1] == "  sent when: not failed");
    // a host process cannot be told from an unknown cgroup: no fact
    CHECK(open_summary(rule("h", kOpen + " and container.id = host and fd.name startswith /etc/"))[1] ==
          "  sent when: path (prefix /etc/)");
}

TEST_CASE("prefilter: path comparisons become prefix, suffix and name patterns") {
    CHECK(open_summary(rule("p", kOpen + " and fd.name startswith /proc/1/root/"))[1] ==
          "  sent when: path (prefix /proc/1/root/)");
    CHECK(open_summary(rule("p", kOpen + " and fd.name pmatch (/etc, /root)"))[1] ==
          "  sent when: path (prefix /etc or prefix /root)");
    CHECK(open_summary(rule("g", kOpen + " and fd.name glob \"/dev/cpu/*/msr\""))[1] ==
          "  sent when: path (prefix /dev/cpu/)");
    CHECK(open_summary(rule("d", kOpen + " and fd.directory in (/etc, /)"))[1] ==
          "  sent when: path (prefix /etc/ or prefix /)");
    CHECK(open_summary(rule("n", kOpen + " and fd.filename in (docker.sock, release_agent)"))[1] ==
          "  sent when: path (name docker.sock or name release_agent)");
    CHECK(open_summary(rule("s", kOpen + " and fd.name endswith .log"))[1] == "  sent when: path (suffix .log)");
    CHECK(open_summary(rule("s", kOpen + " and fd.filename glob \"*.pem\""))[1] == "  sent when: path (suffix .pem)");
    CHECK(open_summary(rule("h", kOpen + " and host.path pmatch (/etc/)"))[1] == "  sent when: host_file");
    // a whole path: its last component, which a relative path shows too
    CHECK(open_summary(rule("w", kOpen + " and fd.name in (/etc/shadow, /proc/sys/kernel/core_pattern)"))[1] ==
          "  sent when: path (name shadow or name core_pattern)");
    CHECK(open_summary(rule("r", kOpen + " and fd.name in (/, /etc/., relative)"))[1] ==
          "  sent when: path (prefix / or prefix /etc/. or prefix relative)");  // no name to test
    // a name longer than the kernel holds is cut to a weaker test: its end
    const std::string deep = "/x/" + std::string(80, 'a');
    CHECK(open_summary(rule("l", kOpen + " and fd.name = " + deep))[1] ==
          "  sent when: path (suffix " + std::string(64, 'a') + ")");
    const std::string long_prefix = "/" + std::string(80, 'b') + "/";
    CHECK(open_summary(rule("l", kOpen + " and fd.name startswith " + long_prefix))[1] ==
          "  sent when: path (prefix " + long_prefix.substr(0, 64) + ")");
}

TEST_CASE("prefilter: and, or and not combine clauses, and rules add theirs") {
    // two tests of the path in one clause: one of them is kept (either is necessary)
    CHECK(open_summary(rule("a", kOpen + " and fd.name startswith /var/ and fd.filename in (a.log, b.log)"))[1] ==
          "  sent when: path (prefix /var/)");
    // not (a or b) = not a and not b
    CHECK(open_summary(rule("n", kOpen + " and not (evt.is_open_write = true or evt.failed = true)"))[1] ==
          "  sent when: not write and not failed");
    // clauses that differ in one fact, true in one and false in the other, merge
    const auto merged = open_summary(rule("m", kOpen + " and fd.name startswith /dev/cpu/ and "
                                               "((evt.failed = true and evt.is_open_write = true) or "
                                               "(evt.failed = false and evt.is_open_write = true))"));
    CHECK(merged[1] == "  sent when: write and path (prefix /dev/cpu/)");
    CHECK(merged.size() == 2);
    // a clause that holds wherever another does takes its place
    const auto two = open_summary(rule("a", kOpen + " and evt.is_open_write = true") +
                                  rule("b", kOpen + " and evt.is_open_write = true and container.id != host"));
    CHECK(two.size() == 2);
    CHECK(two[1] == "  sent when: write");
    // exceptions only narrow a rule: they are left out
    const auto exc = open_summary(rule("e", kOpen + " and fd.name startswith /etc/") +
                                  "  exceptions:\n    - name: x\n      fields: proc.name\n      values: [vi]\n");
    CHECK(exc[1] == "  sent when: path (prefix /etc/)");
}

TEST_CASE("prefilter: a rule the kernel cannot summarise sends every open, and is named") {
    const auto lines = open_summary(rule("fine", kOpen + " and evt.is_open_write = true") +
                                    rule("costly", kOpen + " and fd.name contains secret"));
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == "prefilter: open events: all sent: rule 'costly' uses fd.name contains, which the kernel "
                      "cannot test");
    // a rule with no evt.type applies to opens too
    CHECK(open_summary(rule("any", "proc.name = nc"))[0] ==
          "prefilter: open events: all sent: rule 'any' uses proc.name =, which the kernel cannot test");
    CHECK(open_summary(rule("bare", kOpen))[0] ==
          "prefilter: open events: all sent: rule 'bare' tests nothing of an open that the kernel can test");
    // but an unsummarisable check beside a summarised one only weakens it
    CHECK(open_summary(rule("half", kOpen + " and evt.is_open_write = true and fd.name contains x"))[1] ==
          "  sent when: write");
}

TEST_CASE("prefilter: rules that never see opens filter every open, and the shipped rules filter them") {
    CHECK(open_summary(rule("exec", "evt.type = execve and proc.name = xmrig")) ==
          std::vector<std::string>{
              "prefilter: open events: filtered in the kernel: 0 clauses (0 with path tests, 0 with port tests)"});
    test::RuleFiles files;
    std::vector<std::string> errors, warnings;
    auto shipped = RuleSet::load({std::string(CROWSNEST_DEFAULT_RULES) + "/default.yaml"}, errors, warnings);
    REQUIRE(shipped);
    const PrefilterSummary s = summarise_for_prefilter(*shipped);
    CHECK(s.open.filtered);
    CHECK(s.open.clauses.size() <= PrefilterSummary::kMaxClauses);
    CHECK(s.patterns.size() <= PrefilterSummary::kMaxPatterns);
    for (const auto &c : s.open.clauses) CHECK((c.need_true || !c.patterns.empty()));  // none sends every open
}

TEST_CASE("prefilter: too many alternatives are folded into fewer, weaker clauses") {
    // 40 rules, each with its own path and its own facts (the base-3 digits
    // of its number: not tested, true, false)
    static const char *const kFacts[] = {"evt.is_open_write", "evt.is_open_read", "evt.failed", "proc.in_host_pidns"};
    std::string rules;
    for (int i = 0; i < 40; i++) {
        std::string cond = kOpen + " and fd.name startswith /d" + std::to_string(i) + "/";
        for (int f = 0, n = i; f < 4; f++, n /= 3)
            if (n % 3) cond += std::string(" and ") + kFacts[f] + (n % 3 == 1 ? " = true" : " = false");
        rules += rule("r" + std::to_string(i), cond);
    }
    test::RuleFiles files;
    auto set = files.load({rules});
    REQUIRE(set);
    const PrefilterSummary s = summarise_for_prefilter(*set);
    CHECK(s.open.filtered);
    CHECK(s.open.clauses.size() <= PrefilterSummary::kMaxClauses);
    // every rule's paths are still wanted by some clause
    std::vector<bool> covered(s.patterns.size());
    for (const auto &c : s.open.clauses)
        for (uint32_t p : c.patterns) covered.at(p) = true;
    CHECK(std::all_of(covered.begin(), covered.end(), [](bool b) { return b; }));
    CHECK(s.patterns.size() == 40);
}

TEST_CASE("prefilter: connects by family, port, result and unix path") {
    const std::string kConnect = "evt.type = connect";
    CHECK(connect_summary(rule("p", kConnect + " and fd.sockfamily = ip and container.id != host and fd.sport in (3333, 4444)"))[1] ==
          "  sent when: container and inet and port (3333 or 4444)");
    CHECK(connect_summary(rule("s", kConnect + " and fd.sockfamily = ip and evt.res != SUCCESS"))[1] ==
          "  sent when: failed and inet");
    CHECK(connect_summary(rule("u", kConnect + " and fd.unix_path endswith (/docker.sock)"))[1] ==
          "  sent when: unix and path (suffix /docker.sock)");
    CHECK(connect_summary(rule("n", kConnect + " and not fd.sockfamily = unix"))[1] == "  sent when: not unix");
    // a list shipped empty for users to fill is never true
    CHECK(connect_summary("- list: pools\n  items: []\n" + rule("e", kConnect + " and fd.snet in (pools)")) ==
          std::vector<std::string>{
              "prefilter: connect events: filtered in the kernel: 0 clauses (0 with path tests, 0 with port tests)"});
    CHECK(connect_summary(rule("a", kConnect + " and fd.sip = 10.0.0.1"))[0] ==
          "prefilter: connect events: all sent: rule 'a' uses fd.sip =, which the kernel cannot test");
    // an open's path fields say nothing of a connect
    CHECK(connect_summary(rule("f", "fd.name startswith /etc/"))[0] ==
          "prefilter: connect events: all sent: rule 'f' uses fd.name startswith, which the kernel cannot test");
    // more than 32 distinct ports: the port test is dropped, the family kept
    std::string ports;
    for (int p = 1000; p < 1040; p++) ports += (ports.empty() ? "" : ", ") + std::to_string(p);
    CHECK(connect_summary(rule("many", kConnect + " and fd.sport in (" + ports + ")"))[1] == "  sent when: inet");
}

TEST_CASE("prefilter: connect outcomes by result, port and container, and the shipped rules want no connection made") {
    const std::string kOutcome = "evt.type = connect_result";
    CHECK(outcome_summary(rule("f", kOutcome + " and evt.outcome in (failed, abandoned)"))[1] == "  sent when: failed");
    CHECK(outcome_summary(rule("e", kOutcome + " and evt.outcome = established and fd.sport = 22"))[1] ==
          "  sent when: not failed and inet and port (22)");
    CHECK(outcome_summary(rule("n", kOutcome + " and evt.outcome != established and container.id != host"))[1] ==
          "  sent when: failed and container");
    CHECK(outcome_summary(rule("r", kOutcome + " and evt.res = ECONNREFUSED"))[1] == "  sent when: failed");
    // a rule that names connect alone wants no outcome; evt.outcome is unset on a connect
    CHECK(outcome_summary(rule("c", "evt.type = connect and fd.sport = 22")) ==
          std::vector<std::string>{
              "prefilter: connect_result events: filtered in the kernel: 0 clauses (0 with path tests, 0 with port tests)"});
    CHECK(connect_summary(rule("o", "evt.type in (connect, connect_result) and evt.outcome = failed"))[0] ==
          "prefilter: connect events: filtered in the kernel: 0 clauses (0 with path tests, 0 with port tests)");
    // what the kernel cannot test sends every outcome, and is named
    CHECK(outcome_summary(rule("p", kOutcome + " and proc.name = nmap"))[0] ==
          "prefilter: connect_result events: all sent: rule 'p' uses proc.name =, which the kernel cannot test");

    std::vector<std::string> errors, warnings;
    auto shipped = RuleSet::load({std::string(CROWSNEST_DEFAULT_RULES) + "/default.yaml"}, errors, warnings);
    REQUIRE(shipped);
    const PrefilterSummary s = summarise_for_prefilter(*shipped);
    REQUIRE(s.connect_result.filtered);
    REQUIRE_FALSE(s.connect_result.clauses.empty());
    for (const auto &c : s.connect_result.clauses) CHECK((c.need_true & kFactFailed));  // never a connection made
}
