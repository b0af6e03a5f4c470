// Parses a condition's text into its syntax tree (condition_ast.h).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "rules/condition_ast.h"

namespace crowsnest {

// nullptr and `error` (offset into `text` and what is wrong) on bad syntax:
// an unbalanced parenthesis, a missing operand, an unterminated string...
std::unique_ptr<ConditionExpr> parse_condition(std::string_view text, ConditionError &error);

// A list's item as a condition reads it (Falco pastes items into the
// condition): a quoted item, '"(systemd)"' in YAML, is the text inside its
// quotes, escapes undone; any other item is itself.
std::string list_item_value(std::string_view item);

// True for the comparison operators the grammar knows.
bool is_condition_operator(std::string_view op);

}  // namespace crowsnest
