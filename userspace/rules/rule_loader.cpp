#include "rules/rule_loader.h"

#include <yaml-cpp/yaml.h>

#include <array>
#include <charconv>
#include <map>
#include <memory>
#include <set>

#include "rules/condition_parser.h"
#include "rules/yaml_bounds.h"
#include "util/path_util.h"

namespace crowsnest {

namespace {

// Keys of Falco's that crowsnest accepts and has no use for.
const std::set<std::string> kIgnoredRuleKeys = {"source", "warn_evttypes", "capture", "capture_duration"};
const std::set<std::string> kRuleKeys = {"rule", "desc", "condition", "output", "priority", "tags", "enabled",
                                         "exceptions", "append", "override", "threshold", "skip-if-unknown-filter"};

// "0.57.0"; Falco's older engine versions are one number, "26" being 0.26.0.
bool parse_version(const std::string &s, std::array<uint64_t, 3> &out) {
    const char *p = s.data(), *end = s.data() + s.size();
    size_t parts = 0;
    while (parts < 3) {
        auto [next, ec] = std::from_chars(p, end, out[parts]);
        if (ec != std::errc()) return false;
        parts++;
        p = next;
        if (p == end) break;
        if (*p++ != '.') return false;
    }
    if (p != end) return false;
    if (parts == 1) out = {0, out[0], 0};
    return true;
}

class FileLoader {
public:
    FileLoader(std::shared_ptr<const SourceFile> file, size_t index, RuleDefinitions &defs, YamlBudget &yaml,
               std::vector<std::string> &errors, std::vector<std::string> &warnings)
        : file_(std::move(file)), index_(index), defs_(defs), yaml_(yaml), errors_(errors), warnings_(warnings) {}

    void load() {
        YAML::Node doc;
        try {
            yaml_.check(file_->text());  // no node is built for a file past the bounds
            doc = YAML::Load(file_->text());
        } catch (const YAML::Exception &e) {
            errors_.push_back(file_->where(e.mark.pos) + ": " + e.msg);
            return;
        }
        if (doc.IsNull()) return;
        if (!doc.IsSequence()) return error(doc, "expected a list of '- rule:', '- macro:' and '- list:' items");
        for (const auto &item : doc) {
            try {
                read_item(item);
            } catch (const YAML::Exception &e) {  // a shape the checks did not foresee
                error(item, e.msg);
            }
        }
    }

private:
    std::string where(const YAML::Node &n) const { return file_->where(n.Mark().pos); }
    void error(const YAML::Node &at, const std::string &msg) { errors_.push_back(where(at) + ": " + msg); }
    void warn(const YAML::Node &at, const std::string &msg) { warnings_.push_back(where(at) + ": warning: " + msg); }

    bool scalar(const YAML::Node &n, const std::string &what, std::string &out) {
        if (!n.IsScalar()) {
            error(n, what + " must be a string");
            return false;
        }
        out = n.Scalar();
        return true;
    }
    bool boolean(const YAML::Node &n, const std::string &what, bool &out) {
        if (n.IsScalar() && (n.Scalar() == "true" || n.Scalar() == "false")) {
            out = n.Scalar() == "true";
            return true;
        }
        error(n, what + " must be true or false");
        return false;
    }
    // `wheres`: also the position of each item
    bool strings(const YAML::Node &n, const std::string &what, std::vector<std::string> &out,
                 std::vector<std::string> *wheres = nullptr) {
        if (n.IsNull()) return true;
        if (!n.IsSequence()) {
            error(n, what + " must be a list");
            return false;
        }
        for (const auto &v : n) {
            std::string s;
            if (!scalar(v, "an item of " + what, s)) return false;
            out.push_back(std::move(s));
            if (wheres) wheres->push_back(where(v));
        }
        return true;
    }

    void read_item(const YAML::Node &item) {
        if (!item.IsMap()) return error(item, "expected a map: '- rule:', '- macro:' or '- list:'");
        if (item["rule"]) return read_rule(item);
        if (item["macro"]) return read_macro(item);
        if (item["list"]) return read_list(item);
        if (item["required_engine_version"]) return read_engine_version(item["required_engine_version"]);
        if (item["required_plugin_versions"]) return read_plugin_versions(item["required_plugin_versions"]);
        error(item, "expected '- rule:', '- macro:' or '- list:'");
    }

