// Turns condition syntax trees into compiled conditions: expands macros
// (each parsed once, cycles refused) and lists, resolves fields, and checks
// that every operator fits its field's type and every value parses (numbers,
// booleans, IP networks, regexes). Errors name the file:line:column of the
// offending text, inside a macro if that is where it is.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "rules/compiled_condition.h"
#include "rules/condition_ast.h"
#include "rules/rule_definitions.h"

namespace crowsnest {

class ConditionCompiler {
public:
    ConditionCompiler(RuleDefinitions &defs, std::vector<std::string> &errors, std::vector<std::string> &warnings)
        : defs_(defs), errors_(errors), warnings_(warnings) {}

    // Parses and compiles a condition's text.
    bool compile(const std::string &text, const SourceMap &source, CondNode &out);

    // An exception's field and comp: the field exists and the comparison
    // applies to it. Errors point at `field_where` and `op_where`.
    bool check_field(const std::string &field, const std::string &field_where, const std::string &op,
                     const std::string &op_where);

    // One check from parts (an exception's field, comp and values, the
    // field and comp checked already); errors about values[i] point at
    // value_where[i], others at `where`.
    bool compile_check(const std::string &field, const std::string &op, const std::vector<std::string> &values,
                       bool values_are_list, const std::string &where, const std::vector<std::string> &value_where,
                       CondNode &out);

    // How many comparisons named a field crowsnest does not have, so far.
    size_t unknown_fields() const { return unknown_fields_; }
    // The evt.type values that comparisons named and crowsnest does not
    // observe, since the last call; cleared by it.
    std::vector<std::string> take_unobserved_types() { return std::move(unobserved_types_); }
    // Takes back the errors from errors[from] on (a rule skipped instead),
    // so that another rule meeting the same mistake reports it again.
    void forget_errors(size_t from);

private:
    struct Site;  // where a node's text is, for messages
    bool compile_node(const ConditionExpr &e, const Site &site, CondNode &out);
    bool compile_macro(const ConditionExpr &e, const Site &site, CondNode &out);
    bool build_check(const ConditionExpr &e, const Site &site, CondNode &out);
    bool set_values(Check &c, const ConditionExpr &e, const Site &site);
    void error(const Site &site, uint32_t offset, const std::string &msg);

    RuleDefinitions &defs_;
    std::vector<std::string> &errors_;
    std::vector<std::string> &warnings_;
    std::map<std::string, std::unique_ptr<ConditionExpr>> macro_trees_;  // parsed once; nullptr: did not parse
    std::vector<std::string> expanding_;                                 // macros being expanded, for cycles
    std::unordered_set<std::string> reported_;                           // errors said, each said once
    std::vector<std::string> unobserved_types_;
    // Over every condition compiled: rule files whose macros or lists
    // multiply (a macro that uses the next one twice, forty deep) are
    // refused with an error instead of exhausting memory.
    size_t nodes_ = 0, values_ = 0, unknown_fields_ = 0;
    bool too_large_ = false;
    bool too_large(const Site &site, uint32_t offset, const std::string &what);
};

}  // namespace crowsnest
