// Reads Falco-style rule files (YAML sequences of `- rule:`, `- macro:` and
// `- list:` items) in order into RuleDefinitions. Later files may append
// to (`append: true`, `override: {key: append|replace}`) or replace the
// lists, macros and rules of earlier ones; a rule defined twice in one file
// is an error. Problems come out as "file:line:column: message"; keys that
// crowsnest does not know, a required_engine_version newer than
// kFalcoEngineVersion and plugins other than the container plugin are warnings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rules/rule_definitions.h"

namespace crowsnest {

// The version of Falco's rule engine whose language crowsnest implements:
// files whose required_engine_version is newer load with a warning.
inline constexpr std::string_view kFalcoEngineVersion = "0.57.0";

// False when any file had an error; `defs` then holds what could be read.
bool load_rule_files(const std::vector<std::string> &files, RuleDefinitions &defs, std::vector<std::string> &errors,
                     std::vector<std::string> &warnings);

}  // namespace crowsnest