    // Falco's engine version that a file needs, against the one whose rule
    // language crowsnest implements: a newer one may use what is missing here.
    void read_engine_version(const YAML::Node &n) {
        std::string v;
        if (!scalar(n, "required_engine_version", v)) return;
        std::array<uint64_t, 3> need{}, have{};
        if (!parse_version(v, need)) return error(n, "required_engine_version must be a version such as 0.57.0 or 26");
        parse_version(std::string(kFalcoEngineVersion), have);
        if (need > have)
            warn(n, "required_engine_version " + v + " is newer than Falco's engine version " +
                        std::string(kFalcoEngineVersion) + ", whose rule language crowsnest implements");
    }

    // Falco's plugins: crowsnest has none, but serves the container
    // plugin's fields (container.*, k8s.*) itself.
    void read_plugin_versions(const YAML::Node &n) {
        if (!n.IsSequence()) return error(n, "required_plugin_versions must be a list of {name, version}");
        for (const auto &p : n) {
            std::string name;
            if (!p.IsMap() || !p["name"] || !scalar(p["name"], "a plugin's name", name))
                return error(p, "each of required_plugin_versions needs a 'name'");
            if (name != "container")
                warn(p["name"], "required_plugin_versions: plugin '" + name +
                                    "' is not available: crowsnest has no plugins (only the container plugin's "
                                    "fields are built in)");
        }
    }

    // append: true, or override: {key: append}, for `key`.
    bool appends(const YAML::Node &item, const std::string &key) {
        if (item["append"] && item["append"].IsScalar() && item["append"].Scalar() == "true") return true;
        const auto ov = item["override"];
        return ov && ov.IsMap() && ov[key] && ov[key].IsScalar() && ov[key].Scalar() == "append";
    }

    bool check_modes(const YAML::Node &item, const std::set<std::string> &overridable) {
        bool append = false;
        if (item["append"] && !boolean(item["append"], "append", append)) return false;
        const auto ov = item["override"];
        if (!ov) return true;
        if (item["append"]) {
            error(ov, "use either 'append' or 'override', not both");
            return false;
        }
        if (!ov.IsMap()) {
            error(ov, "override must be a map of key: append | replace");
            return false;
        }
        for (const auto &kv : ov) {
            const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
            if (!overridable.count(key)) {
                error(kv.first, "'" + key + "' cannot be overridden");
                return false;
            }
            const std::string mode = kv.second.IsScalar() ? kv.second.Scalar() : "";
            if (mode != "append" && mode != "replace") {
                error(kv.second, "override mode must be append or replace");
                return false;
            }
            if (!item[key]) {
                error(kv.first, "override of '" + key + "' without a new '" + key + "'");
                return false;
            }
        }
        return true;
    }

    bool modifies(const YAML::Node &item) { return item["override"] || appends(item, ""); }

    void read_list(const YAML::Node &item) {
        std::string name;
        if (!scalar(item["list"], "list", name)) return;
        warn_unknown(item, {"list", "items", "append", "override"});
        if (!check_modes(item, {"items"})) return;
        std::vector<std::string> raw;
        if (!item["items"]) return error(item["list"], "list '" + name + "' needs 'items'");
        if (!strings(item["items"], "items", raw)) return;
        // an item that names a list defined before stands for its items
        // (expand_lists); a quoted one is the text inside its quotes
        std::vector<bool> names_list;
        for (auto &i : raw) {
            std::string value = list_item_value(i);
            names_list.push_back(value.size() == i.size() && defs_.lists.count(i) > 0);
            i = std::move(value);
        }
        auto existing = defs_.lists.find(name);
        if (modifies(item)) {
            if (existing == defs_.lists.end()) return error(item["list"], "list '" + name + "' to append to is not defined");
            ListDef &l = existing->second;
            if (!appends(item, "items")) {
                l.items.clear();
                l.names_list.clear();
            }
            l.items.insert(l.items.end(), raw.begin(), raw.end());
            l.names_list.insert(l.names_list.end(), names_list.begin(), names_list.end());
            return;
        }
        defs_.lists[name] = ListDef{std::move(raw), where(item["list"]), false, std::move(names_list)};
    }

