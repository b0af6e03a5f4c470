#include "rules/prefilter_summary.h"

#include <algorithm>
#include <iterator>

#include "rules/rule_set.h"

namespace crowsnest {

namespace {

// A condition over the kernel's facts, as a disjunction of clauses (empty:
// false). Working clauses may exceed what the kernel holds; they are
// weakened (merged) to fit, which keeps the condition necessary.
using Formula = std::vector<PrefilterClause>;

Formula truth() { return {PrefilterClause{}}; }

bool is_truth(const PrefilterClause &c) {
    return !c.need_true && !c.need_false && c.patterns.empty() && c.ports.empty();
}

// `a` allows every value `b` allows (empty: any).
template <typename T>
bool allows_all(const std::vector<T> &a, const std::vector<T> &b) {
    return a.empty() || (!b.empty() && std::includes(a.begin(), a.end(), b.begin(), b.end()));
}

template <typename T>
std::vector<T> either_of(const std::vector<T> &a, const std::vector<T> &b) {
    std::vector<T> out;
    if (!a.empty() && !b.empty()) std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

// Both tests in one clause: the kernel keeps one; either is necessary.
template <typename T>
const std::vector<T> &narrower(const std::vector<T> &a, const std::vector<T> &b) {
    if (a.empty()) return b;
    return b.empty() || a.size() <= b.size() ? a : b;
}

bool has_truth(const Formula &f) { return std::any_of(f.begin(), f.end(), is_truth); }

// `a` holds wherever `b` does.
bool subsumes(const PrefilterClause &a, const PrefilterClause &b) {
    if ((a.need_true & ~b.need_true) || (a.need_false & ~b.need_false)) return false;
    return allows_all(a.patterns, b.patterns) && allows_all(a.ports, b.ports);
}

// The weakest clause implied by both: facts both need, either's paths.
PrefilterClause join(const PrefilterClause &a, const PrefilterClause &b) {
    PrefilterClause c;
    c.need_true = a.need_true & b.need_true;
    c.need_false = a.need_false & b.need_false;
    c.patterns = either_of(a.patterns, b.patterns);
    c.ports = either_of(a.ports, b.ports);
    return c;
}

// The two clauses differ only in one fact, needed true by one and false by
// the other: together they do not need it.
bool complementary(const PrefilterClause &a, const PrefilterClause &b) {
    const uint32_t diff = (a.need_true ^ b.need_true) | (a.need_false ^ b.need_false);
    return diff && !(diff & (diff - 1)) && ((a.need_true & b.need_false) | (a.need_false & b.need_true)) == diff &&
           a.patterns == b.patterns && a.ports == b.ports;
}

// Drops clauses that another one covers; clauses needing the same facts
// become one with both path sets, and so do complementary ones; too many
// become fewer, weaker ones.
void simplify(Formula &f, size_t max_clauses) {
    for (size_t i = 0; i < f.size(); i++)
        for (size_t j = f.size(); j-- > i + 1;) {
            const bool same_facts = f[i].need_true == f[j].need_true && f[i].need_false == f[j].need_false;
            if (same_facts || complementary(f[i], f[j]) || subsumes(f[j], f[i])) {
                f[i] = join(f[i], f[j]);
                f.erase(f.begin() + long(j));
                j = f.size();  // f[i] grew: look at every other clause again
            } else if (subsumes(f[i], f[j])) {
                f.erase(f.begin() + long(j));
            }
        }
    if (f.size() <= max_clauses) return;
    // weaken: fold clauses into their neighbours, the most alike first would
    // be better, but any fold keeps the condition necessary
    while (f.size() > max_clauses) {
        f[f.size() - 2] = join(f[f.size() - 2], f.back());
        f.pop_back();
    }
}

constexpr size_t kWorkingClauses = 256;

Formula either(Formula a, const Formula &b) {
    a.insert(a.end(), b.begin(), b.end());
    simplify(a, kWorkingClauses);
    return a;
}

Formula both(const Formula &a, const Formula &b) {
    Formula out;
    for (const auto &x : a)
        for (const auto &y : b) {
            PrefilterClause c;
            c.need_true = x.need_true | y.need_true;
            c.need_false = x.need_false | y.need_false;
            if (c.need_true & c.need_false) continue;  // contradiction: this pair never holds
            c.patterns = narrower(x.patterns, y.patterns);
            c.ports = narrower(x.ports, y.ports);
            out.push_back(std::move(c));
        }
    simplify(out, kWorkingClauses);
    return out;
}

Formula fact(uint32_t bit, bool value) {
    PrefilterClause c;
    (value ? c.need_true : c.need_false) = bit;
    return {c};
}

// A check as (what it implies when true, what its negation implies).
struct Approx {
    Formula when_true = truth(), when_false = truth();
    bool summarised = true;  // false: the kernel cannot test it at all
};

class Summariser {
public:
    explicit Summariser(PrefilterSummary &out) : out_(out) {}

    // The necessary condition of `n` being `value` on an event of evt.type `type`.
    Formula necessary(const CondNode &n, bool value, size_t type) {
        using K = CondNode::Kind;
        switch (n.kind) {
        case K::True: return value ? truth() : Formula{};
        case K::False: return value ? Formula{} : truth();
        case K::EvtType: return n.evt_types[type] == value ? truth() : Formula{};
        case K::Not: return necessary(n.children[0], !value, type);
        case K::And:
        case K::Or: {
            // a conjunction when (And, true) or (Or, false), else a disjunction
            const bool conjunction = (n.kind == K::And) == value;
            Formula f = conjunction ? truth() : Formula{};
            for (const auto &c : n.children) {
                const Formula part = necessary(c, value, type);
                f = conjunction ? both(f, part) : either(std::move(f), part);
                if (conjunction && f.empty()) break;
            }
            return f;
        }
        case K::Check: {
            Approx a = approximate(*n.check, kEvtTypes[type]);
            if (!a.summarised && value) {
                // each open evt.type walks the condition again: named once
                std::string what = n.check->field.text + " " + std::string(compare_op_name(n.check->op));
                if (std::find(unsummarised_.begin(), unsummarised_.end(), what) == unsummarised_.end())
                    unsummarised_.push_back(std::move(what));
            }
            return value ? a.when_true : a.when_false;
        }
        }
        return truth();
    }

    // The checks that could not be summarised, since the last call.
    std::vector<std::string> take_unsummarised() { return std::move(unsummarised_); }

private:
    Approx approximate(const Check &c, std::string_view type) {
        const auto &s = c.strings;
        // `in ()` with an empty list (e.g. a list shipped empty for users to fill) is never true
        if ((c.op == CompareOp::In || c.op == CompareOp::Intersects) && s.empty() && c.numbers.empty() &&
            c.networks.empty())
            return {Formula{}, truth(), true};
        if (type == "connect" || type == "connect_result") return approximate_connect(c, type == "connect_result");
        switch (c.field.info->id) {
        case FieldId::EvtIsOpenWrite: return exact(kFactWrite, c);
        case FieldId::EvtIsOpenRead: return exact(kFactRead, c);
        case FieldId::EvtFailed: return exact(kFactFailed, c);
        case FieldId::ProcInHostPidNs: return exact(kFactHostPidNs, c);
        case FieldId::EvtRes: return result(c);
        case FieldId::EvtRawRes: return raw_result(c);
        case FieldId::ContainerId: return container(c);
        // any comparison of host.path is false while it is unset
        case FieldId::HostPath: return {fact(kFactHostFile, true), truth(), true};
        case FieldId::FdName:
        case FieldId::FdDirectory:
        case FieldId::FdFilename: return path(c);
        default: return unsummarised();
        }
    }

    // The fields of a connect the kernel knows: its family, port and unix
    // path; and what every event knows. A connect_result's are the same,
    // and its outcome; its family is always inet.
    Approx approximate_connect(const Check &c, bool is_result) {
        const auto &s = c.strings;
        switch (c.field.info->id) {
        case FieldId::FdSockFamily: {
            const bool eq = c.op == CompareOp::Eq || c.op == CompareOp::In;
            const auto all = [&](const char *v) { return !s.empty() && std::all_of(s.begin(), s.end(), [&](const std::string &x) { return x == v; }); };
            if (eq && all("ip")) return exact(kFactInet, true);
            if (eq && all("unix")) return exact(kFactUnix, true);
            return unsummarised();
        }
        case FieldId::FdSport: {
            if (c.op != CompareOp::Eq && c.op != CompareOp::In) return {fact(kFactInet, true), truth(), true};
            PrefilterClause clause;
            clause.need_true = kFactInet;
            for (int64_t n : c.numbers)
                if (n >= 0 && n <= 65535) clause.ports.push_back(uint16_t(n));
            if (clause.ports.empty()) return {Formula{}, truth(), true};  // no port can be it
            if (!room_for_ports(clause.ports)) clause.ports.clear();        // weaker: any port
            return {{clause}, truth(), true};
        }
        case FieldId::FdUnixPath: return unix_path(c);
        case FieldId::EvtOutcome: return is_result ? outcome(c) : Approx{Formula{}, truth(), true};  // unset on a connect
        case FieldId::EvtFailed: return exact(kFactFailed, c);
        case FieldId::ProcInHostPidNs: return exact(kFactHostPidNs, c);
        case FieldId::EvtRes: return result(c);
        case FieldId::EvtRawRes: return raw_result(c);
        case FieldId::ContainerId: return container(c);
        default: return unsummarised();
        }
    }

    static Approx unsummarised() { return {truth(), truth(), false}; }

    // A fact that a check holds exactly when it is `value`.
    static Approx exact(uint32_t bit, bool value) { return {fact(bit, value), fact(bit, !value), true}; }

    // container.id: any value but "host" means a container; "host" itself
    // cannot be told in the kernel (a cgroup it does not know yet may be either).
    static Approx container(const Check &c) {
        const auto &s = c.strings;
        const bool ne_host = c.op == CompareOp::Ne && s[0] == "host";
        const bool is_container =
            (c.op == CompareOp::Eq || c.op == CompareOp::In) && std::find(s.begin(), s.end(), "host") == s.end();
        if (ne_host || is_container) return {fact(kFactContainer, true), truth(), true};
        return unsummarised();
    }

    // The ports the summary holds, over all clauses: false when these would
    // not fit.
    bool room_for_ports(const std::vector<uint16_t> &ports) {
        std::vector<uint16_t> all = ports_;
        all.insert(all.end(), ports.begin(), ports.end());
        std::sort(all.begin(), all.end());
        all.erase(std::unique(all.begin(), all.end()), all.end());
        if (all.size() > PrefilterSummary::kMaxPorts) return false;
        ports_ = std::move(all);
        return true;
    }

    // fd.unix_path: the path as the caller gave it (abstract names start
    // with '@'); unset for other sockets.
    Approx unix_path(const Check &c) {
        using P = PrefilterPattern::Kind;
        PrefilterClause clause;
        clause.need_true = kFactUnix;
        for (const auto &v : c.strings) {
            P kind;
            if (c.op == CompareOp::Eq || c.op == CompareOp::In || c.op == CompareOp::StartsWith ||
                c.op == CompareOp::PMatch)
                kind = P::Prefix;
            else if (c.op == CompareOp::EndsWith && !v.empty())
                kind = P::Suffix;
            else
                return {fact(kFactUnix, true), truth(), true};
            const uint32_t i = pattern_index({kind, v});
            if (i == kNoRoom) return {fact(kFactUnix, true), truth(), true};
            clause.patterns.push_back(i);
        }
        std::sort(clause.patterns.begin(), clause.patterns.end());
        clause.patterns.erase(std::unique(clause.patterns.begin(), clause.patterns.end()), clause.patterns.end());
        return {{clause}, truth(), true};
    }

    // A Bool field that is exactly the fact.
    static Approx exact(uint32_t bit, const Check &c) {
        if (c.op != CompareOp::Eq && c.op != CompareOp::Ne) return unsummarised();
        const bool holds_when = c.boolean == (c.op == CompareOp::Eq);
        return {fact(bit, holds_when), fact(bit, !holds_when), true};
    }

    // evt.res: SUCCESS, or an errno name.
    static Approx result(const Check &c) {
        const auto &s = c.strings;
        const bool success_only = s.size() == 1 && s[0] == "SUCCESS";
        const bool names_success = std::find(s.begin(), s.end(), "SUCCESS") != s.end();
        if (c.op == CompareOp::Eq && success_only) return {fact(kFactFailed, false), fact(kFactFailed, true), true};
        if (c.op == CompareOp::Ne && success_only) return {fact(kFactFailed, true), fact(kFactFailed, false), true};
        if ((c.op == CompareOp::Eq || c.op == CompareOp::In) && !names_success)
            return {fact(kFactFailed, true), truth(), true};
        // evt.res startswith E: an errno name, never SUCCESS
        const bool prefixes_success = std::any_of(s.begin(), s.end(), [](const std::string &v) {
            return std::string_view("SUCCESS").substr(0, v.size()) == v;
        });
        if (c.op == CompareOp::StartsWith && !prefixes_success) return {fact(kFactFailed, true), truth(), true};
        return unsummarised();
    }

    // evt.outcome: failed and abandoned are both "no connection", the fact
    // the kernel tests at the outcome (evt.failed).
    static Approx outcome(const Check &c) {
        const auto &s = c.strings;
        const bool names_established = std::find(s.begin(), s.end(), "established") != s.end();
        const bool established_only = s.size() == 1 && names_established;
        const bool eq = c.op == CompareOp::Eq || c.op == CompareOp::In;
        if (eq && established_only) return exact(kFactFailed, false);
        if (c.op == CompareOp::Ne && established_only) return exact(kFactFailed, true);
        if (eq && !names_established) return {fact(kFactFailed, true), truth(), true};
        return unsummarised();
    }

    // evt.rawres compared with 0: the result's sign.
    static Approx raw_result(const Check &c) {
        if (c.numbers.size() != 1) return unsummarised();
        const int64_t v = c.numbers[0];
        const bool failed = (c.op == CompareOp::Lt && v == 0) || (c.op == CompareOp::Le && v == -1);
        const bool succeeded = (c.op == CompareOp::Ge && v == 0) || (c.op == CompareOp::Gt && v == -1);
        if (failed) return {fact(kFactFailed, true), fact(kFactFailed, false), true};
        if (succeeded) return {fact(kFactFailed, false), fact(kFactFailed, true), true};
        return unsummarised();
    }

    // fd.name, fd.directory, fd.filename: unset (so false) without a path.
    Approx path(const Check &c) {
        const FieldId id = c.field.info->id;
        using P = PrefilterPattern::Kind;
        std::vector<PrefilterPattern> wanted;
        for (const auto &v : c.strings) {
            switch (c.op) {
            case CompareOp::Eq:
            case CompareOp::In:
                if (id == FieldId::FdFilename) wanted.push_back({P::Name, v});
                else if (id == FieldId::FdName) wanted.push_back(whole_path(v));
                else wanted.push_back({P::Prefix, v == "/" ? v : v + "/"});
                break;
            case CompareOp::StartsWith:
            case CompareOp::PMatch:
                if (id == FieldId::FdFilename) return unsummarised();
                wanted.push_back({P::Prefix, v});
                break;
            case CompareOp::EndsWith:
                if (id == FieldId::FdDirectory || v.empty() || v.find('/') != std::string::npos) return unsummarised();
                wanted.push_back({P::Suffix, v});
                break;
            case CompareOp::Glob: {
                // the literal text before the first wildcard (a prefix), or
                // for a file name the text after the last (a suffix)
                const size_t first = v.find_first_of("*?[");
                const size_t last = v.find_last_of("*?]");
                if (id != FieldId::FdFilename && first != 0) wanted.push_back({P::Prefix, v.substr(0, first)});
                else if (id == FieldId::FdFilename && last != std::string::npos && last + 1 < v.size())
                    wanted.push_back({P::Suffix, v.substr(last + 1)});
                else if (id == FieldId::FdFilename && first == std::string::npos) wanted.push_back({P::Name, v});
                else return unsummarised();
                break;
            }
            default: return unsummarised();
            }
        }
        PrefilterClause clause;
        for (auto &p : wanted) {
            const uint32_t i = pattern_index(std::move(p));
            if (i == kNoRoom) return unsummarised();
            clause.patterns.push_back(i);
        }
        std::sort(clause.patterns.begin(), clause.patterns.end());
        clause.patterns.erase(std::unique(clause.patterns.begin(), clause.patterns.end()), clause.patterns.end());
        if (clause.patterns.empty()) return {Formula{}, truth(), true};  // an empty list: never true
        return {{clause}, truth(), true};
    }

    // fd.name equal to `v`: its last component, when that is a name. The
    // normalised path's last component is the given path's whenever that
    // is a name (the kernel sends any other), and a name test needs no look
    // at the rest of the path, where a prefix test needs the whole path clean
    // (a relative path is then always sent).
    static PrefilterPattern whole_path(const std::string &v) {
        using P = PrefilterPattern::Kind;
        const std::string name = v.substr(v.find_last_of('/') + 1);
        if (v.starts_with('/') && !name.empty() && name != "." && name != "..") return {P::Name, name};
        return {P::Prefix, v};
    }

    static constexpr uint32_t kNoRoom = ~0u;

    // The pattern's index in the summary's table, added if new. Text longer
    // than the kernel holds is cut to a weaker test: the start of a prefix,
    // the end of a suffix (a name becomes a suffix).
    uint32_t pattern_index(PrefilterPattern p) {
        const size_t max = PrefilterPattern::kMaxTextBytes;
        if (p.text.size() > max) {
            if (p.kind == PrefilterPattern::Kind::Prefix) {
                p.text.resize(max);
            } else {
                p.text = p.text.substr(p.text.size() - max);
                p.kind = PrefilterPattern::Kind::Suffix;
            }
        }
        auto &table = out_.patterns;
        const auto at = std::find(table.begin(), table.end(), p);
        if (at != table.end()) return uint32_t(at - table.begin());
        if (table.size() >= PrefilterSummary::kMaxPatterns) return kNoRoom;
        table.push_back(std::move(p));
        return uint32_t(table.size() - 1);
    }

    PrefilterSummary &out_;
    std::vector<std::string> unsummarised_;
    std::vector<uint16_t> ports_;
};

std::string joined(const std::vector<std::string> &items, size_t at_most) {
    std::string out;
    for (size_t i = 0; i < items.size() && i < at_most; i++) out += (i ? ", " : "") + items[i];
    if (items.size() > at_most) out += ", ...";
    return out;
}

// The evt.type values whose events the kernel records as open events.
bool is_open_type(std::string_view t) { return t == "open" || t == "openat" || t == "openat2"; }

}  // namespace

namespace {

// One filtered type: the rules' conditions for its evt.type values, or the
// first rule that keeps it from being filtered.
struct TypeSummariser {
    const char *noun;                        // "an open", "a connect"
    bool (*is_type)(std::string_view);       // its evt.type values
    Formula condition;
    std::string why_not;

