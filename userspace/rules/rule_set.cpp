#include "rules/rule_set.h"

#include <fnmatch.h>

#include <algorithm>

#include "rules/condition_compiler.h"
#include "util/lowercase.h"
#include "util/path_util.h"
#include "rules/rule_loader.h"

namespace crowsnest {

namespace {

const std::vector<std::string> kCategories = {"miner", "scanner", "host_mount", "escape", "drift",
                                              "credential_access", "recon", "persistence", "defense_evasion",
                                              "execution", "impact"};

// Our category names, and Falco's mitre_* tags that mean one of them.
bool category_of_tag(const std::string &tag, std::string &category) {
    if (std::count(kCategories.begin(), kCategories.end(), tag)) {
        category = tag;
        return true;
    }
    if (tag == "mitre_discovery") {
        category = "recon";
        return true;
    }
    const std::string mitre = tag.rfind("mitre_", 0) == 0 ? tag.substr(6) : "";
    if (mitre.empty() || !std::count(kCategories.begin(), kCategories.end(), mitre)) return false;
    category = mitre;
    return true;
}

uint64_t mix(uint64_t h, uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h;
}

uint64_t hash_value(const FieldRef &f, const FieldValue &v) {
    switch (f.info->type) {
    case FieldType::String: {
        if (!f.multi) return std::hash<std::string_view>{}(v.str);
        uint64_t h = v.count;
        for (size_t i = 0; i < v.count; i++) h = mix(h, std::hash<std::string_view>{}(v.items[i]));
        return h;
    }
    case FieldType::Number: return uint64_t(v.num);
    case FieldType::Bool: return v.boolean;
    case FieldType::IpAddr:
    case FieldType::IpNet:
        return std::hash<std::string_view>{}(
            std::string_view(reinterpret_cast<const char *>(v.ip.bytes.data()), v.ip.bytes.size()));
    }
    return 0;
}

// One field of a threshold or exception, written "name" or "name[arg]".
bool field_ref_of(const std::string &text, FieldRef &out, std::string &error) {
    const size_t bracket = text.find('[');
    if (bracket == std::string::npos) return make_field_ref(text, false, {}, out, error);
    if (text.back() != ']') {
        error = "bad field '" + text + "'";
        return false;
    }
    return make_field_ref(std::string_view(text).substr(0, bracket), true,
                          std::string_view(text).substr(bracket + 1, text.size() - bracket - 2), out, error);
}

class RuleCompiler {
public:
    RuleCompiler(RuleDefinitions &defs, std::vector<std::string> &errors, std::vector<std::string> &warnings)
        : defs_(defs), errors_(errors), warnings_(warnings), conditions_(defs, errors, warnings) {}

    // False on errors; `skipped` (and no error) for a rule with
    // skip-if-unknown-filter whose only mistakes are unknown fields.
    bool compile(const RuleDef &d, RuleSet::Rule &r, std::string &skipped) {
        const size_t before = errors_.size(), unknown_before = conditions_.unknown_fields();
        r.info.name = d.name;
        r.info.desc = d.desc;
        r.info.priority = falco_priority_name(d.priority);
        if (!severity_of_priority(d.priority, r.info.severity))
            errors_.push_back(d.priority_where + ": unknown priority '" + d.priority +
                              "' (expected emergency, alert, critical, error, warning, notice, informational or debug)");
        r.info.category = "other";
        for (const auto &t : d.tags) {
            if (r.info.category == "other" && category_of_tag(t, r.info.category)) continue;
            r.info.tags.push_back(t);
        }
        conditions_.take_unobserved_types();
        conditions_.compile(d.condition, d.condition_source, r.condition);
        unobserved_ = conditions_.take_unobserved_types();
        const size_t unknown_fields = conditions_.unknown_fields() - unknown_before;
        if (d.skip_if_unknown_filter && unknown_fields > 0 && unknown_fields == errors_.size() - before) {
            skipped = errors_[before].substr(errors_[before].find(": ") + 2);  // "unknown field 'x'"
            conditions_.forget_errors(before);
            warnings_.push_back(d.where + ": warning: rule '" + d.name + "' skipped (skip-if-unknown-filter): " +
                                skipped);
            return true;
        }
        compile_exceptions(d, r.exceptions);
        if (d.threshold.present) compile_threshold(d.threshold, r);
        std::vector<std::string> unknown;
        r.output.parse(d.output, unknown);
        for (const auto &u : unknown) warnings_.push_back(d.output_where + ": warning: " + u + " in output, printed as <NA>");
        return errors_.size() == before;
    }