    void read_macro(const YAML::Node &item) {
        std::string name, condition;
        if (!scalar(item["macro"], "macro", name)) return;
        warn_unknown(item, {"macro", "condition", "append", "override"});
        if (!check_modes(item, {"condition"})) return;
        if (!item["condition"]) return error(item["macro"], "macro '" + name + "' needs a 'condition'");
        if (!scalar(item["condition"], "condition", condition)) return;
        auto existing = defs_.macros.find(name);
        if (modifies(item)) {
            if (existing == defs_.macros.end())
                return error(item["macro"], "macro '" + name + "' to append to is not defined");
            if (appends(item, "condition")) {
                append_text(existing->second.condition, existing->second.source, item["condition"], condition);
            } else {
                existing->second.condition.clear();
                existing->second.source = SourceMap();
                append_text(existing->second.condition, existing->second.source, item["condition"], condition);
            }
            return;
        }
        MacroDef m;
        m.where = where(item["macro"]);
        append_text(m.condition, m.source, item["condition"], condition);
        defs_.macros[name] = std::move(m);
    }

    void append_text(std::string &text, SourceMap &map, const YAML::Node &node, const std::string &added) {
        if (!text.empty()) text += ' ';
        map.add(uint32_t(text.size()), file_, node.Mark().pos, added);
        text += added;
    }

    void warn_unknown(const YAML::Node &item, const std::set<std::string> &known) {
        for (const auto &kv : item) {
            const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
            if (!known.count(key) && !kIgnoredRuleKeys.count(key)) warn(kv.first, "unknown key '" + key + "' ignored");
        }
    }

    void read_rule(const YAML::Node &item) {
        std::string name;
        if (!scalar(item["rule"], "rule", name)) return;
        warn_unknown(item, kRuleKeys);
        if (!check_modes(item, {"condition", "output", "desc", "priority", "tags", "exceptions", "enabled"})) return;
        const auto at = defs_.rule_at.find(name);
        RuleDef *existing = at == defs_.rule_at.end() ? nullptr : &defs_.rules[at->second];

        if (modifies(item)) {
            if (!existing) return error(item["rule"], "rule '" + name + "' to append to is not defined");
            return modify_rule(item, *existing);
        }
        const bool only_enabled = item.size() == 2 && item["enabled"];
        if (only_enabled) {  // "- rule: x / enabled: false" switches an earlier rule
            if (!existing) return error(item["rule"], "rule '" + name + "' to enable or disable is not defined");
            boolean(item["enabled"], "enabled", existing->enabled);
            return;
        }
        if (existing && existing->file == index_)
            return error(item["rule"], "duplicate rule '" + name + "' (first defined at " + existing->where + ")");

        RuleDef r;
        r.name = name;
        r.file = index_;
        r.where = where(item["rule"]);
        bool ok = true;
        for (const char *key : {"desc", "condition", "output", "priority"})
            if (!item[key]) {
                error(item["rule"], "rule '" + name + "' needs '" + key + "'");
                ok = false;
            }
        if (!ok) return;
        std::string condition;
        ok = scalar(item["desc"], "desc", r.desc) && scalar(item["condition"], "condition", condition) &&
             scalar(item["output"], "output", r.output) && scalar(item["priority"], "priority", r.priority);
        if (item["tags"]) ok = strings(item["tags"], "tags", r.tags) && ok;
        if (item["enabled"]) ok = boolean(item["enabled"], "enabled", r.enabled) && ok;
        if (item["exceptions"]) ok = read_exceptions(item["exceptions"], r.exceptions, false) && ok;
        for (size_t i = 0; i < r.exceptions.size(); i++) r.exception_at.emplace(r.exceptions[i].name, i);
        if (item["threshold"]) ok = read_threshold(item["threshold"], r.threshold) && ok;
        if (item["skip-if-unknown-filter"])
            ok = boolean(item["skip-if-unknown-filter"], "skip-if-unknown-filter", r.skip_if_unknown_filter) && ok;
        if (!ok) return;
        append_text(r.condition, r.condition_source, item["condition"], condition);
        r.output_where = where(item["output"]);
        r.priority_where = where(item["priority"]);
        if (existing) {
            *existing = std::move(r);  // a later file replaces the rule, in its place
            return;
        }
        defs_.rule_at.emplace(name, defs_.rules.size());
        defs_.rules.push_back(std::move(r));
    }

