// /metrics: every counter of the counter table under its Prometheus name,
// verdicts by rule and category, the ring buffer's fill, engine lag as a
// histogram, subscribers and their queues, rule reloads, readiness, this
// process's memory and CPU, and build information.
#pragma once

#include <string>

#include "api/rule_store.h"
#include "api/status_board.h"
#include "api/subscriber_hub.h"

namespace crowsnest {

struct MetricsSources {
    const StatusBoard &status;
    const VerdictHub &verdicts;
    const EventHub &events;
    const RuleStore &rules;
};

std::string render_metrics(const MetricsSources &src);

}  // namespace crowsnest
