#include "http/prometheus_text.h"

#include <cmath>
#include <cstdio>

namespace crowsnest {

namespace {

// HELP text escapes backslash and newline; label values also the double quote.
void append_escaped(std::string &out, std::string_view s, bool quote) {
    for (char c : s) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else if (c == '"' && quote) out += "\\\"";
        else out += c;
    }
}

void append_value(std::string &out, double v) {
    if (std::isnan(v)) out += "NaN";
    else if (std::isinf(v)) out += v > 0 ? "+Inf" : "-Inf";
    else if (v == std::floor(v) && std::fabs(v) < 1e15) out += std::to_string(int64_t(v));
    else {
        char buf[32];
        std::snprintf(buf, sizeof(buf), "%.9g", v);
        out += buf;
    }
}

}  // namespace

void PrometheusText::family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    append_escaped(out_, help, false);
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
}

void PrometheusText::sample(std::string_view name, const MetricLabels &labels, double value) {
    out_ += name;
    if (!labels.empty()) {
        out_ += '{';
        for (size_t i = 0; i < labels.size(); i++) {
            if (i) out_ += ',';
            out_ += labels[i].first;
            out_ += "=\"";
            append_escaped(out_, labels[i].second, true);
            out_ += '"';
        }
        out_ += '}';
    }
    out_ += ' ';
    append_value(out_, value);
    out_ += '\n';
}

}  // namespace crowsnest
