#include "first_rules.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <sys/socket.h>

#include "path_util.h"

namespace crowsnest {

enum class PredicateKind {
    InContainer,      // bool
    Succeeded,        // bool: ret >= 0
    HostPidNs,        // bool: shares the host's pid namespace
    HostFile,         // list of host paths: the open reached one of them
    ExeNameIn,        // names: executed file, argv[0] or comm (case-insensitive)
    ArgsContainAny,   // substrings of any argument after argv[0] (case-insensitive)
    ArgsFlagAny,      // an argument equal to the flag, or "flag=..."
    DstPortIn,        // connect: inet/inet6 destination port
    UnixSocketNameIn, // connect: last component of the unix socket path
    PathPrefixIn,     // open: absolute path starts with one of these
    PathNameIn,       // open: last component of the path
};

struct FirstRules::Predicate {
    PredicateKind kind;
    bool flag = false;
    std::unordered_set<std::string> names;
    std::vector<std::string> strings;
    std::set<uint32_t> ports;
};

struct FirstRules::Rule {
    RuleInfo info;
    EventType event;
    std::vector<Predicate> when;
    OutputTemplate output;
};

FirstRules::FirstRules() = default;
FirstRules::~FirstRules() = default;
size_t FirstRules::rule_count() const { return rules_.size(); }

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

bool icontains(std::string_view haystack, std::string_view lower_needle) {
    auto it = std::search(haystack.begin(), haystack.end(), lower_needle.begin(), lower_needle.end(),
                          [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
    return it != haystack.end();
}

bool in_lower_set(const std::unordered_set<std::string> &set, std::string_view s) {
    return !s.empty() && set.count(lower(s)) > 0;
}

const std::vector<std::string> &args_of(const EventContext &ctx) {
    static const std::vector<std::string> none;
    if (ctx.event->type == EventType::Exec) return ctx.event->argv;
    return ctx.process ? ctx.process->args : none;
}

bool exe_name_matches(const FirstRules::Predicate &p, const EventContext &ctx) {
    const Event &e = *ctx.event;
    const auto &args = args_of(ctx);
    if (e.type == EventType::Exec && in_lower_set(p.names, base_name(e.filename))) return true;
    if (!args.empty() && in_lower_set(p.names, base_name(args[0]))) return true;
    if (ctx.process && in_lower_set(p.names, base_name(ctx.process->exe))) return true;
    return in_lower_set(p.names, e.comm);
}

bool holds(const FirstRules::Predicate &p, const EventContext &ctx) {
    const Event &e = *ctx.event;
    switch (p.kind) {
    case PredicateKind::InContainer: return ctx.in_container() == p.flag;
    case PredicateKind::Succeeded: return (e.ret >= 0) == p.flag;
    case PredicateKind::HostPidNs: return ctx.host_pid_ns == p.flag;
    case PredicateKind::HostFile: return !ctx.host_path.empty();
    case PredicateKind::ExeNameIn: return exe_name_matches(p, ctx);
    case PredicateKind::ArgsContainAny: {
        const auto &args = args_of(ctx);
        for (size_t i = 1; i < args.size(); i++)
            for (const auto &s : p.strings)
                if (icontains(args[i], s)) return true;
        return false;
    }
    case PredicateKind::ArgsFlagAny: {
        const auto &args = args_of(ctx);
        for (size_t i = 1; i < args.size(); i++)
            for (const auto &f : p.strings)
                if (args[i] == f || (args[i].size() > f.size() && args[i].compare(0, f.size(), f) == 0 &&
                                     args[i][f.size()] == '='))
                    return true;
        return false;
    }
    case PredicateKind::DstPortIn:
        return e.type == EventType::Connect && (e.family == AF_INET || e.family == AF_INET6) && p.ports.count(e.port);
    case PredicateKind::UnixSocketNameIn:
        return e.type == EventType::Connect && e.family == AF_UNIX && p.names.count(std::string(base_name(e.unix_path)));
    case PredicateKind::PathPrefixIn:
        if (e.type != EventType::Open) return false;
        for (const auto &s : p.strings)
            if (ctx.resolved_path.compare(0, s.size(), s) == 0) return true;
        return false;
    case PredicateKind::PathNameIn:
        return e.type == EventType::Open && p.names.count(std::string(base_name(ctx.resolved_path)));
    }
    return false;
}

// ---- loading ----------------------------------------------------------------

struct Loader {
    std::vector<std::string> &errors;
    std::string file;
    std::map<std::string, std::vector<std::string>> lists;

    void error(const YAML::Node &at, const std::string &msg) {
        const auto m = at.Mark();
        errors.push_back(file + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) + ": " + msg);
    }

    // A predicate's values: an inline sequence, or the name of a list.
    bool values(const YAML::Node &node, std::vector<std::string> &out) {
        if (node.IsSequence()) {
            for (const auto &v : node) {
                if (!v.IsScalar()) {
                    error(v, "expected a string");
                    return false;
                }
                out.push_back(v.as<std::string>());
            }
            return true;
        }
        if (node.IsScalar()) {
            auto it = lists.find(node.as<std::string>());
            if (it == lists.end()) {
                error(node, "undefined list '" + node.as<std::string>() + "'");
                return false;
            }
            out = it->second;
            return true;
        }
        error(node, "expected a list name or a [list]");
        return false;
    }

    bool boolean(const YAML::Node &node, bool &out) {
        if (node.IsScalar()) {
            const auto s = node.as<std::string>();
            if (s == "true" || s == "false") {
                out = s == "true";
                return true;
            }
        }
        error(node, "expected true or false");
        return false;
    }
};

const std::map<std::string, PredicateKind> &predicate_kinds() {
    static const std::map<std::string, PredicateKind> kinds = {
        {"in_container", PredicateKind::InContainer},
        {"succeeded", PredicateKind::Succeeded},
        {"host_pid_ns", PredicateKind::HostPidNs},
        {"host_file", PredicateKind::HostFile},
        {"exe_name_in", PredicateKind::ExeNameIn},
        {"args_contain_any", PredicateKind::ArgsContainAny},
        {"args_flag_any", PredicateKind::ArgsFlagAny},
        {"dst_port_in", PredicateKind::DstPortIn},
        {"unix_socket_name_in", PredicateKind::UnixSocketNameIn},
        {"path_prefix_in", PredicateKind::PathPrefixIn},
        {"path_name_in", PredicateKind::PathNameIn},
    };
    return kinds;
}

bool is_bool_kind(PredicateKind k) {
    return k == PredicateKind::InContainer || k == PredicateKind::Succeeded || k == PredicateKind::HostPidNs;
}

bool parse_predicate(Loader &ld, const YAML::Node &key, const YAML::Node &value, FirstRules::Predicate &p,
                     std::vector<std::string> &host_paths) {
    const auto kinds = predicate_kinds();
    auto kind = kinds.find(key.as<std::string>());
    if (kind == kinds.end()) {
        std::string known;
        for (const auto &k : kinds) known += (known.empty() ? "" : ", ") + k.first;
        ld.error(key, "unknown predicate '" + key.as<std::string>() + "' (known: " + known + ")");
        return false;
    }
    p.kind = kind->second;
    if (is_bool_kind(p.kind)) return ld.boolean(value, p.flag);

    std::vector<std::string> vals;
    if (!ld.values(value, vals)) return false;
    switch (p.kind) {
    case PredicateKind::HostFile:
        for (const auto &v : vals) {
            if (v.empty() || v[0] != '/') {
                ld.error(value, "host path '" + v + "' is not absolute");
                return false;
            }
            host_paths.push_back(v);
        }
        return true;
    case PredicateKind::DstPortIn:
        for (const auto &v : vals) {
            char *end = nullptr;
            unsigned long port = std::strtoul(v.c_str(), &end, 10);
            if (v.empty() || *end != '\0' || port > 65535) {
                ld.error(value, "'" + v + "' is not a port number (0-65535)");
                return false;
            }
            p.ports.insert(uint32_t(port));
        }
        return true;
    case PredicateKind::ExeNameIn:
        for (const auto &v : vals) p.names.insert(lower(v));
        return true;
    case PredicateKind::UnixSocketNameIn:
    case PredicateKind::PathNameIn:
        p.names.insert(vals.begin(), vals.end());
        return true;
    case PredicateKind::ArgsContainAny:
        for (const auto &v : vals) p.strings.push_back(lower(v));
        return true;
    default:
        p.strings = vals;
        return true;
    }
}

const std::set<std::string> kSeverities = {"info", "low", "medium", "high", "critical"};

}  // namespace

std::unique_ptr<FirstRules> FirstRules::load(const std::vector<std::string> &files, std::vector<std::string> &errors) {
    auto rules = std::make_unique<FirstRules>();
    Loader ld{errors, "", {}};
    const size_t errors_before = errors.size();
    std::set<std::string> names;

    for (const auto &file : files) {
        ld.file = file;
        YAML::Node doc;
        try {
            doc = YAML::LoadFile(file);
        } catch (const YAML::BadFile &) {
            errors.push_back(file + ": cannot read the file");
            continue;
        } catch (const YAML::ParserException &e) {
            errors.push_back(file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                             ": " + e.msg);
            continue;
        }
        if (doc.IsNull()) continue;
        if (!doc.IsMap()) {
            ld.error(doc, "expected a map with 'lists' and 'rules'");
            continue;
        }
        for (const auto &top : doc) {
            const auto key = top.first.as<std::string>();
            if (key != "lists" && key != "rules") ld.error(top.first, "unknown key '" + key + "' (expected lists, rules)");
        }
        if (const auto lists = doc["lists"]) {
            if (!lists.IsMap()) ld.error(lists, "'lists' must map names to [lists]");
            else
                for (const auto &l : lists) {
                    std::vector<std::string> items;
                    if (!l.second.IsSequence()) ld.error(l.second, "list '" + l.first.as<std::string>() + "' must be a [list]");
                    else if (ld.values(l.second, items)) ld.lists[l.first.as<std::string>()] = std::move(items);
                }
        }
        const auto list = doc["rules"];
        if (!list) continue;
        if (!list.IsSequence()) {
            ld.error(list, "'rules' must be a list");
            continue;
        }
        for (const auto &node : list) {
            if (!node.IsMap()) {
                ld.error(node, "a rule must be a map");
                continue;
            }
            Rule r;
            bool ok = true;
            auto text = [&](const char *field, std::string &out, bool required) {
                const auto v = node[field];
                if (!v) {
                    if (required) ld.error(node, std::string("rule is missing '") + field + "'");
                    ok = ok && !required;
                    return;
                }
                if (!v.IsScalar()) {
                    ld.error(v, std::string("'") + field + "' must be a string");
                    ok = false;
                    return;
                }
                out = v.as<std::string>();
            };
            std::string event, output;
            text("rule", r.info.name, true);
            text("desc", r.info.desc, false);
            text("category", r.info.category, true);
            text("severity", r.info.severity, true);
            text("event", event, true);
            text("output", output, true);
            for (const auto &kv : node) {
                static const std::set<std::string> known = {"rule", "desc", "category", "severity", "event",
                                                            "output", "tags", "when", "enabled"};
                const auto k = kv.first.as<std::string>();
                if (!known.count(k)) {
                    ld.error(kv.first, "unknown rule field '" + k + "'");
                    ok = false;
                }
            }
            if (!ok) continue;
            if (!names.insert(r.info.name).second) {
                ld.error(node["rule"], "duplicate rule '" + r.info.name + "'");
                continue;
            }
            if (!kSeverities.count(r.info.severity)) {
                ld.error(node["severity"], "unknown severity '" + r.info.severity +
                                               "' (expected info, low, medium, high or critical)");
                continue;
            }
            if (event == "exec") r.event = EventType::Exec;
            else if (event == "connect") r.event = EventType::Connect;
            else if (event == "open") r.event = EventType::Open;
            else {
                ld.error(node["event"], "unknown event '" + event + "' (expected exec, connect or open)");
                continue;
            }
            if (const auto tags = node["tags"]) {
                if (!ld.values(tags, r.info.tags)) continue;
            }
            std::string template_error;
            if (!r.output.parse(output, template_error)) {
                ld.error(node["output"], template_error);
                continue;
            }
            const auto when = node["when"];
            if (!when || !when.IsMap() || when.size() == 0) {
                ld.error(when ? when : node, "rule needs a 'when' map of predicates");
                continue;
            }
            for (const auto &kv : when) {
                Predicate p;
                if (!parse_predicate(ld, kv.first, kv.second, p, rules->host_paths_)) {
                    ok = false;
                    continue;
                }
                r.when.push_back(std::move(p));
            }
            bool enabled = true;
            if (const auto en = node["enabled"]; en && !ld.boolean(en, enabled)) ok = false;
            if (ok && enabled) rules->rules_.push_back(std::move(r));
        }
    }
    if (errors.size() != errors_before) return nullptr;
    std::sort(rules->host_paths_.begin(), rules->host_paths_.end());
    rules->host_paths_.erase(std::unique(rules->host_paths_.begin(), rules->host_paths_.end()), rules->host_paths_.end());
    return rules;
}

void FirstRules::match(const EventContext &ctx, std::vector<Detection> &out) const {
    for (const auto &r : rules_) {
        if (r.event != ctx.event->type) continue;
        bool all = true;
        for (const auto &p : r.when)
            if (!holds(p, ctx)) {
                all = false;
                break;
            }
        if (all) out.push_back({&r.info, r.output.render(ctx)});
    }
}

}  // namespace crowsnest
