#include "rules/compiled_condition.h"

#include <algorithm>

namespace crowsnest {

namespace {

constexpr std::pair<std::string_view, CompareOp> kOps[] = {
    {"=", CompareOp::Eq},           {"!=", CompareOp::Ne},         {"<", CompareOp::Lt},
    {"<=", CompareOp::Le},          {">", CompareOp::Gt},          {">=", CompareOp::Ge},
    {"in", CompareOp::In},          {"intersects", CompareOp::Intersects}, {"contains", CompareOp::Contains},
    {"icontains", CompareOp::IContains}, {"startswith", CompareOp::StartsWith}, {"endswith", CompareOp::EndsWith},
    {"glob", CompareOp::Glob},      {"pmatch", CompareOp::PMatch}, {"exists", CompareOp::Exists},
    {"regex", CompareOp::Regex},    {"bcontains", CompareOp::BContains}, {"bstartswith", CompareOp::BStartsWith},
};

bool match_string(const Check &c, std::string_view s, FieldReader &reader) {
    switch (c.op) {
    case CompareOp::Eq: return s == c.strings[0];
    case CompareOp::Ne: return s != c.strings[0];
    case CompareOp::In:
    case CompareOp::Intersects: return c.set.contains(s);
    case CompareOp::Contains:
    case CompareOp::BContains:
        return std::any_of(c.strings.begin(), c.strings.end(),
                           [&](const std::string &n) { return s.find(n) != std::string_view::npos; });
    case CompareOp::IContains: {
        const std::string_view low = reader.lowered(s);
        return std::any_of(c.strings.begin(), c.strings.end(),
                           [&](const std::string &n) { return low.find(n) != std::string_view::npos; });
    }
    case CompareOp::StartsWith: return c.prefixes.matches(s, false);
    case CompareOp::PMatch: return c.prefixes.matches(s, true);
    case CompareOp::EndsWith:
        return std::any_of(c.strings.begin(), c.strings.end(), [&](const std::string &n) {
            return s.size() >= n.size() && s.substr(s.size() - n.size()) == n;
        });
    case CompareOp::Glob: return glob_match(c.strings[0], s);
    case CompareOp::BStartsWith: return s.substr(0, c.strings[0].size()) == c.strings[0];
    case CompareOp::Regex: return RE2::FullMatch(re2::StringPiece(s.data(), s.size()), *c.regex);
    default: return false;
    }
}

bool match_number(const Check &c, int64_t v) {
    switch (c.op) {
    case CompareOp::Eq: return v == c.numbers[0];
    case CompareOp::Ne: return v != c.numbers[0];
    case CompareOp::Lt: return v < c.numbers[0];
    case CompareOp::Le: return v <= c.numbers[0];
    case CompareOp::Gt: return v > c.numbers[0];
    case CompareOp::Ge: return v >= c.numbers[0];
    case CompareOp::In:
    case CompareOp::Intersects: return std::binary_search(c.numbers.begin(), c.numbers.end(), v);
    default: return false;
    }
}

bool match_ip(const Check &c, const IpAddress &a) {
    const bool any = std::any_of(c.networks.begin(), c.networks.end(), [&](const IpNetwork &n) { return n.contains(a); });
    return c.op == CompareOp::Ne ? !any : any;
}

bool evaluate_check(const Check &c, FieldReader &reader) {
    FieldValue v;
    if (!reader.read(c.field, v)) return false;
    // a multi-valued field without values (no arguments, no known ancestor)
    // is unset like any other: comparisons and exists are false
    if (c.field.multi && v.count == 0) return false;
    if (c.op == CompareOp::Exists) return true;
    switch (c.field.info->type) {
    case FieldType::String:
        if (!c.field.multi) return match_string(c, v.str, reader);
        if (c.op == CompareOp::Ne) {  // none of the values is it
            for (size_t i = 0; i < v.count; i++)
                if (v.items[i] == c.strings[0]) return false;
            return true;
        }
        for (size_t i = 0; i < v.count; i++)
            if (match_string(c, v.items[i], reader)) return true;
        return false;
    case FieldType::Number: return match_number(c, v.num);
    case FieldType::Bool: return (v.boolean == c.boolean) == (c.op == CompareOp::Eq);
    case FieldType::IpAddr:
    case FieldType::IpNet: return match_ip(c, v.ip);
    }
    return false;
}

}  // namespace

std::string_view compare_op_name(CompareOp op) {
    for (const auto &[name, o] : kOps)
        if (o == op) return name;
    return "?";
}

bool parse_compare_op(std::string_view text, CompareOp &out) {
    for (const auto &[name, op] : kOps)
        if (name == text) {
            out = op;
            return true;
        }
    return false;
}

void PrefixTrie::insert(std::string_view prefix) {
    uint32_t n = 0;
    for (char c : prefix) {
        auto &next = nodes_[n].next;
        auto it = std::lower_bound(next.begin(), next.end(), c,
                                   [](const std::pair<char, uint32_t> &e, char ch) { return e.first < ch; });
        if (it != next.end() && it->first == c) {
            n = it->second;
            continue;
        }
        const uint32_t child = uint32_t(nodes_.size());
        next.insert(it, {c, child});
        nodes_.emplace_back();
        n = child;
    }
    nodes_[n].terminal = true;
}

bool PrefixTrie::matches(std::string_view s, bool path_boundary) const {
    uint32_t n = 0;
    for (size_t i = 0;; i++) {
        if (nodes_[n].terminal &&
            (!path_boundary || i == s.size() || s[i] == '/' || (i > 0 && s[i - 1] == '/')))
            return true;
        if (i == s.size()) return false;
        const auto &next = nodes_[n].next;
        auto it = std::lower_bound(next.begin(), next.end(), s[i],
                                   [](const std::pair<char, uint32_t> &e, char ch) { return e.first < ch; });
        if (it == next.end() || it->first != s[i]) return false;
        n = it->second;
    }
}

// Iterative, with one backtrack point for the last '*' (linear in practice).
bool glob_match(std::string_view p, std::string_view s) {
    size_t pi = 0, si = 0, star = std::string_view::npos, star_s = 0;
    auto class_match = [&](size_t &at, char c) {  // p[at] == '['; moves `at` past ']'
        size_t i = at + 1;
        const bool negate = i < p.size() && (p[i] == '!' || p[i] == '^');
        if (negate) i++;
        bool found = false;
        for (bool first = true; i < p.size() && (first || p[i] != ']'); first = false, i++) {
            if (i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
                found |= c >= p[i] && c <= p[i + 2];
                i += 2;
            } else {
                found |= c == p[i];
            }
        }
        if (i >= p.size()) return c == '[' && (at += 1, true);  // no ']': a literal '['
        at = i + 1;
        return found != negate;
    };
    while (si < s.size()) {
        if (pi < p.size() && p[pi] == '*') {
            star = pi++;
            star_s = si;
            continue;
        }
        if (pi < p.size()) {
            size_t next = pi;
            bool ok;
            if (p[pi] == '?') ok = (next = pi + 1, true);
            else if (p[pi] == '[') ok = class_match(next, s[si]);
            else ok = p[pi] == s[si] && (next = pi + 1, true);
            if (ok) {
                pi = next;
                si++;
                continue;
            }
        }
        if (star == std::string_view::npos) return false;
        pi = star + 1;
        si = ++star_s;
    }
    while (pi < p.size() && p[pi] == '*') pi++;
    return pi == p.size();
}

bool evaluate(const CondNode &node, FieldReader &reader) {
    switch (node.kind) {
    case CondNode::Kind::And:
        for (const auto &c : node.children)
            if (!evaluate(c, reader)) return false;
        return true;
    case CondNode::Kind::Or:
        for (const auto &c : node.children)
            if (evaluate(c, reader)) return true;
        return false;
    case CondNode::Kind::Not: return !evaluate(node.children[0], reader);
    case CondNode::Kind::Check: return evaluate_check(*node.check, reader);
    case CondNode::Kind::EvtType: return node.evt_types[reader.evt_type()];
    case CondNode::Kind::True: return true;
    case CondNode::Kind::False: return false;
    }
    return false;
}

EvtTypeSet possible_evt_types(const CondNode &node) {
    EvtTypeSet all;
    all.set();
    EvtTypeSet out;
    switch (node.kind) {
    case CondNode::Kind::And:
        out = all;
        for (const auto &c : node.children) out &= possible_evt_types(c);
        return out;
    case CondNode::Kind::Or:
        for (const auto &c : node.children) out |= possible_evt_types(c);
        return out;
    case CondNode::Kind::Not:
        return node.children[0].kind == CondNode::Kind::EvtType ? ~node.children[0].evt_types : all;
    case CondNode::Kind::EvtType: return node.evt_types;
    case CondNode::Kind::Check: return all;
    case CondNode::Kind::False: return out;
    case CondNode::Kind::True: return all;
    }
    return all;
}

}  // namespace crowsnest
