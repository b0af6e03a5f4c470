#include "first_rules.h"

#include <fcntl.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <set>
#include <string_view>
#include <sys/socket.h>

#include "path_util.h"
#include "port_scan_tracker.h"

namespace crowsnest {

enum class PredicateKind {
    InContainer,          // bool
    Succeeded,            // bool: ret >= 0
    HostPidNs,            // bool: shares the host's pid namespace
    OpenForWrite,         // bool: open: write access, or creating/truncating
    ExeUpperLayer,        // bool: exec: the program's file is in the container's writable layer
    DistinctPortsPerHost, // connect: {at_least, within_seconds} distinct ports of one host
    HostFile,             // host paths: the open reached one of them (a "dir/" covers the files in dir)
    ExeNameIn,            // names: executed file, argv[0] or comm (case-insensitive)
    ArgsContainAny,       // substrings of any argument after argv[0] (case-insensitive)
    ArgsFlagAny,          // an argument equal to the flag, or "flag=..."
    FlagValueContainsAny, // the value given to one of the flags contains a substring (case-insensitive)
    DstPortIn,            // connect: inet/inet6 destination port
    UnixSocketNameIn,     // connect: last component of the unix socket path
    PathPrefixIn,         // open: absolute path starts with one of these
    PathNameIn,           // open: last component of the path
};

struct FirstRules::Predicate {
    PredicateKind kind;
    bool flag = false;
    std::unordered_set<std::string> names;
    std::vector<std::string> strings;  // substrings (lowercase), flags, path prefixes or host paths
    std::vector<std::string> flags;    // flag_value_contains_any: the flags whose value is looked at
    std::set<uint32_t> ports;
    std::unique_ptr<PortScanTracker> scans;  // distinct_ports_per_host: its own state
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
const RuleInfo &FirstRules::rule_info(size_t i) const { return rules_.at(i).info; }

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool icontains(std::string_view haystack, std::string_view lower_needle) {
    auto it = std::search(haystack.begin(), haystack.end(), lower_needle.begin(), lower_needle.end(),
                          [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
    return it != haystack.end();
}

bool icontains_any(std::string_view haystack, const std::vector<std::string> &lower_needles) {
    return std::any_of(lower_needles.begin(), lower_needles.end(),
                       [&](const std::string &n) { return icontains(haystack, n); });
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

// An argument equal to the flag, or "flag=value".
bool is_flag(std::string_view arg, std::string_view flag) {
    return arg == flag || (arg.size() > flag.size() && starts_with(arg, flag) && arg[flag.size()] == '=');
}

// The value that args[i] gives `flag`, in getopt's spellings: "--algo x",
// "--algo=x", and for a one-letter flag also "-ax". Returns false when args[i]
// is not that flag (or nothing follows it).
bool flag_value(const std::vector<std::string> &args, size_t i, std::string_view flag, std::string_view &value) {
    std::string_view arg = args[i];
    if (arg == flag) {
        if (i + 1 >= args.size()) return false;
        value = args[i + 1];
        return true;
    }
    if (arg.size() <= flag.size() || !starts_with(arg, flag)) return false;
    const bool short_flag = flag.size() == 2 && flag[0] == '-' && flag[1] != '-';
    value = arg.substr(flag.size());
    if (value[0] == '=') {
        value.remove_prefix(1);
        return true;
    }
    return short_flag;
}

bool args_contain_any(const FirstRules::Predicate &p, const std::vector<std::string> &args) {
    for (size_t i = 1; i < args.size(); i++)
        if (icontains_any(args[i], p.strings)) return true;
    return false;
}

bool args_flag_any(const FirstRules::Predicate &p, const std::vector<std::string> &args) {
    for (size_t i = 1; i < args.size(); i++)
        for (const auto &f : p.strings)
            if (is_flag(args[i], f)) return true;
    return false;
}

bool flag_value_contains_any(const FirstRules::Predicate &p, const std::vector<std::string> &args) {
    std::string_view value;
    for (size_t i = 1; i < args.size(); i++)
        for (const auto &f : p.flags)
            if (flag_value(args, i, f, value) && icontains_any(value, p.strings)) return true;
    return false;
}

// A listed file equal to the host path, or a listed "dir/" that it is directly in.
bool host_path_listed(const std::vector<std::string> &listed, std::string_view host_path) {
    for (const auto &l : listed) {
        if (host_path == l) return true;
        if (l.back() == '/' && host_path.size() > l.size() && starts_with(host_path, l) &&
            host_path.find('/', l.size()) == std::string_view::npos)
            return true;
    }
    return false;
}

bool opens_for_write(uint32_t flags) {
    return (flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC)) != 0;
}

bool holds(const FirstRules::Predicate &p, const EventContext &ctx) {
    const Event &e = *ctx.event;
    switch (p.kind) {
    case PredicateKind::InContainer: return ctx.in_container() == p.flag;
    case PredicateKind::Succeeded: return (e.ret >= 0) == p.flag;
    case PredicateKind::HostPidNs: return ctx.host_pid_ns == p.flag;
    case PredicateKind::OpenForWrite: return e.type == EventType::Open && opens_for_write(e.open_flags) == p.flag;
    case PredicateKind::ExeUpperLayer: return e.type == EventType::Exec && e.exe_upper_layer == p.flag;
    case PredicateKind::DistinctPortsPerHost:
        return e.type == EventType::Connect && (e.family == AF_INET || e.family == AF_INET6) &&
               p.scans->observe(e.cgroup_id, e.addr, e.port, e.boot_ns);
    case PredicateKind::HostFile: return host_path_listed(p.strings, ctx.host_path);
    case PredicateKind::ExeNameIn: return exe_name_matches(p, ctx);
    case PredicateKind::ArgsContainAny: return args_contain_any(p, args_of(ctx));
    case PredicateKind::ArgsFlagAny: return args_flag_any(p, args_of(ctx));
    case PredicateKind::FlagValueContainsAny: return flag_value_contains_any(p, args_of(ctx));
    case PredicateKind::DstPortIn:
        return e.type == EventType::Connect && (e.family == AF_INET || e.family == AF_INET6) && p.ports.count(e.port);
    case PredicateKind::UnixSocketNameIn:
        return e.type == EventType::Connect && e.family == AF_UNIX && p.names.count(std::string(base_name(e.unix_path)));
    case PredicateKind::PathPrefixIn:
        if (e.type != EventType::Open) return false;
        for (const auto &s : p.strings)
            if (starts_with(ctx.resolved_path, s)) return true;
        return false;
    case PredicateKind::PathNameIn:
        return e.type == EventType::Open && p.names.count(std::string(base_name(ctx.resolved_path)));
    }
    return false;
}

// ---- loading ----------------------------------------------------------------

// "file:line:column: message", or "file: message" without a position.
std::string located(const std::string &file, const YAML::Mark &m, const std::string &msg) {
    if (m.is_null()) return file + ": " + msg;
    return file + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) + ": " + msg;
}

// One rule file, read once and then parsed in two passes: the lists of all
// files first, so that a list replaced by a later file reaches every rule.
struct RuleFile {
    std::string path;
    YAML::Node doc;
    bool usable = false;              // doc is a map with something to parse
    std::vector<std::string> errors;  // this file's, reported in file order
};

RuleFile read_rule_file(const std::string &path) {
    RuleFile f{path, {}, false, {}};
    try {
        f.doc = YAML::LoadFile(path);
    } catch (const YAML::BadFile &) {
        f.errors.push_back(path + ": cannot read the file");
        return f;
    } catch (const YAML::Exception &e) {
        f.errors.push_back(located(path, e.mark, e.msg));
        return f;
    }
    if (!f.doc.IsNull() && !f.doc.IsMap())
        f.errors.push_back(located(path, f.doc.Mark(), "expected a map with 'lists' and 'rules'"));
    f.usable = f.doc.IsMap();
    return f;
}

struct Loader {
    RuleFile *file = nullptr;  // the file being parsed, which errors go to
    std::map<std::string, std::vector<std::string>> lists;

    void error(const YAML::Mark &at, const std::string &msg) { file->errors.push_back(located(file->path, at, msg)); }
    void error(const YAML::Node &at, const std::string &msg) { error(at.Mark(), msg); }

    // A map key that names something: a scalar, not [a, b] or {a: b}.
    bool name(const YAML::Node &key, std::string &out) {
        if (!key.IsScalar()) {
            error(key, "expected a name");
            return false;
        }
        out = key.Scalar();
        return true;
    }

    // A predicate's values: an inline sequence, or the name of a list.
    bool values(const YAML::Node &node, std::vector<std::string> &out) {
        if (node.IsSequence()) {
            for (const auto &v : node) {
                if (!v.IsScalar()) {
                    error(v, "expected a string");
                    return false;
                }
                out.push_back(v.Scalar());
            }
            return true;
        }
        if (node.IsScalar()) {
            auto it = lists.find(node.Scalar());
            if (it == lists.end()) {
                error(node, "undefined list '" + node.Scalar() + "'");
                return false;
            }
            out = it->second;
            return true;
        }
        error(node, "expected a list name or a [list]");
        return false;
    }

    bool boolean(const YAML::Node &node, bool &out) {
        if (node.IsScalar() && (node.Scalar() == "true" || node.Scalar() == "false")) {
            out = node.Scalar() == "true";
            return true;
        }
        error(node, "expected true or false");
        return false;
    }

    // Runs one pass over one file. A yaml-cpp exception that the checks did
    // not foresee becomes an error of that file instead of escaping load().
    template <typename Pass>
    void in_file(RuleFile &f, Pass pass) {
        if (!f.usable) return;
        file = &f;
        try {
            pass(f.doc);
        } catch (const YAML::Exception &e) {
            error(e.mark, e.msg);
        }
    }
};

const std::map<std::string, PredicateKind> &predicate_kinds() {
    static const std::map<std::string, PredicateKind> kinds = {
        {"in_container", PredicateKind::InContainer},
        {"succeeded", PredicateKind::Succeeded},
        {"host_pid_ns", PredicateKind::HostPidNs},
        {"open_for_write", PredicateKind::OpenForWrite},
        {"exe_upper_layer", PredicateKind::ExeUpperLayer},
        {"distinct_ports_per_host", PredicateKind::DistinctPortsPerHost},
        {"host_file", PredicateKind::HostFile},
        {"exe_name_in", PredicateKind::ExeNameIn},
        {"args_contain_any", PredicateKind::ArgsContainAny},
        {"args_flag_any", PredicateKind::ArgsFlagAny},
        {"flag_value_contains_any", PredicateKind::FlagValueContainsAny},
        {"dst_port_in", PredicateKind::DstPortIn},
        {"unix_socket_name_in", PredicateKind::UnixSocketNameIn},
        {"path_prefix_in", PredicateKind::PathPrefixIn},
        {"path_name_in", PredicateKind::PathNameIn},
    };
    return kinds;
}

bool is_bool_kind(PredicateKind k) {
    return k == PredicateKind::InContainer || k == PredicateKind::Succeeded || k == PredicateKind::HostPidNs ||
           k == PredicateKind::OpenForWrite || k == PredicateKind::ExeUpperLayer;
}

// flag_value_contains_any: {flags: <list>, values: <list>}
bool parse_flag_values(Loader &ld, const YAML::Node &value, FirstRules::Predicate &p) {
    if (!value.IsMap() || value.size() != 2 || !value["flags"] || !value["values"]) {
        ld.error(value, "expected {flags: <list>, values: <list>}");
        return false;
    }
    std::vector<std::string> vals;
    if (!ld.values(value["flags"], p.flags) || !ld.values(value["values"], vals)) return false;
    for (const auto &v : vals) p.strings.push_back(lower(v));
    return true;
}

// distinct_ports_per_host: {at_least: <count>, within_seconds: <seconds>}
bool parse_port_scan(Loader &ld, const YAML::Node &value, FirstRules::Predicate &p) {
    auto positive = [&](const char *field, unsigned long max, unsigned long &out) {
        const auto v = value[field];
        char *end = nullptr;
        const std::string text = v && v.IsScalar() ? v.as<std::string>() : "";
        out = std::strtoul(text.c_str(), &end, 10);
        if (text.empty() || *end != '\0' || out == 0 || out > max) {
            ld.error(v ? v : value, std::string("'") + field + "' must be a whole number from 1 to " + std::to_string(max));
            return false;
        }
        return true;
    };
    if (!value.IsMap() || value.size() != 2) {
        ld.error(value, "expected {at_least: <count>, within_seconds: <seconds>}");
        return false;
    }
    unsigned long count = 0, seconds = 0;
    if (!positive("at_least", 65536, count) || !positive("within_seconds", 3600, seconds)) return false;
    p.scans = std::make_unique<PortScanTracker>(count, uint64_t(seconds) * 1000000000ULL);
    return true;
}

bool parse_predicate(Loader &ld, const YAML::Node &key, const YAML::Node &value, FirstRules::Predicate &p) {
    std::string name;
    if (!ld.name(key, name)) return false;
    const auto &kinds = predicate_kinds();
    auto kind = kinds.find(name);
    if (kind == kinds.end()) {
        std::string known;
        for (const auto &k : kinds) known += (known.empty() ? "" : ", ") + k.first;
        ld.error(key, "unknown predicate '" + name + "' (known: " + known + ")");
        return false;
    }
    p.kind = kind->second;
    if (is_bool_kind(p.kind)) return ld.boolean(value, p.flag);
    if (p.kind == PredicateKind::FlagValueContainsAny) return parse_flag_values(ld, value, p);
    if (p.kind == PredicateKind::DistinctPortsPerHost) return parse_port_scan(ld, value, p);

    std::vector<std::string> vals;
    if (!ld.values(value, vals)) return false;
    switch (p.kind) {
    case PredicateKind::HostFile:
        for (const auto &v : vals) {
            if (v.empty() || v[0] != '/') {
                ld.error(value, "host path '" + v + "' is not absolute");
                return false;
            }
        }
        p.strings = vals;
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

// Pass one: the file's top-level keys and its lists, which replace earlier
// lists of the same name.
void read_lists(Loader &ld, const YAML::Node &doc) {
    for (const auto &top : doc) {
        std::string key;
        if (ld.name(top.first, key) && key != "lists" && key != "rules")
            ld.error(top.first, "unknown key '" + key + "' (expected lists, rules)");
    }
    const auto lists = doc["lists"];
    if (!lists) return;
    if (!lists.IsMap()) {
        ld.error(lists, "'lists' must map names to [lists]");
        return;
    }
    for (const auto &l : lists) {
        std::string name;
        std::vector<std::string> items;
        if (!ld.name(l.first, name)) continue;
        if (!l.second.IsSequence())
            ld.error(l.second, "list '" + name + "' must be a [list]");
        else if (ld.values(l.second, items))
            ld.lists[name] = std::move(items);
    }
}

const std::set<std::string> kSeverities = {"info", "low", "medium", "high", "critical"};
const std::set<std::string> kRuleFields = {"rule", "desc", "category", "severity", "event",
                                           "output", "tags", "when", "enabled"};

// Every key of the map is a name (reports each one that is not).
bool keys_are_names(Loader &ld, const YAML::Node &map) {
    bool ok = true;
    std::string name;
    for (const auto &kv : map) ok = ld.name(kv.first, name) && ok;
    return ok;
}

bool fields_known(Loader &ld, const YAML::Node &rule) {
    bool ok = true;
    for (const auto &kv : rule) {
        if (kRuleFields.count(kv.first.Scalar())) continue;
        ld.error(kv.first, "unknown rule field '" + kv.first.Scalar() + "'");
        ok = false;
    }
    return ok;
}

// A rule field holding a string.
bool text_field(Loader &ld, const YAML::Node &rule, const char *field, std::string &out, bool required) {
    const auto v = rule[field];
    if (!v) {
        if (required) ld.error(rule, std::string("rule is missing '") + field + "'");
        return !required;
    }
    if (!v.IsScalar()) {
        ld.error(v, std::string("'") + field + "' must be a string");
        return false;
    }
    out = v.Scalar();
    return true;
}

bool parse_event(Loader &ld, const YAML::Node &at, const std::string &event, EventType &out) {
    static const std::map<std::string, EventType> events = {
        {"exec", EventType::Exec}, {"connect", EventType::Connect}, {"open", EventType::Open}};
    auto it = events.find(event);
    if (it == events.end()) {
        ld.error(at, "unknown event '" + event + "' (expected exec, connect or open)");
        return false;
    }
    out = it->second;
    return true;
}

bool parse_when(Loader &ld, const YAML::Node &rule, std::vector<FirstRules::Predicate> &out) {
    const auto when = rule["when"];
    if (!when || !when.IsMap() || when.size() == 0) {
        ld.error(when ? when : rule, "rule needs a 'when' map of predicates");
        return false;
    }
    bool ok = true;
    for (const auto &kv : when) {
        FirstRules::Predicate p;
        if (parse_predicate(ld, kv.first, kv.second, p))
            out.push_back(std::move(p));
        else
            ok = false;
    }
    return ok;
}

// Parses one rule into `r`; `names` holds the names of the rules before it.
bool parse_rule(Loader &ld, const YAML::Node &node, std::set<std::string> &names, FirstRules::Rule &r,
                bool &enabled) {
    if (!node.IsMap()) {
        ld.error(node, "a rule must be a map");
        return false;
    }
    if (!keys_are_names(ld, node)) return false;  // [a, b]: 1 leaves nothing readable
    std::string event, output;
    bool ok = text_field(ld, node, "rule", r.info.name, true);
    ok = text_field(ld, node, "desc", r.info.desc, false) && ok;
    ok = text_field(ld, node, "category", r.info.category, true) && ok;
    ok = text_field(ld, node, "severity", r.info.severity, true) && ok;
    ok = text_field(ld, node, "event", event, true) && ok;
    ok = text_field(ld, node, "output", output, true) && ok;
    ok = fields_known(ld, node) && ok;
    if (!ok) return false;

    if (!names.insert(r.info.name).second) {
        ld.error(node["rule"], "duplicate rule '" + r.info.name + "'");
        return false;
    }
    if (!kSeverities.count(r.info.severity)) {
        ld.error(node["severity"],
                 "unknown severity '" + r.info.severity + "' (expected info, low, medium, high or critical)");
        return false;
    }
    if (!parse_event(ld, node["event"], event, r.event)) return false;
    if (const auto tags = node["tags"]; tags && !ld.values(tags, r.info.tags)) return false;
    std::string template_error;
    if (!r.output.parse(output, template_error)) {
        ld.error(node["output"], template_error);
        return false;
    }
    ok = parse_when(ld, node, r.when);
    if (const auto en = node["enabled"]; en && !ld.boolean(en, enabled)) ok = false;
    return ok;
}

// Pass two: the file's rules, appended to `out` unless disabled.
void read_rules(Loader &ld, const YAML::Node &doc, std::set<std::string> &names, std::vector<FirstRules::Rule> &out) {
    const auto list = doc["rules"];
    if (!list) return;
    if (!list.IsSequence()) {
        ld.error(list, "'rules' must be a list");
        return;
    }
    for (const auto &node : list) {
        FirstRules::Rule r;
        bool enabled = true;
        if (parse_rule(ld, node, names, r, enabled) && enabled) out.push_back(std::move(r));
    }
}

}  // namespace

std::unique_ptr<FirstRules> FirstRules::load(const std::vector<std::string> &files, std::vector<std::string> &errors) {
    std::vector<RuleFile> read;
    for (const auto &file : files) read.push_back(read_rule_file(file));

    auto rules = std::make_unique<FirstRules>();
    Loader ld;
    std::set<std::string> names;
    for (auto &f : read) ld.in_file(f, [&](const YAML::Node &doc) { read_lists(ld, doc); });
    for (auto &f : read) ld.in_file(f, [&](const YAML::Node &doc) { read_rules(ld, doc, names, rules->rules_); });

    bool failed = false;
    for (const auto &f : read) {
        errors.insert(errors.end(), f.errors.begin(), f.errors.end());
        failed = failed || !f.errors.empty();
    }
    if (failed) return nullptr;

    auto &paths = rules->host_paths_;
    for (const auto &r : rules->rules_)
        for (const auto &p : r.when)
            if (p.kind == PredicateKind::HostFile) paths.insert(paths.end(), p.strings.begin(), p.strings.end());
    std::sort(paths.begin(), paths.end());
    paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
    return rules;
}

// One verdict per category and event: the first rule in file order wins, so
// a miner started with pool URL and miner flags is one alert, not three.
void FirstRules::match(const EventContext &ctx, std::vector<Detection> &out) const {
    const size_t first = out.size();
    for (const auto &r : rules_) {
        if (r.event != ctx.event->type) continue;
        bool category_reported = false;
        for (size_t i = first; i < out.size(); i++) category_reported |= out[i].rule->category == r.info.category;
        if (category_reported) continue;
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
