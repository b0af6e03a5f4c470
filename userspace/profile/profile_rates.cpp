#include "profile/profile_rates.h"

#include <algorithm>
#include <cmath>

#include "util/name_table.h"

namespace crowsnest {

namespace {
constexpr const char *kFeatureNames[kRateFeatureCount] = {"execs", "destinations", "failed_connects", "writes"};
// distinct destinations counted per window; past it the count stays (a scan is long past any threshold)
constexpr size_t kMaxDestinations = 4096;

double median_of(std::vector<uint16_t> &v) {
    const size_t n = v.size(), mid = n / 2;
    std::nth_element(v.begin(), v.begin() + long(mid), v.end());
    const double upper = v[mid];
    if (n % 2) return upper;
    return (double(*std::max_element(v.begin(), v.begin() + long(mid))) + upper) / 2;
}
}  // namespace

const char *rate_feature_name(RateFeature f) { return kFeatureNames[size_t(f)]; }

bool parse_rate_feature(std::string_view name, RateFeature &out) { return parse_name(kFeatureNames, name, out); }

RateSummary summarise_rate(std::vector<uint16_t> &samples) {
    RateSummary s;
    s.windows = uint32_t(samples.size());
    if (samples.empty()) return s;
    s.median = median_of(samples);
    // deviations doubled, so that a median halfway between two counts stays whole
    std::vector<uint16_t> deviations;
    deviations.reserve(samples.size());
    for (uint16_t x : samples) deviations.push_back(uint16_t(std::min(65535.0, std::fabs(2 * x - 2 * s.median))));
    s.mad = median_of(deviations) / 2;
    return s;
}

double rate_score(const RateSummary &s, uint32_t count) {
    if (count <= s.median) return 0;
    const double scale = std::max({1.4826 * s.mad, 1.0, s.median / 4});
    return (count - s.median) / scale;
}

void RateWindow::open(uint64_t index) {
    index_ = index;
    active_ = false;
    counts_ = {};
    reported_ = {};
    destinations_.clear();
}

bool RateWindow::move_to(uint64_t now, uint64_t window_ns) {
    const uint64_t index = now / window_ns;
    // a late event of an earlier window counts in the current one: windows only go forward
    if (index_ != ~0ull && index <= index_) return false;
    const bool had_events = active_;
    closed_ = counts_;
    open(index);
    return had_events;
}

uint32_t RateWindow::add(RateFeature f) {
    active_ = true;
    return ++counts_[size_t(f)];
}

uint32_t RateWindow::add_destination(uint64_t hash) {
    active_ = true;
    if (destinations_.size() < kMaxDestinations) destinations_.insert(hash);
    return counts_[size_t(RateFeature::Destinations)] = uint32_t(destinations_.size());
}

bool RateWindow::first_report(RateFeature f) {
    if (reported_[size_t(f)]) return false;
    reported_[size_t(f)] = true;
    return true;
}

void learn_window(ProfileRates &rates, const std::array<uint32_t, kRateFeatureCount> &counts, const RateOptions &o) {
    rates.window_ns = o.window_ns;
    std::vector<uint16_t> samples;
    for (size_t f = 0; f < kRateFeatureCount; f++) {
        auto &h = rates.history[f];
        h.push_back(uint16_t(std::min<uint32_t>(counts[f], 65535)));
        if (h.size() > o.history) h.erase(h.begin(), h.begin() + long(h.size() - o.history));
        samples = h;
        rates.summary[f] = summarise_rate(samples);
    }
}

}  // namespace crowsnest
