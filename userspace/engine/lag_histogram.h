// Engine lag: from an event's kernel timestamp to the moment the engine
// matched it, as a histogram with fixed bounds (Prometheus' cumulative
// buckets are made from these counts when rendered).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace crowsnest {

class LagHistogram {
public:
    // Upper bounds in seconds; a last bucket (+Inf) takes the rest.
    static constexpr std::array<double, 12> kBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                       0.05,   0.1,   0.25,   0.5,   1.0,  5.0};

    void observe(uint64_t lag_ns) {
        size_t i = 0;
        while (i < kBounds.size() && double(lag_ns) > kBounds[i] * 1e9) i++;
        counts_[i]++;
        sum_ns_ += lag_ns;
    }
    // Observations in bucket i alone (i == kBounds.size(): above the last bound).
    uint64_t count(size_t i) const { return counts_[i]; }
    uint64_t total() const {
        uint64_t n = 0;
        for (uint64_t c : counts_) n += c;
        return n;
    }
    double sum_seconds() const { return double(sum_ns_) / 1e9; }

private:
    std::array<uint64_t, kBounds.size() + 1> counts_{};
    uint64_t sum_ns_ = 0;
};

}  // namespace crowsnest
