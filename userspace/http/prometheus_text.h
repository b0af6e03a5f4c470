// Prometheus' text exposition format (version 0.0.4): a family's HELP and
// TYPE lines, then its samples, with label values and help text escaped.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crowsnest {

using MetricLabels = std::vector<std::pair<std::string_view, std::string_view>>;

class PrometheusText {
public:
    // Starts a family: type is "counter", "gauge" or "histogram".
    void family(std::string_view name, std::string_view type, std::string_view help);
    // One sample; `name` is the family's, or for a histogram its _bucket, _sum or _count.
    void sample(std::string_view name, const MetricLabels &labels, double value);

    const std::string &text() const { return out_; }

private:
    std::string out_;
};

}  // namespace crowsnest
