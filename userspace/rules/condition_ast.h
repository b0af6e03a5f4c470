// The syntax tree of one rule condition, as written (Falco's grammar):
//
//   expr    := or
//   or      := and ("or" and)*
//   and     := not ("and" not)*
//   not     := "not" not | primary
//   primary := "(" expr ")" | field op operand | field "exists" | macro-name
//   operand := value | "(" [value ("," value)*] ")"
//
// Names are not resolved here: a bare name may be a macro, a value in (...)
// may be a list. Every node keeps the offset in the condition text where it
// starts, so errors found later can still point at file:line:column.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace crowsnest {

struct ConditionValue {
    std::string text;
    uint32_t offset = 0;
    bool quoted = false;  // '...' or "...": never a list name
};

struct ConditionExpr {
    enum class Kind { And, Or, Not, Compare, Macro };
    Kind kind = Kind::Compare;
    uint32_t offset = 0;

    std::vector<std::unique_ptr<ConditionExpr>> children;  // And/Or: two or more; Not: one

    // Compare
    std::string field;           // "proc.aname" (argument split off)
    std::string field_arg;       // "2" in proc.aname[2]
    bool has_field_arg = false;
    std::string op;              // "=", "!=", "<", "<=", ">", ">=", "in", "intersects", "contains",
                                 // "icontains", "startswith", "endswith", "glob", "pmatch", "exists", "regex"
    uint32_t op_offset = 0;
    bool operand_is_list = false;        // "(...)" after the operator
    std::vector<ConditionValue> values;  // one value, the items of (...), none for exists

    // Macro: the bare name
    std::string name;
};

struct ConditionError {
    uint32_t offset = 0;
    std::string message;
};

}  // namespace crowsnest
