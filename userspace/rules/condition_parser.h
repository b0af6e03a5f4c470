// Parses a condition's text into its syntax tree (condition_ast.h).
#pragma once

#include <memory>
#include <string_view>

#include "rules/condition_ast.h"

namespace crowsnest {

// nullptr and `error` (offset into `text` and what is wrong) on bad syntax:
// an unbalanced parenthesis, a missing operand, an unterminated string...
std::unique_ptr<ConditionExpr> parse_condition(std::string_view text, ConditionError &error);

// True for the comparison operators the grammar knows.
bool is_condition_operator(std::string_view op);

}  // namespace crowsnest
