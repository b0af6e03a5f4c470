// What a matcher reports: which rule fired, and its readable sentence.
// The engine turns it into a Verdict message with the event's context.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "event/event_context.h"

namespace crowsnest {

struct RuleInfo {
    std::string name;
    std::string desc;
    std::string category;  // miner, scanner, host_mount, escape, ...
    std::string severity;  // info, low, medium, high, critical
    std::vector<std::string> tags;
    std::string priority;  // Falco's name for it: Emergency, Alert, Critical, Error, Warning, Notice, Informational, Debug
};

struct Detection {
    const RuleInfo *rule = nullptr;
    uint32_t index = 0;  // the matcher's own reference to the rule
    std::string output;  // set by Matcher::render_output
    // the output's %fields as written (proc.aname[2]) and their values, in
    // the order of the template; set with `output`
    std::vector<std::pair<std::string, std::string>> fields;
};

// The rule engine seen from the pipeline: one event in, its detections out.
class Matcher {
public:
    virtual ~Matcher() = default;
    // Appends a Detection for every rule the event satisfies, without its
    // output: the engine may aggregate it away before paying for that.
    virtual void match(const EventContext &ctx, std::vector<Detection> &out) const = 0;
    // Sets d.output and d.fields. Only for a detection of the last match() call.
    virtual void render_output(Detection &d) const = 0;
    virtual size_t rule_count() const = 0;
    // A rule compares host.path with this host path: it is a file a rule
    // names, or below a directory one names (what learned profiles keep as
    // a sensitive read).
    virtual bool names_host_path(std::string_view host_path) const = 0;
};

}  // namespace crowsnest