    // The evt.type values that the last rule compiled named and crowsnest
    // does not observe.
    const std::vector<std::string> &unobserved_types() const { return unobserved_; }

    void warn_unused() {
        for (const auto &[name, l] : defs_.lists)
            if (!l.used) warnings_.push_back(l.where + ": warning: list '" + name + "' is never used");
        for (const auto &[name, m] : defs_.macros)
            if (!m.used) warnings_.push_back(m.where + ": warning: macro '" + name + "' is never used");
    }

private:
    static const std::string &place(const std::vector<std::string> &wheres, size_t i, const std::string &fallback) {
        return i < wheres.size() ? wheres[i] : fallback;
    }

    // not (tuple or tuple ...), each tuple "field comp value and ...".
    void compile_exceptions(const RuleDef &d, CondNode &out) {
        out.kind = CondNode::Kind::False;
        for (const auto &e : d.exceptions) {
            // the fields and comps, even when no values use them yet
            bool ok = true;
            for (size_t i = 0; i < e.fields.size() && i < e.comps.size(); i++)
                ok = conditions_.check_field(e.fields[i], place(e.field_where, i, e.where), e.comps[i],
                                             place(e.comp_where, i, e.where)) && ok;
            if (!ok) continue;
            for (const auto &t : e.tuples) {
                CondNode all;
                all.kind = CondNode::Kind::And;
                for (size_t i = 0; i < e.fields.size() && i < t.values.size(); i++) {
                    all.children.emplace_back();
                    conditions_.compile_check(e.fields[i], e.comps[i], t.values[i].items, t.values[i].is_list,
                                              t.where, t.values[i].where, all.children.back());
                }
                if (out.kind == CondNode::Kind::False) out.kind = CondNode::Kind::Or;
                out.children.push_back(std::move(all));
            }
        }
    }

    void compile_threshold(const ThresholdDef &t, RuleSet::Rule &r) {
        auto th = std::unique_ptr<RuleSet::Threshold>(new RuleSet::Threshold{
            {}, {}, ThresholdTracker(t.at_least, t.window_ns, !t.distinct.empty(), t.max_groups)});
        std::string error;
        for (size_t i = 0; i < t.group_by.size(); i++) {
            th->group_by.emplace_back();
            if (!field_ref_of(t.group_by[i], th->group_by.back(), error))
                errors_.push_back(place(t.group_by_where, i, t.where) + ": threshold group_by: " + error);
        }
        if (!t.distinct.empty() && !field_ref_of(t.distinct, th->distinct, error))
            errors_.push_back((t.distinct_where.empty() ? t.where : t.distinct_where) + ": threshold distinct: " + error);
        r.threshold = std::move(th);
    }

