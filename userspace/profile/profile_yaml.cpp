#include "profile/profile_yaml.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "rules/yaml_bounds.h"
#include "util/clocks.h"

namespace crowsnest {

namespace {

std::string utc_time(uint64_t ns) {
    const time_t t = time_t(ns / 1000000000ull);
    tm parts{};
    gmtime_r(&t, &parts);
    char buf[32];
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &parts);
    return buf;
}

bool parse_utc_time(const std::string &text, uint64_t &ns) {
    tm parts{};
    const char *end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &parts);
    if (!end || *end) return false;
    const time_t t = timegm(&parts);
    if (t < 0) return false;
    ns = uint64_t(t) * 1000000000ull;
    return true;
}

std::string where(const std::string &file, const YAML::Mark &m) {
    return file + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

// A number of the rates map: >= 0 (and whole, for counts).
bool read_number(const std::string &file, const std::string &name, const YAML::Node &v, bool whole, double &out,
                 std::string &error) {
    char *end = nullptr;
    const std::string text = v.IsScalar() ? v.Scalar() : "";
    out = std::strtod(text.c_str(), &end);
    if (!text.empty() && !*end && out >= 0 && out < 1e9 && (!whole || out == double(uint64_t(out)))) return true;
    error = where(file, v.Mark()) + ": rates: " + name + " must be a " + (whole ? "whole " : "") +
            "number of at least 0, not '" + text + "'";
    return false;
}

// rates: {window_seconds: 60, execs: {median: 2, mad: 1, windows: 40}, ...}
bool read_rates(const std::string &file, const YAML::Node &rates, ProfileRates &out, std::string &error) {
    if (!rates.IsMap()) {
        error = where(file, rates.Mark()) + ": rates: must be a map of window_seconds and features";
        return false;
    }
    for (const auto &field : rates) {
        const std::string name = field.first.IsScalar() ? field.first.Scalar() : "";
        double n = 0;
        RateFeature f;
        if (name == "window_seconds") {
            if (!read_number(file, name, field.second, true, n, error)) return false;
            out.window_ns = uint64_t(n) * 1000000000ull;
            continue;
        }
        if (!parse_rate_feature(name, f)) {
            error = where(file, field.first.Mark()) + ": rates: unknown field '" + name +
                    "' (window_seconds, execs, destinations, failed_connects, writes)";
            return false;
        }
        if (!field.second.IsMap()) {
            error = where(file, field.second.Mark()) + ": rates: " + name + " must be a map of median, mad, windows";
            return false;
        }
        RateSummary &s = out.summary[size_t(f)];
        for (const auto &part : field.second) {
            const std::string key = part.first.IsScalar() ? part.first.Scalar() : "";
            const bool whole = key == "windows";
            if (key != "median" && key != "mad" && !whole) {
                error = where(file, part.first.Mark()) + ": rates: " + name + ": unknown field '" + key +
                        "' (median, mad, windows)";
                return false;
            }
            if (!read_number(file, name + "." + key, part.second, whole, n, error)) return false;
            if (key == "median") s.median = n;
            else if (key == "mad") s.mad = n;
            else s.windows = uint32_t(n);
        }
    }
    if (!out.window_ns) {
        error = where(file, rates.Mark()) + ": rates: window_seconds is missing (or 0)";
        return false;
    }
    return true;
}

// Reads one field; false with the error set at the node.
bool read_field(const std::string &file, const std::string &name, const YAML::Node &value, Profile &out,
                std::string &error) {
    const auto fail = [&](const std::string &why) {
        error = where(file, value.Mark()) + ": " + name + ": " + why;
        return false;
    };
    EntryKind kind;
    if (name == "rates") return read_rates(file, value, out.rates, error);
    if (parse_entry_kind(name, kind)) {
        if (!value.IsSequence() && !value.IsNull()) return fail("must be a list of strings");
        for (const auto &item : value) {
            if (!item.IsScalar() || item.Scalar().empty()) {
                error = where(file, item.Mark()) + ": " + name + ": each entry must be a non-empty string";
                return false;
            }
            out.of(kind).insert(item.Scalar());
        }
        return true;
    }
    if (!value.IsScalar()) return fail("must be a single value");
    const std::string &v = value.Scalar();
    if (name == "key") {
        if (v.empty()) return fail("must not be empty");
        out.key = v;
    } else if (name == "state") {
        if (!parse_profile_state(v, out.state)) return fail("must be learning or locked, not '" + v + "'");
    } else if (name == "image_digest") {
        out.image_digest = v;
    } else if (name == "first_seen" || name == "last_new") {
        if (!parse_utc_time(v, name == "first_seen" ? out.first_seen_ns : out.last_new_ns))
            return fail("must be a UTC time such as 2026-11-30T06:00:00Z, not '" + v + "'");
    } else if (name == "overflow") {
        if (v != "true" && v != "false") return fail("must be true or false");
        out.overflow = v == "true";
    } else {
        error = where(file, value.Mark()) + ": unknown field '" + name + "'";
        return false;
    }
    return true;
}

}  // namespace

