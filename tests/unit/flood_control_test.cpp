// Flood control of an alert output: token bucket, deduplication windows,
// exact counts in the summaries, bounded keys.
#include <catch2/catch.hpp>

#include "outputs/flood_control.h"

using namespace crowsnest;
using namespace std::chrono_literals;

namespace {

v1::Verdict verdict(const std::string &rule, const std::string &container = "c1", const std::string &exe = "/x") {
    v1::Verdict v;
    v.set_rule(rule);
    v.set_output(rule + " fired");
    v.mutable_container()->set_id(container);
    v.mutable_process()->set_exe(exe);
    return v;
}

}  // namespace

TEST_CASE("flood control: 10 000 identical verdicts in a second give burst + rate x window and one exact summary",
          "[outputs]") {
    const FloodLimits limits{5, 20, 1s};
    FloodControl flood(limits);
    const auto t0 = FloodControl::Clock::now();
    size_t passed = 0;
    for (int i = 0; i < 10000; i++) passed += flood.admit(verdict("miner"), t0 + std::chrono::microseconds(i * 100));
    CHECK(passed >= 1);
    CHECK(passed <= size_t(limits.burst + limits.rate * 1));
    CHECK(flood.suppressed() == 10000 - passed);
    CHECK(flood.closed_windows(t0 + 500ms).empty());  // the window is still open
    const auto summaries = flood.closed_windows(t0 + 2s);
    REQUIRE(summaries.size() == 1);
    CHECK(summaries[0].aggregate().count() == 10000 - passed);
    CHECK(summaries[0].rule() == "miner");
    CHECK(summaries[0].output() == std::to_string(10000 - passed) + " similar verdicts suppressed: miner fired");
    CHECK(flood.closed_windows(t0 + 10s).empty());  // said once
}

TEST_CASE("flood control: the token bucket holds back distinct verdicts and summarises each key", "[outputs]") {
    FloodControl flood(FloodLimits{2, 3, 0s});
    const auto t0 = FloodControl::Clock::now();
    size_t passed = 0;
    for (int i = 0; i < 10; i++) passed += flood.admit(verdict("r" + std::to_string(i)), t0);
    CHECK(passed == 3);  // the burst
    CHECK(flood.suppressed() == 7);
    // refilled at 2 a second
    CHECK(flood.admit(verdict("late"), t0 + 600ms));
    CHECK_FALSE(flood.admit(verdict("later"), t0 + 700ms));
    const auto summaries = flood.closed_windows(t0 + 11s);
    CHECK(summaries.size() == 8);
    for (const auto &s : summaries) CHECK(s.aggregate().count() == 1);
}

TEST_CASE("flood control: a new window reports the last one's count, off means everything passes", "[outputs]") {
    FloodControl flood(FloodLimits{0, 0, 10s});
    const auto t0 = FloodControl::Clock::now();
    CHECK(flood.admit(verdict("a"), t0));
    CHECK_FALSE(flood.admit(verdict("a"), t0 + 1s));
    CHECK_FALSE(flood.admit(verdict("a"), t0 + 2s));
    CHECK(flood.admit(verdict("a", "c2"), t0 + 2s));        // another container
    CHECK(flood.admit(verdict("a", "c1", "/y"), t0 + 2s));  // another executable
    CHECK(flood.admit(verdict("a"), t0 + 11s));             // a new window, before anyone asked for summaries
    const auto summaries = flood.closed_windows(t0 + 12s);
    REQUIRE(summaries.size() == 1);
    CHECK(summaries[0].aggregate().count() == 2);

    FloodControl off(FloodLimits{});
    CHECK_FALSE(off.active());
    for (int i = 0; i < 100; i++) CHECK(off.admit(verdict("a"), t0));
    CHECK(off.suppressed() == 0);
}

TEST_CASE("flood control: keys are bounded, and what cannot be tracked is still counted", "[outputs]") {
    FloodLimits limits{1, 1, 60s};
    limits.max_keys = 4;
    FloodControl flood(limits);
    const auto t0 = FloodControl::Clock::now();
    for (int i = 0; i < 100; i++) flood.admit(verdict("r" + std::to_string(i)), t0);
    CHECK(flood.suppressed() == 99);
    const auto summaries = flood.closed_windows(t0, true);
    CHECK(summaries.size() <= 4);
}
