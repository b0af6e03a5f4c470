// Reads Falco-style rule files (YAML sequences of `- rule:`, `- macro:` and
// `- list:` items) in order into RuleDefinitions. Later files may append
// to (`append: true`, `override: {key: append|replace}`) or replace the
// lists, macros and rules of earlier ones; a rule defined twice in one file
// is an error. Problems come out as "file:line:column: message"; keys that
// crowsnest does not know (and required_engine_version) are warnings.
#pragma once

#include <string>
#include <vector>

#include "rules/rule_definitions.h"

namespace crowsnest {

// False when any file had an error; `defs` then holds what could be read.
bool load_rule_files(const std::vector<std::string> &files, RuleDefinitions &defs, std::vector<std::string> &errors,
                     std::vector<std::string> &warnings);

}  // namespace crowsnest
