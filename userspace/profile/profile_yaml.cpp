#include "profile/profile_yaml.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
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

// Reads one field; false with the error set at the node.
bool read_field(const std::string &file, const std::string &name, const YAML::Node &value, Profile &out,
                std::string &error) {
    const auto fail = [&](const std::string &why) {
        error = where(file, value.Mark()) + ": " + name + ": " + why;
        return false;
    };
    EntryKind kind;
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
