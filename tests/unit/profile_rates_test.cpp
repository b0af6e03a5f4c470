// Per-window rates: the robust summary (median, MAD), the score and its
// floor, windows with no events, too few learned windows, and a locked
// profile's rate anomaly naming the feature, the count, the median and the score.
#include <catch2/catch.hpp>

#include "profile/profile_rates.h"
#include "profile_scenes.h"

using namespace crowsnest;
using namespace crowsnest::test;

namespace {

RateSummary summary_of(std::vector<uint16_t> v) { return summarise_rate(v); }

constexpr uint64_t kSecond = 1000000000ull;

// A profiler whose windows are a second long, checked after 5 learned ones.
ProfileConfig rate_profiles() {
    ProfileConfig c = quick_profiles();
    c.rates.window_ns = kSecond;
    c.rates.min_windows = 5;
    return c;
}

// `n` execs of the same program within the window starting at `second`.
std::vector<Novelty> execs(Profiler &p, uint64_t second, int n) {
    std::vector<Novelty> all;
    for (int i = 0; i < n; i++)
        for (auto &novelty : observe(p, exec_scene("/usr/bin/make", {"make"}), second * kSecond + uint64_t(i)))
            all.push_back(novelty);
    return all;
}

}  // namespace

TEST_CASE("profile rates: median and MAD of odd, even, constant and empty histories", "[profile]") {
    const RateSummary odd = summary_of({3, 1, 2, 9, 2});
    CHECK(odd.median == 2);
    CHECK(odd.mad == 1);  // deviations 1, 1, 0, 7, 0
    CHECK(odd.windows == 5);
    const RateSummary even = summary_of({1, 2, 4, 10});
    CHECK(even.median == 3);
    CHECK(even.mad == 1.5);  // deviations 2, 1, 1, 7
    const RateSummary constant = summary_of({4, 4, 4, 4});
    CHECK(constant.median == 4);
    CHECK(constant.mad == 0);
    CHECK(summary_of({}).windows == 0);
    // one wild window moves neither
    CHECK(summary_of({2, 2, 3, 2, 60000}).median == 2);
    CHECK(summary_of({2, 2, 3, 2, 60000}).mad == 0);
}

TEST_CASE("profile rates: the score counts only what is above the median, with a floor when MAD is 0", "[profile]") {
    const RateSummary quiet{0, 0, 20};
    CHECK(rate_score(quiet, 0) == 0);
    CHECK(rate_score(quiet, 1) == 1);  // one more than never: far below any threshold
    CHECK(rate_score(quiet, 6) == 6);
    const RateSummary steady{2, 0, 20};
    CHECK(rate_score(steady, 3) == 1);
    CHECK(rate_score(steady, 1) == 0);  // less than usual: no score
    const RateSummary spread{10, 2, 20};
    CHECK(rate_score(spread, 16) == Approx(6 / (1.4826 * 2)));
    const RateSummary busy{400, 0, 20};
    CHECK(rate_score(busy, 500) == 1);  // a quarter of the median is the floor
}

TEST_CASE("profile rates: a window with no events is neither learned nor closed into a zero", "[profile]") {
    RateWindow w;
    CHECK_FALSE(w.move_to(0, kSecond));
    CHECK_FALSE(w.move_to(5 * kSecond, kSecond));  // nothing happened in the first
    CHECK(w.add(RateFeature::Execs) == 1);
    CHECK(w.add_destination(7) == 1);
    CHECK(w.add_destination(7) == 1);  // the same destination counts once
    CHECK(w.add_destination(8) == 2);
    CHECK_FALSE(w.move_to(5 * kSecond + 1, kSecond));  // the same window
    CHECK_FALSE(w.move_to(4 * kSecond, kSecond));      // a late event of an earlier one counts in this one
    CHECK(w.move_to(9 * kSecond, kSecond));
    CHECK(w.closed()[size_t(RateFeature::Execs)] == 1);
    CHECK(w.closed()[size_t(RateFeature::Destinations)] == 2);
    CHECK(w.first_report(RateFeature::Writes));
    CHECK_FALSE(w.first_report(RateFeature::Writes));
}

TEST_CASE("profile rates: the history is bounded, its oldest windows go first", "[profile]") {
    RateOptions o;
    o.history = 3;
    ProfileRates rates;
    for (uint32_t n : {50u, 1u, 2u, 3u}) learn_window(rates, {n, 0, 0, 0}, o);
    CHECK(rates.history[0] == std::vector<uint16_t>{1, 2, 3});
    CHECK(rates.summary[0].median == 2);
    CHECK(rates.summary[0].windows == 3);
    CHECK(rates.window_ns == o.window_ns);
    learn_window(rates, {70000, 0, 0, 0}, o);  // past 16 bits: kept as the most
    CHECK(rates.history[0].back() == 65535);
}

TEST_CASE("profile rates: a locked profile reports a window far above its median once, naming the feature, the "
          "count, the median and the score",
          "[profile]") {
    Profiler p(rate_profiles(), nullptr);
    const std::string key = "id:" + kContainerId;
    for (uint64_t s = 0; s < 8; s++) CHECK(execs(p, s * 2, 2 + int(s % 2)).empty());  // 2 or 3 a window, some idle between
    execs(p, 20, 1);  // closes the last learned window
    const Profile &profile = *p.find(key);
    CHECK(profile.rates.summary[size_t(RateFeature::Execs)].windows == 8);
    CHECK(profile.rates.summary[size_t(RateFeature::Execs)].median == 2.5);
    CHECK(profile.rates.summary[size_t(RateFeature::Writes)].median == 0);
    REQUIRE(p.lock(key));
    CHECK(execs(p, 30, 3).empty());  // usual
    const auto burst = execs(p, 40, 40);
    REQUIRE(burst.size() == 1);
    const Novelty &n = burst[0];
    CHECK(n.what == Novelty::What::Rate);
    CHECK(n.feature == RateFeature::Execs);
    // median 2.5, MAD 0.5: the floor of 1 is the scale, so 9 is the first count 6 above
    CHECK(n.count == 9);
    CHECK(n.score == 6.5);
    CHECK(execs(p, 41, 40).size() == 1);  // again in the next window
    CHECK(p.counters().rate_anomalies == 2);
}

TEST_CASE("profile rates: with fewer learned windows than the minimum a locked profile gives no rate verdict",
          "[profile]") {
    Profiler p(rate_profiles(), nullptr);
    const std::string key = "id:" + kContainerId;
    for (uint64_t s = 0; s < 4; s++) execs(p, s, 1);
    execs(p, 10, 1);
    CHECK(p.find(key)->rates.summary[0].windows == 4);
    REQUIRE(p.lock(key));
    CHECK(execs(p, 20, 100).empty());
}

TEST_CASE("profile rates: relearning forgets them, a restored profile of another window length learns them anew",
          "[profile]") {
    Profiler p(rate_profiles(), nullptr);
    const std::string key = "id:" + kContainerId;
    for (uint64_t s = 0; s < 6; s++) execs(p, s, 2);
    CHECK(p.find(key)->rates.summary[0].windows == 5);
    REQUIRE(p.relearn(key, 10 * kSecond));
    CHECK(p.find(key)->rates.window_ns == 0);
    CHECK(p.find(key)->rates.summary[0].windows == 0);

    Profile kept;
    kept.key = "web@nginx";
    kept.rates.window_ns = 30 * kSecond;
    kept.rates.summary[0] = {3, 1, 40};
    Profiler restarted(rate_profiles(), nullptr);
    restarted.restore({kept});
    CHECK(restarted.find("web@nginx")->rates.window_ns == 0);
}