    void modify_rule(const YAML::Node &item, RuleDef &r) {
        const bool legacy_append = item["append"].IsDefined();
        if (item["condition"]) {
            std::string text;
            if (!scalar(item["condition"], "condition", text)) return;
            if (!appends(item, "condition")) {
                r.condition.clear();
                r.condition_source = SourceMap();
            }
            append_text(r.condition, r.condition_source, item["condition"], text);
        }
        if (item["exceptions"]) {
            std::vector<ExceptionDef> added;
            if (!read_exceptions(item["exceptions"], added, true)) return;
            if (!appends(item, "exceptions")) {
                r.exceptions.clear();
                r.exception_at.clear();
            }
            for (auto &e : added) merge_exception(r, std::move(e));
        }
        if (legacy_append) return;  // Falco's append covers condition and exceptions only
        if (item["output"] && scalar(item["output"], "output", r.output)) r.output_where = where(item["output"]);
        if (item["desc"]) scalar(item["desc"], "desc", r.desc);
        if (item["priority"] && scalar(item["priority"], "priority", r.priority))
            r.priority_where = where(item["priority"]);
        if (item["enabled"]) boolean(item["enabled"], "enabled", r.enabled);
        if (item["tags"]) {
            std::vector<std::string> tags;
            if (!strings(item["tags"], "tags", tags)) return;
            if (!appends(item, "tags")) r.tags.clear();
            r.tags.insert(r.tags.end(), tags.begin(), tags.end());
        }
    }

    // Appended exception values join the exception of the same name.
    // Errors point at the appended exception's name.
    void merge_exception(RuleDef &r, ExceptionDef e) {
        auto fail = [&](const std::string &msg) { errors_.push_back(e.where + ": " + msg); };
        const auto at = r.exception_at.find(e.name);
        if (at == r.exception_at.end()) {
            if (e.fields.empty())
                return fail("exception '" + e.name + "' is new to rule '" + r.name + "' and needs 'fields'");
            r.exception_at.emplace(e.name, r.exceptions.size());
            r.exceptions.push_back(std::move(e));
            return;
        }
        ExceptionDef &old = r.exceptions[at->second];
        if (!e.fields.empty() && e.fields != old.fields)
            return fail("exception '" + e.name + "' of rule '" + r.name + "' already has other fields");
        if (e.fields.empty() && !e.tuples.empty() && e.single != old.single)
            return fail("values appended to exception '" + e.name + "' of rule '" + r.name + "' must be " +
                        (old.single ? "a list of values, as its 'fields' is one field"
                                    : "tuples, one value per field: - [a, b]"));
        old.tuples.insert(old.tuples.end(), e.tuples.begin(), e.tuples.end());
    }

    // `appending`: values for an exception defined earlier may come alone.
    bool read_exceptions(const YAML::Node &node, std::vector<ExceptionDef> &out, bool appending) {
        if (!node.IsSequence()) {
            error(node, "exceptions must be a list");
            return false;
        }
        for (const auto &ex : node) {
            ExceptionDef e;
            if (!ex.IsMap() || !ex["name"]) {
                error(ex, "an exception needs a 'name'");
                return false;
            }
            if (!scalar(ex["name"], "exception name", e.name)) return false;
            e.where = where(ex["name"]);
            for (const auto &kv : ex) {
                const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
                if (key != "name" && key != "fields" && key != "comps" && key != "values")
                    warn(kv.first, "unknown key '" + key + "' ignored");
            }
            const auto fields = ex["fields"], comps = ex["comps"], values = ex["values"];
            if (!fields && !appending) {
                error(ex["name"], "exception '" + e.name + "' needs 'fields'");
                return false;
            }
            // fields: proc.name, comps: in, values: [a, b] is one check against the list;
            // values appended to such an exception come alone, as a list of values too
            bool single = fields && fields.IsScalar();
            if (!fields && values && values.IsSequence() && values.size() > 0) {
                single = true;
                for (const auto &v : values) single = single && v.IsScalar();
            }
            e.single = single;
            if (fields) {
                if (single) {
                    e.fields.push_back(fields.Scalar());
                    e.field_where.push_back(where(fields));
                } else if (!strings(fields, "fields", e.fields, &e.field_where)) {
                    return false;
                }
            }
            if (!appending && e.fields.empty()) {  // fields: [] would except every event
                error(ex["name"], "exception '" + e.name + "' needs 'fields'");
                return false;
            }
            if (comps) {
                if (comps.IsScalar()) {
                    e.comps.push_back(comps.Scalar());
                    e.comp_where.push_back(where(comps));
                } else if (!strings(comps, "comps", e.comps, &e.comp_where)) {
                    return false;
                }
            }
            if (e.comps.empty()) {
                e.comps.assign(std::max<size_t>(e.fields.size(), 1), single ? "in" : "=");
                e.comp_where = e.field_where;  // a default comp that does not fit: the field is the mistake
            }
            if (!e.fields.empty() && e.comps.size() != e.fields.size()) {
                error(comps, "exception '" + e.name + "' has " + std::to_string(e.fields.size()) + " fields but " +
                                 std::to_string(e.comps.size()) + " comps");
                return false;
            }
            if (values && !read_tuples(values, single, e)) return false;
            out.push_back(std::move(e));
        }
        return true;
    }

