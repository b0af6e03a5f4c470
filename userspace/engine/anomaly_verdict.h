// The verdicts of learned profiles (category "anomaly"): what a locked
// profile never saw, said exactly, through the same path as rule verdicts.
#pragma once

#include "crowsnest.pb.h"
#include "event/event_context.h"
#include "profile/profiler.h"
#include "rules/detection.h"

namespace crowsnest {

// Severity is low, or medium when a rule also fired on the same event (the
// novelty is then part of a known technique). `scratch` is reused.
void fill_anomaly_verdict(const EventContext &ctx, const Novelty &n, bool rule_fired, Detection &scratch,
                          v1::Verdict &out);

}  // namespace crowsnest
