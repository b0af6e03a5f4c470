// ThresholdTracker: distinct values or events per group in a sliding
// window, once per window, bounded memory.
#include <catch2/catch.hpp>

#include "test_rule_files.h"
#include "test_context.h"
#include "rules/threshold_tracker.h"

using crowsnest::ThresholdTracker;

namespace {

constexpr uint64_t kSecond = 1000000000ULL;

// Values first..first+count-1 of one group at time t; returns how many reports came.
int sweep(ThresholdTracker &t, uint64_t group, uint64_t first, int count, uint64_t time) {
    int reports = 0;
    for (int i = 0; i < count; i++) reports += t.observe(group, first + uint64_t(i), time);
    return reports;
}

}  // namespace

TEST_CASE("threshold: the at_least-th distinct value reports, once per window", "[threshold]") {
    ThresholdTracker t(50, 10 * kSecond, true);
    CHECK(sweep(t, 7, 1, 49, kSecond) == 0);
    CHECK(t.observe(7, 50, kSecond));
    CHECK(sweep(t, 7, 51, 100, 2 * kSecond) == 0);  // quiet for the rest of the window
    CHECK(sweep(t, 7, 200, 50, 12 * kSecond) == 1);  // a new window reports again
}

TEST_CASE("threshold: repeated values do not count, events do without distinct", "[threshold]") {
    ThresholdTracker distinct(3, 10 * kSecond, true);
    for (int i = 0; i < 100; i++) CHECK_FALSE(distinct.observe(1, 443, kSecond));
    CHECK_FALSE(distinct.observe(1, 80, kSecond));
    CHECK(distinct.observe(1, 8080, kSecond));

    ThresholdTracker events(3, 10 * kSecond, false);
    CHECK_FALSE(events.observe(1, 443, kSecond));
    CHECK_FALSE(events.observe(1, 443, kSecond));
    CHECK(events.observe(1, 443, kSecond));
}

TEST_CASE("threshold: the window slides", "[threshold]") {
    ThresholdTracker t(10, 10 * kSecond, true);
    // 9 values per 11 s never make 10 within any 10 s
    for (int w = 0; w < 5; w++) CHECK(sweep(t, 1, uint64_t(100 * w), 9, uint64_t(w) * 11 * kSecond) == 0);
    // 5 at t=50 s and 5 at t=55 s are 10 within 10 s, across any fixed window edge
    CHECK(sweep(t, 2, 1000, 5, 50 * kSecond) == 0);
    CHECK(sweep(t, 2, 2000, 5, 55 * kSecond) == 1);
}

TEST_CASE("threshold: groups count apart", "[threshold]") {
    ThresholdTracker t(10, 10 * kSecond, true);
    CHECK(sweep(t, 1, 1, 5, kSecond) == 0);
    CHECK(sweep(t, 2, 6, 5, kSecond) == 0);
    CHECK(sweep(t, 3, 1, 10, kSecond) == 1);
}

TEST_CASE("threshold: memory is bounded, expired groups go first", "[threshold]") {
    ThresholdTracker t(5, 10 * kSecond, true, 4);
    for (uint64_t g = 1; g <= 4; g++) t.observe(g, 1, kSecond);
    CHECK(t.groups() == 4);
    // all four have expired by now: they make room without an eviction
    t.observe(5, 1, 20 * kSecond);
    CHECK(t.groups() == 1);
    CHECK(t.evictions() == 0);
    for (uint64_t g = 6; g <= 9; g++) t.observe(g, 1, 21 * kSecond);
    CHECK(t.groups() == 4);
    CHECK(t.evictions() == 1);  // a live group had to go
}

// Through a rule: the evictions of its threshold are the rule set's counter.
TEST_CASE("threshold: a rule's evictions are counted by its rule set", "[threshold]") {
    crowsnest::test::RuleFiles files;
    auto rules = files.load({"- rule: scan\n  desc: d\n  condition: evt.type = connect\n  output: x\n"
                             "  priority: WARNING\n  tags: [scanner]\n"
                             "  threshold: {group_by: [fd.sip], distinct: fd.sport, at_least: 5, within: 10s, "
                             "max_groups: 2}\n"});
    REQUIRE(rules);
    std::vector<crowsnest::Detection> out;
    for (const char *ip : {"10.0.0.1", "10.0.0.2", "10.0.0.3"}) {
        auto s = crowsnest::test::connect_inet_scene(ip, 80, -111);
        s.event.boot_ns = kSecond;
        rules->match(s.ctx(), out);
    }
    CHECK(out.empty());
    CHECK(rules->threshold_evictions() == 1);
}