std::string profile_to_yaml(const Profile &p) {
    YAML::Emitter y;
    y << YAML::BeginMap;
    y << YAML::Key << "key" << YAML::Value << p.key;
    y << YAML::Key << "state" << YAML::Value << profile_state_name(p.state);
    y << YAML::Key << "image_digest" << YAML::Value << p.image_digest;
    y << YAML::Key << "first_seen" << YAML::Value << utc_time(p.first_seen_ns);
    y << YAML::Key << "last_new" << YAML::Value << utc_time(p.last_new_ns);
    y << YAML::Key << "overflow" << YAML::Value << p.overflow;
    for (size_t k = 0; k < kEntryKindCount; k++) {
        std::vector<std::string> sorted(p.entries[k].begin(), p.entries[k].end());
        std::sort(sorted.begin(), sorted.end());  // a stable order, for diffs
        y << YAML::Key << entry_kind_name(EntryKind(k)) << YAML::Value;
        if (sorted.empty()) y << YAML::Flow;  // "[]" on the key's line
        y << YAML::BeginSeq;
        for (const auto &v : sorted) y << v;
        y << YAML::EndSeq;
    }
    if (p.rates.window_ns) {
        y << YAML::Key << "rates" << YAML::Value << YAML::BeginMap;
        y << YAML::Key << "window_seconds" << YAML::Value << p.rates.window_ns / 1000000000ull;
        for (size_t f = 0; f < kRateFeatureCount; f++) {
            const RateSummary &s = p.rates.summary[f];
            y << YAML::Key << rate_feature_name(RateFeature(f)) << YAML::Value << YAML::Flow << YAML::BeginMap;
            y << YAML::Key << "median" << YAML::Value << s.median << YAML::Key << "mad" << YAML::Value << s.mad;
            y << YAML::Key << "windows" << YAML::Value << s.windows << YAML::EndMap;
        }
        y << YAML::EndMap;
    }
    y << YAML::EndMap;
    return std::string(y.c_str()) + "\n";
}

bool profile_from_yaml(const std::string &text, const std::string &file, Profile &out, std::string &error) {
    out = Profile{};
    YAML::Node doc;
    try {
        YamlBudget().check(text);
        doc = YAML::Load(text);
    } catch (const YAML::Exception &e) {
        error = where(file, e.mark) + ": " + e.msg;
        return false;
    }
    if (!doc.IsMap()) {
        error = where(file, doc.Mark()) + ": a profile is a map of fields (key, state, exec, connect, ...)";
        return false;
    }
    for (const auto &field : doc) {
        if (!field.first.IsScalar()) {
            error = where(file, field.first.Mark()) + ": field names are strings";
            return false;
        }
        if (!read_field(file, field.first.Scalar(), field.second, out, error)) return false;
    }
    if (out.key.empty()) {
        error = where(file, doc.Mark()) + ": the profile has no key";
        return false;
    }
    if (!out.first_seen_ns) out.first_seen_ns = out.last_new_ns = wall_clock_ns();  // a hand-written profile learns from now
    return true;
}

}  // namespace crowsnest