    void add(const RuleSet::Rule &r, Summariser &summariser) {
        const EvtTypeSet types = possible_evt_types(r.condition);
        Formula rule;
        for (size_t t = 0; t < kEvtTypes.size(); t++)
            if (types[t] && is_type(kEvtTypes[t]))
                rule = either(std::move(rule), summariser.necessary(r.condition, true, t));
        const auto unsummarised = summariser.take_unsummarised();
        if (why_not.empty() && has_truth(rule))
            why_not = "rule '" + r.info.name + "' " +
                      (unsummarised.empty() ? std::string("tests nothing of ") + noun + " that the kernel can test"
                                            : "uses " + joined(unsummarised, 2) + ", which the kernel cannot test");
        condition = either(std::move(condition), rule);
    }

    PrefilterTypeSummary take() {
        PrefilterTypeSummary out;
        out.filtered = why_not.empty();
        out.why_not = why_not;
        if (out.filtered) {
            simplify(condition, PrefilterSummary::kMaxClauses);
            out.clauses = std::move(condition);
        }
        return out;
    }
};

bool is_connect_type(std::string_view t) { return t == "connect"; }
bool is_connect_result_type(std::string_view t) { return t == "connect_result"; }

}  // namespace

PrefilterSummary summarise_for_prefilter(const RuleSet &rules) {
    PrefilterSummary out;
    Summariser summariser(out);
    TypeSummariser open{"an open", is_open_type, {}, {}}, connect{"a connect", is_connect_type, {}, {}},
        connect_result{"a connect_result", is_connect_result_type, {}, {}};
    for (const auto &r : rules.rules()) {
        open.add(r, summariser);
        connect.add(r, summariser);
        connect_result.add(r, summariser);
    }
    out.open = open.take();
    out.connect = connect.take();
    out.connect_result = connect_result.take();
    return out;
}

namespace {

std::string describe_clause(const PrefilterClause &c, const std::vector<PrefilterPattern> &patterns) {
    static const std::pair<uint32_t, const char *> kFacts[] = {
        {kFactWrite, "write"},       {kFactRead, "read"},           {kFactFailed, "failed"},
        {kFactContainer, "container"}, {kFactHostPidNs, "host_pidns"}, {kFactHostFile, "host_file"},
        {kFactInet, "inet"},           {kFactUnix, "unix"}};
    static const char *const kKinds[] = {"", "prefix", "suffix", "name"};
    std::string out;
    for (const auto &[bit, name] : kFacts) {
        if (c.need_true & bit) out += std::string(out.empty() ? "" : " and ") + name;
        if (c.need_false & bit) out += std::string(out.empty() ? "" : " and ") + "not " + name;
    }
    if (!c.patterns.empty()) {
        out += std::string(out.empty() ? "" : " and ") + "path (";
        for (size_t i = 0; i < c.patterns.size(); i++) {
            const PrefilterPattern &p = patterns.at(c.patterns[i]);
            out += std::string(i ? " or " : "") + kKinds[size_t(p.kind)] + " " + p.text;
        }
        out += ")";
    }
    if (!c.ports.empty()) {
        out += std::string(out.empty() ? "" : " and ") + "port (";
        for (size_t i = 0; i < c.ports.size(); i++) out += (i ? " or " : "") + std::to_string(c.ports[i]);
        out += ")";
    }
    return out.empty() ? "always" : out;
}

}  // namespace

std::vector<std::string> describe_prefilter(const PrefilterSummary &s, bool clauses) {
    std::vector<std::string> lines;
    for (const auto &[name, t] : {std::pair<const char *, const PrefilterTypeSummary &>{"open", s.open},
                                  {"connect", s.connect},
                                  {"connect_result", s.connect_result}}) {
        const std::string head = std::string("prefilter: ") + name + " events: ";
        if (!t.filtered) {
            lines.push_back(head + "all sent: " + t.why_not);
            continue;
        }
        size_t with_paths = 0, with_ports = 0;
        for (const auto &c : t.clauses) {
            with_paths += !c.patterns.empty();
            with_ports += !c.ports.empty();
        }
        lines.push_back(head + "filtered in the kernel: " + std::to_string(t.clauses.size()) + " clauses (" +
                        std::to_string(with_paths) + " with path tests, " + std::to_string(with_ports) +
                        " with port tests)");
        if (clauses)
            for (const auto &c : t.clauses) lines.push_back("  sent when: " + describe_clause(c, s.patterns));
    }
    return lines;
}

}  // namespace crowsnest
