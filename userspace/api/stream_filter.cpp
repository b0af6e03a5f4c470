#include "api/stream_filter.h"

#include <algorithm>
#include <array>

#include "util/path_util.h"
#include "util/text_escape.h"

namespace crowsnest {

namespace {

constexpr std::array<const char *, 5> kSeverities = {"info", "low", "medium", "high", "critical"};
constexpr std::array<const char *, 4> kEventTypes = {"exec", "open", "connect", "exit"};
constexpr size_t kContainerIdLength = 64;

template <typename Repeated>
bool bounded(const Repeated &values, const std::string &field, std::string &error) {
    if (size_t(values.size()) > StreamFilter::kMaxValues) {
        error = field + ": " + std::to_string(values.size()) + " values, at most " +
                std::to_string(StreamFilter::kMaxValues);
        return false;
    }
    for (const auto &v : values)
        if (v.size() > StreamFilter::kMaxValueBytes) {
            error = field + ": a value of " + std::to_string(v.size()) + " bytes, at most " +
                    std::to_string(StreamFilter::kMaxValueBytes);
            return false;
        }
    return true;
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
        error = where + ".min_severity: unknown severity \"" + utf8_escape(f.min_severity()) +
                "\" (info, low, medium, high, critical)";
        return std::nullopt;
    }
    for (const auto &t : f.event_types()) {
        if (std::find(kEventTypes.begin(), kEventTypes.end(), t) == kEventTypes.end()) {
            error = where + ".event_types: unknown event type \"" + utf8_escape(t) + "\" (exec, open, connect, exit)";
            return std::nullopt;
        }
    }
    const std::pair<const google::protobuf::RepeatedPtrField<std::string> *, Values *> lists[] = {
        {&f.categories(), &c.categories}, {&f.rules(), &c.rules},           {&f.event_types(), &c.event_types},
        {&f.pod_uids(), &c.pod_uids},     {&f.process_names(), &c.process_names},
        {&f.namespaces(), &c.namespaces}};
    const char *names[] = {"categories", "rules", "event_types", "pod_uids", "process_names", "namespaces"};
    for (size_t i = 0; i < std::size(lists); i++) {
        if (!bounded(*lists[i].first, where + "." + names[i], error)) return std::nullopt;
        for (const auto &v : *lists[i].first) lists[i].second->set.insert(v);
        lists[i].second->empty = lists[i].first->empty();
    }
    if (!bounded(f.container_ids(), where + ".container_ids", error)) return std::nullopt;
    for (const auto &id : f.container_ids()) {
        if (id.size() >= kContainerIdLength) c.container_ids.set.insert(id);
        else c.container_prefixes.push_back(id);
    }
    c.container_ids.empty = f.container_ids().empty();
    if (!bounded(f.pod_names(), where + ".pod_names", error) || !bounded(f.images(), where + ".images", error))
        return std::nullopt;
    c.pod_names.assign(f.pod_names().begin(), f.pod_names().end());
    c.images.assign(f.images().begin(), f.images().end());
    return c;
}

std::optional<StreamFilter> StreamFilter::compile(const v1::StreamRequest &req, Kind kind, std::string &error) {
    if (size_t(req.allow_size() + req.deny_size()) > kMaxFilters) {
        error = "allow, deny: " + std::to_string(req.allow_size() + req.deny_size()) + " filters, at most " +
                std::to_string(kMaxFilters);
        return std::nullopt;
    }
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
    auto in = [](const Values &v, std::string_view value) { return v.empty || v.set.contains(value); };
    if (c.min_severity >= 0 && s.severity < c.min_severity) return false;
    if (!c.categories.empty && !(s.category && c.categories.set.contains(*s.category))) return false;
    if (!c.rules.empty && !(s.rule && c.rules.set.contains(*s.rule))) return false;
    if (!in(c.event_types, s.event.type())) return false;
    if (!c.container_ids.empty) {
        // an empty id is a host process: it matches no container filter
        const std::string &id = s.container.id();
        const bool prefix = std::any_of(c.container_prefixes.begin(), c.container_prefixes.end(),
                                        [&](const std::string &p) { return id.compare(0, p.size(), p) == 0; });
        if (id.empty() || !(c.container_ids.set.contains(id) || prefix)) return false;
    }
    if (!in(c.pod_uids, s.container.pod_uid())) return false;
    if (!in(c.namespaces, s.container.namespace_())) return false;
    // a message without a pod name or image matches no filter on them
    auto prefixed = [](const std::vector<std::string> &prefixes, const std::string &value) {
        return prefixes.empty() ||
               (!value.empty() && std::any_of(prefixes.begin(), prefixes.end(), [&](const std::string &p) {
                   return value.compare(0, p.size(), p) == 0;
               }));
    };
    if (!prefixed(c.pod_names, s.container.pod_name()) || !prefixed(c.images, s.container.image())) return false;
    if (!c.process_names.empty && !c.process_names.set.contains(s.process.comm()) &&
        !c.process_names.set.contains(base_name(s.process.exe())))
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
