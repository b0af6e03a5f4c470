#include "api/stream_filter.h"

#include "util/path_util.h"

#include <algorithm>
#include <array>

namespace crowsnest {

namespace {

constexpr std::array<const char *, 5> kSeverities = {"info", "low", "medium", "high", "critical"};
constexpr std::array<const char *, 4> kEventTypes = {"exec", "open", "connect", "exit"};

bool any_equal(const std::vector<std::string> &values, const std::string &s) {
    return std::find(values.begin(), values.end(), s) != values.end();
}

bool any_prefix(const std::vector<std::string> &prefixes, const std::string &s) {
    return std::any_of(prefixes.begin(), prefixes.end(),
                       [&](const std::string &p) { return s.compare(0, p.size(), p) == 0; });
}

template <typename Repeated>
std::vector<std::string> to_vector(const Repeated &r) {
    return {r.begin(), r.end()};
}

}  // namespace

int severity_rank(const std::string &severity) {
    for (size_t i = 0; i < kSeverities.size(); i++)
        if (severity == kSeverities[i]) return int(i);
    return -1;
}

std::optional<StreamFilter::Clause> StreamFilter::compile_clause(const v1::StreamFilter &f, Kind kind,
                                                                 const std::string &where, std::string &error) {
    Clause c;
    if (kind == Kind::Events && (f.categories_size() || f.rules_size() || !f.min_severity().empty())) {
        error = where + ": categories, rules and min_severity filter verdicts, not events";
        return std::nullopt;
    }
    if (!f.min_severity().empty() && (c.min_severity = severity_rank(f.min_severity())) < 0) {
        error = where + ".min_severity: unknown severity \"" + f.min_severity() +
                "\" (info, low, medium, high, critical)";
        return std::nullopt;
    }
    for (const auto &t : f.event_types()) {
        if (std::find(kEventTypes.begin(), kEventTypes.end(), t) == kEventTypes.end()) {
            error = where + ".event_types: unknown event type \"" + t + "\" (exec, open, connect, exit)";
            return std::nullopt;
        }
    }
    c.categories = to_vector(f.categories());
    c.rules = to_vector(f.rules());
    c.event_types = to_vector(f.event_types());
    c.container_ids = to_vector(f.container_ids());
    c.pod_uids = to_vector(f.pod_uids());
    c.process_names = to_vector(f.process_names());
    return c;
}

std::optional<StreamFilter> StreamFilter::compile(const v1::StreamRequest &req, Kind kind, std::string &error) {
    StreamFilter out;
    for (int i = 0; i < req.allow_size(); i++) {
        auto c = compile_clause(req.allow(i), kind, "allow[" + std::to_string(i) + "]", error);
        if (!c) return std::nullopt;
        out.allow_.push_back(std::move(*c));
    }
    for (int i = 0; i < req.deny_size(); i++) {
        auto c = compile_clause(req.deny(i), kind, "deny[" + std::to_string(i) + "]", error);
        if (!c) return std::nullopt;
        out.deny_.push_back(std::move(*c));
    }
    return out;
}

bool StreamFilter::clause_matches(const Clause &c, const Subject &s) {
    if (c.min_severity >= 0 && s.severity < c.min_severity) return false;
    if (!c.categories.empty() && !(s.category && any_equal(c.categories, *s.category))) return false;
    if (!c.rules.empty() && !(s.rule && any_equal(c.rules, *s.rule))) return false;
    if (!c.event_types.empty() && !any_equal(c.event_types, s.event.type())) return false;
    // an empty id is a host process: it matches no container filter
    if (!c.container_ids.empty() && (s.container.id().empty() || !any_prefix(c.container_ids, s.container.id())))
        return false;
    if (!c.pod_uids.empty() && !any_equal(c.pod_uids, s.container.pod_uid())) return false;
    if (!c.process_names.empty() && !any_equal(c.process_names, s.process.comm()) &&
        !any_equal(c.process_names, std::string(base_name(s.process.exe()))))
        return false;
    return true;
}

bool StreamFilter::passes(const Subject &s) const {
    auto match = [&](const Clause &c) { return clause_matches(c, s); };
    if (!allow_.empty() && std::none_of(allow_.begin(), allow_.end(), match)) return false;
    return std::none_of(deny_.begin(), deny_.end(), match);
}

bool StreamFilter::matches(const v1::Verdict &v) const {
    return passes({&v.category(), &v.rule(), severity_rank(v.severity()), v.container(), v.process(), v.event()});
}

bool StreamFilter::matches(const v1::Event &e) const {
    return passes({nullptr, nullptr, -1, e.container(), e.process(), e.event()});
}

}  // namespace crowsnest