    bool read_tuples(const YAML::Node &values, bool single, ExceptionDef &e) {
        if (!values.IsSequence()) {
            error(values, "exception values must be a list");
            return false;
        }
        if (single) {
            ExceptionDef::Tuple t;
            t.where = where(values);
            ExceptionDef::Value v;
            v.is_list = true;
            if (!strings(values, "values", v.items, &v.where)) return false;
            t.values.push_back(std::move(v));
            e.tuples.push_back(std::move(t));
            return true;
        }
        for (const auto &tuple : values) {
            if (!tuple.IsSequence()) {
                error(tuple, "each exception value must be a list with one entry per field");
                return false;
            }
            if (!e.fields.empty() && tuple.size() != e.fields.size()) {
                error(tuple, "exception '" + e.name + "' has " + std::to_string(e.fields.size()) +
                                 " fields but this value has " + std::to_string(tuple.size()));
                return false;
            }
            ExceptionDef::Tuple t;
            t.where = where(tuple);
            for (const auto &v : tuple) {
                ExceptionDef::Value value;
                value.is_list = v.IsSequence();
                if (value.is_list) {
                    if (!strings(v, "an exception value", value.items, &value.where)) return false;
                } else {
                    std::string s;
                    if (!scalar(v, "an exception value", s)) return false;
                    value.items.push_back(std::move(s));
                    value.where.push_back(where(v));
                }
                t.values.push_back(std::move(value));
            }
            e.tuples.push_back(std::move(t));
        }
        return true;
    }

