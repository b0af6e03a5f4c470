#include "rules/condition_compiler.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "rules/condition_parser.h"
#include "util/lowercase.h"

namespace crowsnest {

struct ConditionCompiler::Site {
    const SourceMap *map = nullptr;  // a condition's text
    std::string fixed;               // or one place (an exception)
    const std::vector<std::string> *places = nullptr;  // with `fixed`: offset i is places[i], if there is one
    std::string where(uint32_t offset) const {
        if (map) return map->where(offset);
        return places && offset < places->size() ? (*places)[offset] : fixed;
    }
};

namespace {

bool op_fits(FieldType type, CompareOp op) {
    switch (type) {
    case FieldType::String: return op != CompareOp::Lt && op != CompareOp::Le && op != CompareOp::Gt && op != CompareOp::Ge;
    case FieldType::Number:
        return op == CompareOp::Eq || op == CompareOp::Ne || op == CompareOp::Lt || op == CompareOp::Le ||
               op == CompareOp::Gt || op == CompareOp::Ge || op == CompareOp::In || op == CompareOp::Intersects ||
               op == CompareOp::Exists;
    case FieldType::Bool: return op == CompareOp::Eq || op == CompareOp::Ne || op == CompareOp::Exists;
    case FieldType::IpAddr:
    case FieldType::IpNet:
        return op == CompareOp::Eq || op == CompareOp::Ne || op == CompareOp::In || op == CompareOp::Intersects ||
               op == CompareOp::Exists;
    }
    return false;
}

// Far above what real rule files reach (Falco's whole rule set, expanded,
// is some thousands of comparisons), far below exhausting memory.
constexpr size_t kMaxNodes = 250000;    // and/or/not and comparisons, macros expanded, over all rules
constexpr size_t kMaxValues = 2000000;  // values of comparisons, lists expanded, over all rules
constexpr size_t kMaxMacroDepth = 64;   // macros within macros

// "7f454c46" -> its bytes; an even number of hex digits, at least two.
bool hex_bytes(const std::string &hex, std::string &out) {
    auto digit = [](char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    };
    if (hex.empty() || hex.size() % 2) return false;
    for (size_t i = 0; i < hex.size(); i += 2) {
        const int hi = digit(hex[i]), lo = digit(hex[i + 1]);
        if (hi < 0 || lo < 0) return false;
        out += char(hi * 16 + lo);
    }
    return true;
}

bool looks_like_name(const std::string &s) {
    return !s.empty() && (std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_') &&
           std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

}  // namespace

void ConditionCompiler::error(const Site &site, uint32_t offset, const std::string &msg) {
    // a macro's mistake is found again in every rule that uses it: said once
    std::string line = site.where(offset) + ": " + msg;
    if (reported_.insert(line).second) errors_.push_back(std::move(line));
}

void ConditionCompiler::forget_errors(size_t from) {
    for (size_t i = from; i < errors_.size(); i++) reported_.erase(errors_[i]);
    errors_.resize(std::min(from, errors_.size()));
}

bool ConditionCompiler::compile(const std::string &text, const SourceMap &source, CondNode &out) {
    Site site{&source, {}};
    ConditionError err;
    auto tree = parse_condition(text, err);
    if (!tree) {
        error(site, err.offset, err.message);
        return false;
    }
    return compile_node(*tree, site, out);
}

bool ConditionCompiler::too_large(const Site &site, uint32_t offset, const std::string &what) {
    if (!too_large_) error(site, offset, "the rules are too large: " + what);
    too_large_ = true;
    return false;
}

bool ConditionCompiler::compile_node(const ConditionExpr &e, const Site &site, CondNode &out) {
    if (++nodes_ > kMaxNodes)
        return too_large(site, e.offset,
                         "more than " + std::to_string(kMaxNodes) + " comparisons once macros are expanded");
    switch (e.kind) {
    case ConditionExpr::Kind::And:
    case ConditionExpr::Kind::Or:
    case ConditionExpr::Kind::Not: {
        out.kind = e.kind == ConditionExpr::Kind::And  ? CondNode::Kind::And
                 : e.kind == ConditionExpr::Kind::Or   ? CondNode::Kind::Or
                                                       : CondNode::Kind::Not;
        bool ok = true;
        for (const auto &child : e.children) {
            out.children.emplace_back();
            ok = compile_node(*child, site, out.children.back()) && ok;
        }
        return ok;
    }
    case ConditionExpr::Kind::Macro: return compile_macro(e, site, out);
    case ConditionExpr::Kind::Compare: return build_check(e, site, out);
    }
    return false;
}

bool ConditionCompiler::compile_macro(const ConditionExpr &e, const Site &site, CondNode &out) {
    auto m = defs_.macros.find(e.name);
    if (m == defs_.macros.end()) {
        error(site, e.offset,
              defs_.lists.count(e.name) ? "'" + e.name + "' is a list, not a macro: use it as (" + e.name + ")"
                                        : "undefined macro '" + e.name + "'");
        return false;
    }
    if (std::find(expanding_.begin(), expanding_.end(), e.name) != expanding_.end()) {
        error(site, e.offset, "macro '" + e.name + "' uses itself");
        return false;
    }
    if (expanding_.size() >= kMaxMacroDepth) {
        error(site, e.offset, "macros nested more than " + std::to_string(kMaxMacroDepth) + " deep");
        return false;
    }
    MacroDef &macro = m->second;
    macro.used = true;
    auto tree = macro_trees_.find(e.name);
    if (tree == macro_trees_.end()) {
        ConditionError err;
        auto parsed = parse_condition(macro.condition, err);
        if (!parsed) error(Site{&macro.source, {}}, err.offset, err.message);
        tree = macro_trees_.emplace(e.name, std::move(parsed)).first;
    }
    if (!tree->second) {
        error(site, e.offset, "macro '" + e.name + "' has errors");
        return false;
    }
    expanding_.push_back(e.name);
    const bool ok = compile_node(*tree->second, Site{&macro.source, {}}, out);
    expanding_.pop_back();
    return ok;
}

bool ConditionCompiler::build_check(const ConditionExpr &e, const Site &site, CondNode &out) {
    auto check = std::make_unique<Check>();
    std::string msg;
    if (!make_field_ref(e.field, e.has_field_arg, e.field_arg, check->field, msg)) {
        if (!find_field(e.field)) unknown_fields_++;
        error(site, e.offset, msg);
        return false;
    }
    if (!parse_compare_op(e.op, check->op)) {
        error(site, e.op_offset, "unknown operator '" + e.op + "'");
        return false;
    }
    const FieldType type = check->field.info->type;
    if (!op_fits(type, check->op)) {
        error(site, e.op_offset,
              "operator '" + e.op + "' does not apply to " + check->field.text + ", " + field_type_name(type));
        return false;
    }
    if (check->op != CompareOp::Exists && !set_values(*check, e, site)) return false;
    const CompareOp op = check->op;
    if (check->field.info->id == FieldId::EvtType &&
        (op == CompareOp::Eq || op == CompareOp::Ne || op == CompareOp::In || op == CompareOp::Intersects)) {
        // a bit test on the event's type instead of string compares
        out.kind = CondNode::Kind::EvtType;
        for (size_t i = 0; i < kEvtTypes.size(); i++) {
            const bool listed = op == CompareOp::Eq || op == CompareOp::Ne ? check->strings[0] == kEvtTypes[i]
                                                                           : check->set.contains(kEvtTypes[i]);
            out.evt_types[i] = op == CompareOp::Ne ? !listed : listed;
        }
        return true;
    }
    out.kind = CondNode::Kind::Check;
    out.check = std::move(check);
    return true;
}

bool ConditionCompiler::set_values(Check &c, const ConditionExpr &e, const Site &site) {
    // list names in (...) stand for their items; each value keeps its offset
    std::vector<std::pair<std::string, uint32_t>> values;
    for (const auto &v : e.values) {
        auto list = e.operand_is_list && !v.quoted ? defs_.lists.find(v.text) : defs_.lists.end();
        if (list == defs_.lists.end()) {
            values.emplace_back(v.text, v.offset);
            continue;
        }
        list->second.used = true;
        if (values_ + values.size() + list->second.items.size() > kMaxValues)
            return too_large(site, v.offset,
                             "more than " + std::to_string(kMaxValues) + " values once lists are expanded");
        for (const auto &item : list->second.items) values.emplace_back(item, v.offset);
    }
    values_ += values.size();
    const FieldRef &f = c.field;
    auto bad = [&](uint32_t at, const std::string &text, const std::string &wanted) {
        std::string msg = f.text + " needs " + wanted + ", not '" + text + "'";
        if (e.operand_is_list && looks_like_name(text)) msg += " (or '" + text + "' is an undefined list)";
        error(site, at, msg);
        return false;
    };
    const bool one_value = c.op == CompareOp::Eq || c.op == CompareOp::Ne || c.op == CompareOp::Lt ||
                           c.op == CompareOp::Le || c.op == CompareOp::Gt || c.op == CompareOp::Ge ||
                           c.op == CompareOp::Glob || c.op == CompareOp::Regex || c.op == CompareOp::BContains ||
                           c.op == CompareOp::BStartsWith;
    if (one_value && values.size() != 1) {
        error(site, e.op_offset, "operator '" + e.op + "' takes exactly one value");
        return false;
    }
    // host.path: the host files whose opens the kernel's prefilter sends. A
    // glob "dir/*" watches the directories it matches (HostFiles' "dir/").
    if (f.info->id == FieldId::HostPath)
        for (auto &v : values) {
            const std::string &p = v.first;
            const bool dir_glob = c.op == CompareOp::Glob && p.size() > 2 && p.compare(p.size() - 2, 2, "/*") == 0;
            c.host_paths.push_back(dir_glob ? p.substr(0, p.size() - 1) : p);
        }
    switch (f.info->type) {
    case FieldType::String:
        for (auto &[text, at] : values) {
            switch (c.op) {
            case CompareOp::In:
            case CompareOp::Intersects:
                c.set.insert(text);
                c.strings.push_back(text);
                break;
            case CompareOp::StartsWith:
            case CompareOp::PMatch:
                c.prefixes.insert(text);
                c.strings.push_back(text);
                break;
            case CompareOp::IContains: c.strings.push_back(lowercase(text)); break;
            case CompareOp::Regex:
                c.regex = std::make_unique<RE2>(text, RE2::Quiet);
                if (!c.regex->ok()) {
                    error(site, at, "bad regex '" + text + "': " + c.regex->error());
                    return false;
                }
                break;
            case CompareOp::BContains:
            case CompareOp::BStartsWith: {
                std::string bytes;
                if (!hex_bytes(text, bytes)) return bad(at, text, "bytes in hex, such as 7f454c46");
                c.strings.push_back(std::move(bytes));
                break;
            }
            default: c.strings.push_back(text);
            }
        }
        // evt.type != x holds for every event crowsnest sees: nothing to say
        if (f.info->id == FieldId::EvtType && c.op != CompareOp::Ne)
            for (auto &[text, at] : values)
                if (std::find(kEvtTypes.begin(), kEvtTypes.end(), text) == kEvtTypes.end()) {
                    unobserved_types_.push_back(text);
                    warnings_.push_back(site.where(at) + ": warning: evt.type '" + text +
                                        "' is not an event crowsnest watches; it never matches");
                }
        break;
    case FieldType::Number:
        for (auto &[text, at] : values) {
            int64_t n = 0;
            auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
            if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return bad(at, text, "a number");
            c.numbers.push_back(n);
        }
        std::sort(c.numbers.begin(), c.numbers.end());
        break;
    case FieldType::Bool:
        if (values[0].first != "true" && values[0].first != "false")
            return bad(values[0].second, values[0].first, "true or false");
        c.boolean = values[0].first == "true";
        break;
    case FieldType::IpAddr:
    case FieldType::IpNet:
        for (auto &[text, at] : values) {
            IpNetwork n;
            if (!parse_cidr(text, n)) return bad(at, text, "an IP address or a CIDR network such as 10.0.0.0/8");
            c.networks.push_back(n);
        }
        break;
    }
    return true;
}

namespace {

// "proc.aname[2]" -> field and argument, as the parser splits them.
void split_field(const std::string &field, ConditionExpr &e) {
    const size_t bracket = field.find('[');
    e.field = field.substr(0, bracket);
    if (bracket != std::string::npos) {
        e.has_field_arg = true;
        e.field_arg = field.substr(bracket + 1, field.size() - bracket - 2);
    }
}

}  // namespace

bool ConditionCompiler::check_field(const std::string &field, const std::string &field_where, const std::string &op,
                                    const std::string &op_where) {
    ConditionExpr e;
    split_field(field, e);
    FieldRef ref;
    std::string msg;
    if (!make_field_ref(e.field, e.has_field_arg, e.field_arg, ref, msg)) {
        errors_.push_back(field_where + ": " + msg);
        return false;
    }
    CompareOp cop;
    if (!parse_compare_op(op == "==" ? "=" : op, cop)) {
        errors_.push_back(op_where + ": unknown comparison '" + op + "'");
        return false;
    }
    if (!op_fits(ref.info->type, cop)) {
        errors_.push_back(op_where + ": operator '" + op + "' does not apply to " + ref.text + ", " +
                          field_type_name(ref.info->type));
        return false;
    }
    return true;
}

bool ConditionCompiler::compile_check(const std::string &field, const std::string &op,
                                      const std::vector<std::string> &values, bool values_are_list,
                                      const std::string &where, const std::vector<std::string> &value_where,
                                      CondNode &out) {
    ConditionExpr e;
    split_field(field, e);
    e.offset = e.op_offset = uint32_t(value_where.size());  // `where`
    e.op = op == "==" ? "=" : op;
    e.operand_is_list = values_are_list;
    const bool list_op = e.op == "in" || e.op == "intersects" || e.op == "pmatch";
    if (!is_condition_operator(e.op)) {
        errors_.push_back(where + ": unknown comparison '" + op + "'");
        return false;
    }
    if (e.op != "exists" && (values.empty() ? !list_op : (!values_are_list && values.size() != 1))) {
        errors_.push_back(where + ": comparison '" + op + "' on " + field + " needs " + (list_op ? "a list" : "one value"));
        return false;
    }
    if (list_op && !values_are_list) e.operand_is_list = true;  // a list's name
    for (size_t i = 0; i < values.size(); i++) e.values.push_back({values[i], uint32_t(i), false});
    return build_check(e, Site{nullptr, where, &value_where}, out);
}

}  // namespace crowsnest
