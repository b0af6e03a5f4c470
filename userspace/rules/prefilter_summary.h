// What the in-kernel prefilter tests (bpf/lib/prefilter.h): for each event
// type it filters, a necessary condition of the loaded rules, over facts
// the kernel side reads cheaply. An event that fails it can fire no rule,
// so the kernel drops it (and counts it) instead of sending it.
//
// Soundness first: each rule's condition is over-approximated (a check the
// kernel cannot test counts as "anything"; exceptions only narrow a rule,
// so they are left out). When some rule's approximation is "every event of
// the type", the type is not filtered, and `why_not` names that rule.
// rules/README.md ("The in-kernel prefilter") documents the language.
#pragma once

#include <string>
#include <vector>

#include "event/prefilter_spec.h"

namespace crowsnest {

class RuleSet;

PrefilterSummary summarise_for_prefilter(const RuleSet &rules);

// What `rules validate` prints: a line per event type, and with `clauses`
// a line per clause.
std::vector<std::string> describe_prefilter(const PrefilterSummary &s, bool clauses = false);

}  // namespace crowsnest