    bool whole_number(const YAML::Node &n, const std::string &what, uint64_t min, uint64_t max, uint64_t &out) {
        const std::string s = n.IsScalar() ? n.Scalar() : "";
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        if (s.empty() || ec != std::errc() || end != s.data() + s.size() || out < min || out > max) {
            error(n, what + " must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
            return false;
        }
        return true;
    }

    // "10s", "500ms", "2m", or a number of seconds; at most one hour.
    bool duration(const YAML::Node &n, uint64_t &ns) {
        const std::string s = n.IsScalar() ? n.Scalar() : "";
        uint64_t v = 0;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        const std::string unit(end, s.data() + s.size());
        const uint64_t scale = unit == "ms" ? 1000000ULL : unit == "s" || unit.empty() ? 1000000000ULL
                             : unit == "m" ? 60000000000ULL : 0;
        ns = v * scale;
        if (s.empty() || ec != std::errc() || scale == 0 || ns == 0 || ns > 3600000000000ULL) {
            error(n, "within must be a duration from 1ms to 1h, such as 10s, 500ms or 2m");
            return false;
        }
        return true;
    }

    bool read_threshold(const YAML::Node &node, ThresholdDef &t) {
        t.where = where(node);
        if (!node.IsMap()) {
            error(node, "threshold must be a map: {group_by: [fields], distinct: field, at_least: N, within: 10s}");
            return false;
        }
        for (const auto &kv : node) {
            const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
            if (key != "group_by" && key != "distinct" && key != "at_least" && key != "within" && key != "max_groups") {
                error(kv.first, "unknown threshold key '" + key + "' (expected group_by, distinct, at_least, within, max_groups)");
                return false;
            }
        }
        for (const char *key : {"group_by", "at_least", "within"})
            if (!node[key]) {
                error(node, std::string("threshold needs '") + key + "'");
                return false;
            }
        if (!strings(node["group_by"], "group_by", t.group_by, &t.group_by_where)) return false;
        if (node["distinct"] && !scalar(node["distinct"], "distinct", t.distinct)) return false;
        if (node["distinct"]) t.distinct_where = where(node["distinct"]);
        if (!whole_number(node["at_least"], "at_least", 1, 10000, t.at_least)) return false;
        if (node["max_groups"] && !whole_number(node["max_groups"], "max_groups", 1, 1000000, t.max_groups)) return false;
        t.present = true;
        return duration(node["within"], t.window_ns);
    }

    std::shared_ptr<const SourceFile> file_;
    size_t index_;
    RuleDefinitions &defs_;
    YamlBudget &yaml_;
    std::vector<std::string> &errors_;
    std::vector<std::string> &warnings_;
};

// Far above real lists (threat feeds of some thousand addresses), far below
// exhausting memory with lists that name a list twice, forty deep.
constexpr size_t kMaxListItems = 1000000;  // over all lists, expanded

// Items that name a list become that list's items as they are once every
// file is read, appends included. A list met again while it is being
// expanded (a cycle through redefinitions) stays a plain value. Depth first,
// on a stack of its own: a chain of lists each naming the next may be as
// long as the file, far deeper than the thread's stack.
void expand_lists(RuleDefinitions &defs, std::vector<std::string> &errors) {
    enum State { kTodo, kExpanding, kDone };
    struct Frame {
        ListDef *list;
        State *state;
        size_t next = 0;               // the item to expand next
        std::vector<std::string> out;  // the items so far, expanded
    };
    std::map<std::string, State> state;
    std::vector<Frame> stack;
    size_t total = 0;
    bool too_large = false;
    auto start = [&](const std::string &name, ListDef &l) {
        State &s = state[name];
        s = kExpanding;
        stack.push_back({&l, &s});
    };
    for (auto &[name, list] : defs.lists) {
        if (state[name] != kTodo) continue;
        start(name, list);
        while (!stack.empty()) {
            Frame &f = stack.back();
            ListDef &l = *f.list;
            if (f.next == l.items.size()) {
                total += f.out.size();
                l.items = std::move(f.out);
                l.names_list.clear();
                *f.state = kDone;
                stack.pop_back();
                continue;
            }
            const size_t i = f.next;
            auto ref = i < l.names_list.size() && l.names_list[i] ? defs.lists.find(l.items[i]) : defs.lists.end();
            const State *ref_state = ref == defs.lists.end() ? nullptr : &state[ref->first];
            if (!ref_state || *ref_state == kExpanding) {  // a value, or a cycle
                f.out.push_back(std::move(l.items[i]));
                f.next++;
                continue;
            }
            if (*ref_state == kTodo) {
                start(ref->first, ref->second);  // item i again once that list is done
                continue;
            }
            f.next++;
            ref->second.used = true;
            if (total + f.out.size() + ref->second.items.size() > kMaxListItems) {
                if (!too_large)
                    errors.push_back(l.where + ": the lists are too large: more than " + std::to_string(kMaxListItems) +
                                     " items once the lists they name are expanded");
                too_large = true;
                continue;
            }
            f.out.insert(f.out.end(), ref->second.items.begin(), ref->second.items.end());
        }
    }
}

}  // namespace

bool load_rule_files(const std::vector<std::string> &files, RuleDefinitions &defs, std::vector<std::string> &errors,
                     std::vector<std::string> &warnings) {
    const size_t before = errors.size();
    YamlBudget yaml;
    for (size_t i = 0; i < files.size(); i++) {
        std::string text, error;
        if (!read_whole_file(files[i], text, error)) {
            const std::string named = "cannot read " + files[i] + ": ";  // the path is said once
            errors.push_back(files[i] + ": cannot read the file: " +
                             (error.rfind(named, 0) == 0 ? error.substr(named.size()) : error));
            continue;
        }
        FileLoader(std::make_shared<SourceFile>(files[i], std::move(text)), i, defs, yaml, errors, warnings).load();
    }
    expand_lists(defs, errors);
    return errors.size() == before;
}

}  // namespace crowsnest
