// A subscriber's StreamRequest filters, checked and compiled once, then
// matched against every verdict or event published while it is subscribed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "crowsnest.pb.h"
#include "rules/compiled_condition.h"

namespace crowsnest {

// 0 info ... 4 critical; -1 for an unknown name.
int severity_rank(const std::string &severity);

class StreamFilter {
public:
    enum class Kind { Verdicts, Events };

    // Bounds on a request: a client's filter costs every message it is
    // tested against, so it may not be made as large as a client likes.
    static constexpr size_t kMaxFilters = 64;     // allow and deny together
    static constexpr size_t kMaxValues = 1024;    // in one list of one filter
    static constexpr size_t kMaxValueBytes = 512;

    // nullopt with a message naming the field on a bad request (an unknown
    // severity or event type, a verdict-only field on an event stream, more
    // than the bounds above).
    static std::optional<StreamFilter> compile(const v1::StreamRequest &req, Kind kind, std::string &error);

    // No allow and no deny: everything passes, without looking at it.
    bool passes_all() const { return allow_.empty() && deny_.empty(); }
    bool matches(const v1::Verdict &v) const;
    bool matches(const v1::Event &e) const;

private:
    // Each list compiled to a hash set; container ids also match by prefix.
    struct Values {
        StringSet set;
        bool empty = true;
    };
    struct Clause {
        Values categories, rules, event_types, pod_uids, process_names, container_ids, namespaces;
        std::vector<std::string> container_prefixes;  // the container ids shorter than a full one
        std::vector<std::string> pod_names, images;   // prefixes
        int min_severity = -1;
    };
    // The fields both messages share, so one matcher serves both.
    struct Subject {
        const std::string *category = nullptr, *rule = nullptr;
        int severity = -1;
        const v1::Container &container;
        const v1::Process &process;
        const v1::Syscall &event;
    };
    static std::optional<Clause> compile_clause(const v1::StreamFilter &f, Kind kind, const std::string &where,
                                                std::string &error);
    static bool clause_matches(const Clause &c, const Subject &s);
    bool passes(const Subject &s) const;

    std::vector<Clause> allow_, deny_;
};

}  // namespace crowsnest
