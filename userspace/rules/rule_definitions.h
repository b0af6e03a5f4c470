// Rule files as read, before compiling: the lists, macros and rules of all
// files with appends and overrides applied, each remembering where it was
// written. rule_loader fills them; rule_set compiles them.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "rules/rule_source.h"

namespace crowsnest {

struct ListDef {
    std::vector<std::string> items;  // lists named in items already expanded (once every file is read)
    std::string where;               // "file:line:column" of its name
    bool used = false;
    // While files are read: items[i] names a list defined before it. Such
    // items are expanded when every file has been read, so that items
    // appended to the named list later count too (as in Falco).
    std::vector<bool> names_list;
};

struct MacroDef {
    std::string condition;
    SourceMap source;
    std::string where;
    bool used = false;
};

// Falco's rule exceptions: the rule stays quiet when, for one of the value
// tuples, every field compares true with its value.
struct ExceptionDef {
    std::string name, where;
    std::vector<std::string> fields;
    std::vector<std::string> comps;  // one per field ("=" unless given)
    std::vector<std::string> field_where, comp_where;  // "file:line:column" of each field and comp
    bool single = false;             // `fields: name` (not a list): values is a list of values, not of tuples
    struct Value {
        std::vector<std::string> items;  // one, or the items of a list (for in, pmatch...)
        bool is_list = false;
        std::vector<std::string> where;  // of each item
    };
    struct Tuple {
        std::vector<Value> values;  // one per field
        std::string where;
    };
    std::vector<Tuple> tuples;
};

// Our `threshold:` block (Falco has none): see threshold_tracker.h.
struct ThresholdDef {
    bool present = false;
    std::vector<std::string> group_by;
    std::string distinct;  // "" counts events
    std::vector<std::string> group_by_where;  // "file:line:column" of each group_by field
    std::string distinct_where;
    uint64_t at_least = 0;
    uint64_t window_ns = 0;
    uint64_t max_groups = 8192;
    std::string where;
};

struct RuleDef {
    std::string name, desc, output, priority;
    std::vector<std::string> tags;
    bool enabled = true;
    std::string condition;
    SourceMap condition_source;
    std::string where, output_where, priority_where;
    std::vector<ExceptionDef> exceptions;
    std::unordered_map<std::string, size_t> exception_at;  // the first exception of each name, for appends
    ThresholdDef threshold;
    bool skip_if_unknown_filter = false;  // a condition naming a field crowsnest lacks skips the rule, not the file
    size_t file = 0;  // index of the file that defined it
};

struct RuleDefinitions {
    std::map<std::string, ListDef> lists;
    std::map<std::string, MacroDef> macros;
    std::vector<RuleDef> rules;  // in the order first defined
    std::unordered_map<std::string, size_t> rule_at;  // each rule's place in `rules`, by name
};

}  // namespace crowsnest