    RuleDefinitions &defs_;
    std::vector<std::string> &errors_;
    std::vector<std::string> &warnings_;
    ConditionCompiler conditions_;
    std::vector<std::string> unobserved_;
};

std::string joined(const std::vector<std::string> &names) {
    std::string out;
    for (const auto &n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

void collect_host_paths(const CondNode &n, std::vector<std::string> &out) {
    for (const auto &c : n.children) collect_host_paths(c, out);
    if (n.kind == CondNode::Kind::Check && n.check->field.info->id == FieldId::HostPath)
        out.insert(out.end(), n.check->host_paths.begin(), n.check->host_paths.end());
}

}  // namespace

bool severity_of_priority(const std::string &priority, std::string &severity) {
    const std::string p = lowercase(priority);
    if (p == "emergency" || p == "alert" || p == "critical") severity = "critical";
    else if (p == "error") severity = "high";
    else if (p == "warning") severity = "medium";
    else if (p == "notice") severity = "low";
    else if (p == "informational" || p == "info" || p == "debug") severity = "info";
    else return false;
    return true;
}

std::string falco_priority_name(const std::string &priority) {
    static const char *const kNames[] = {"Emergency", "Alert", "Critical", "Error",
                                         "Warning",   "Notice", "Informational", "Debug"};
    const std::string p = lowercase(priority);
    if (p == "info") return "Informational";
    for (const char *name : kNames)
        if (p == lowercase(name)) return name;
    return "";
}

std::unique_ptr<RuleSet> RuleSet::load(const std::vector<std::string> &files, std::vector<std::string> &errors,
                                       std::vector<std::string> &warnings) {
    const size_t before = errors.size();
    RuleDefinitions defs;
    load_rule_files(files, defs, errors, warnings);
    auto set = std::make_unique<RuleSet>();
    RuleCompiler compiler(defs, errors, warnings);
    Summary &sum = set->summary_;
    sum.defined = defs.rules.size();
    for (const auto &d : defs.rules) {
        Rule r;
        std::string skipped;
        // disabled rules are compiled too, so that their mistakes show
        if (!compiler.compile(d, r, skipped)) continue;
        if (!skipped.empty()) {
            sum.skipped.emplace_back(d.name, skipped);
            continue;
        }
        if (!d.enabled) {
            sum.disabled++;
            continue;
        }
        if (possible_evt_types(r.condition).none())
            sum.never_fire.emplace_back(d.name, compiler.unobserved_types().empty()
                                                    ? "no evt.type satisfies its condition"
                                                    : "crowsnest does not observe evt.type " +
                                                          joined(compiler.unobserved_types()));
        set->rules_.push_back(std::move(r));
    }
    if (errors.size() != before) return nullptr;  // unused-list warnings would only mislead now
    compiler.warn_unused();

    for (uint32_t i = 0; i < set->rules_.size(); i++) {
        const Rule &r = set->rules_[i];
        const EvtTypeSet types = possible_evt_types(r.condition);
        for (size_t t = 0; t < kEvtTypes.size(); t++)
            if (types[t]) set->by_evt_type_[t].push_back(i);
        collect_host_paths(r.condition, set->host_paths_);
        collect_host_paths(r.exceptions, set->host_paths_);
    }
    auto &paths = set->host_paths_;
    std::sort(paths.begin(), paths.end());
    paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
    return set;
}

bool RuleSet::names_host_path(std::string_view host_path) const {
    const std::string path(host_path);
    for (const auto &value : host_paths_) {
        const bool dir = value.size() > 1 && value.back() == '/';
        if (value.find_first_of("*?[") != std::string::npos) {
            // without FNM_PATHNAME a '*' spans '/': "dir/*" covers all below
            if (fnmatch((dir ? value + "*" : value).c_str(), path.c_str(), 0) == 0) return true;
        } else if (path_holds(dir ? std::string_view(value).substr(0, value.size() - 1) : value, host_path)) {
            return true;
        }
    }
    return false;
}

uint64_t RuleSet::threshold_evictions() const {
    uint64_t n = 0;
    for (const auto &r : rules_)
        if (r.threshold) n += r.threshold->tracker.evictions();
    return n;
}

void RuleSet::match(const EventContext &ctx, std::vector<Detection> &out) const {
    reader_.reset(ctx);
    const size_t first = out.size();
    for (uint32_t i : by_evt_type_[reader_.evt_type()]) {
        const Rule &r = rules_[i];
        if (!evaluate(r.condition, reader_)) continue;
        if (r.exceptions.kind != CondNode::Kind::False && evaluate(r.exceptions, reader_)) continue;
        if (r.threshold) {
            FieldValue v;
            uint64_t group = 0, value = 0;
            for (const auto &g : r.threshold->group_by)
                group = mix(group, reader_.read(g, v) ? hash_value(g, v) : 0x5eed);
            if (r.threshold->distinct.info)
                value = reader_.read(r.threshold->distinct, v) ? hash_value(r.threshold->distinct, v) : 0x5eed;
            if (!r.threshold->tracker.observe(group, value, ctx.event->boot_ns)) continue;
        }
        bool reported = false;  // rules of no category ("other") all fire, as in Falco
        for (size_t j = first; j < out.size() && !reported && r.info.category != "other"; j++)
            reported = out[j].rule->category == r.info.category;
        if (!reported) out.push_back({&r.info, i, {}});
    }
}

void RuleSet::render_output(Detection &d) const {
    d.fields.clear();
    d.output = rules_.at(d.index).output.render(reader_, &d.fields);
}

}  // namespace crowsnest
