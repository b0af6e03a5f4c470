// Per-window rates of a workload: how many execs, distinct destinations,
// failed connects and writes it makes in each window (default a minute),
// summarised over the windows it was learned in by their median and median
// absolute deviation (MAD), which a few odd windows hardly move. In a locked
// profile a window far above its median is an anomaly:
//
//   score = (count - median) / max(1.4826 * MAD, 1, median / 4)
//
// 1.4826 * MAD estimates the standard deviation of normally spread counts;
// the floor keeps a feature that never varied (MAD 0) from alarming on one
// more, or a busy one on a few percent more. Only windows above the median
// score (a workload doing less is no sign of compromise), and only windows
// with events count: an idle workload's empty minutes are neither learned
// nor checked.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace crowsnest {

enum class RateFeature : uint8_t { Execs, Destinations, FailedConnects, Writes };
constexpr size_t kRateFeatureCount = 4;
const char *rate_feature_name(RateFeature f);  // execs, destinations, failed_connects, writes
bool parse_rate_feature(std::string_view name, RateFeature &out);

struct RateSummary {
    double median = 0, mad = 0;
    uint32_t windows = 0;  // learned windows it summarises; 0: none
};

// What a profile keeps of its rates: the window they were counted in, each
// feature's summary, and the learned windows' counts (oldest first,
// bounded) that the summary is made from.
struct ProfileRates {
    uint64_t window_ns = 0;  // 0: no rates learned yet
    std::array<RateSummary, kRateFeatureCount> summary;
    std::array<std::vector<uint16_t>, kRateFeatureCount> history;
    void clear() { *this = ProfileRates{}; }
};

struct RateOptions {
    uint64_t window_ns = 60ull * 1000000000ull;
    size_t history = 120;      // learned windows kept per feature (the oldest go first)
    size_t min_windows = 10;   // a locked profile with fewer learned windows gives no rate verdicts
    double threshold = 6;      // the score at which a window is an anomaly
};

// The median and MAD of `samples` (reordered).
RateSummary summarise_rate(std::vector<uint16_t> &samples);
// How far above the summary's median `count` is (0 at or below it).
double rate_score(const RateSummary &s, uint32_t count);

// One profile's current window (engine thread): its counts, the distinct
// destinations in it (bounded), and which features were reported in it.
class RateWindow {
public:
    // The window that `now` falls in. When it is a later one than the
    // current one, the current one is closed first: true when it had events
    // (its counts are then in closed()). An earlier `now` (a late event)
    // stays in the current window.
    bool move_to(uint64_t now, uint64_t window_ns);
    const std::array<uint32_t, kRateFeatureCount> &closed() const { return closed_; }
    // Counts one event of `f`, or one destination (by its hash: each
    // counts once); returns the feature's count in this window.
    uint32_t add(RateFeature f);
    uint32_t add_destination(uint64_t hash);
    // True the first time in this window: each feature is reported once per window.
    bool first_report(RateFeature f);

private:
    void open(uint64_t index);
    uint64_t index_ = ~0ull;
    bool active_ = false;
    std::array<uint32_t, kRateFeatureCount> counts_{}, closed_{};
    std::array<bool, kRateFeatureCount> reported_{};
    std::unordered_set<uint64_t> destinations_;
};

// A closed window learned: its counts appended to the history (bounded),
// the summary made again.
void learn_window(ProfileRates &rates, const std::array<uint32_t, kRateFeatureCount> &counts, const RateOptions &o);

}  // namespace crowsnest
