// The compiled rules behind the Matcher interface. Loading reads the files
// (rule_loader), compiles every condition, exception, threshold and output
// (condition_compiler), and indexes the enabled rules by evt.type, so an
// event is only tested against the rules that can match its type.
//
// A rule's `tags` give its verdict category (the first of miner, scanner,
// host_mount, escape, drift, credential_access, recon, persistence,
// defense_evasion, execution, impact, or Falco's mitre_credential_access,
// mitre_discovery, mitre_persistence, mitre_defense_evasion,
// mitre_execution, mitre_impact;
// "other" when none) and the MITRE ATT&CK ids. `priority` (Falco's names)
// gives the severity. An event gets at most one verdict per category: the
// first matching rule in load order (rules of category "other" all fire);
// thresholds see every matching event.
//
// Matching is single-threaded (the engine thread): the field reader and the
// threshold state are the rule set's own.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "rules/compiled_condition.h"
#include "rules/detection.h"
#include "rules/output_template.h"
#include "rules/threshold_tracker.h"

namespace crowsnest {

class RuleSet final : public Matcher {
public:
    // nullptr when any file has an error; every error is one
    // "file:line:column: message" in `errors`. Warnings (unused lists and
    // macros, unknown keys, unknown output fields) never stop the load.
    static std::unique_ptr<RuleSet> load(const std::vector<std::string> &files, std::vector<std::string> &errors,
                                         std::vector<std::string> &warnings);

    void match(const EventContext &ctx, std::vector<Detection> &out) const override;
    void render_output(Detection &d) const override;
    size_t rule_count() const override { return rules_.size(); }
    bool names_host_path(std::string_view host_path) const override;
    const RuleInfo &rule_info(size_t i) const { return rules_.at(i).info; }

    // The host paths that rules compare host.path with (the files to watch
    // by identity), sorted and unique.
    const std::vector<std::string> &protected_host_paths() const { return host_paths_; }
    // Threshold groups dropped while still counting, over all rules.
    uint64_t threshold_evictions() const;

    // What loading made of the rules defined: `rules validate --summary`.
    struct Summary {
        size_t defined = 0;   // rules the files define
        size_t disabled = 0;  // enabled: false
        // skip-if-unknown-filter rules that name a field crowsnest lacks: rule and why
        std::vector<std::pair<std::string, std::string>> skipped;
        // loaded, but every evt.type they name is a call crowsnest does not observe
        std::vector<std::pair<std::string, std::string>> never_fire;
    };
    const Summary &summary() const { return summary_; }

    struct Threshold {
        std::vector<FieldRef> group_by;
        FieldRef distinct;  // info == nullptr: counts events
        mutable ThresholdTracker tracker;
    };
    struct Rule {
        RuleInfo info;
        CondNode condition;
        CondNode exceptions;  // Kind::False when there are none
        OutputTemplate output;
        std::unique_ptr<Threshold> threshold;
    };

    // The enabled rules, in load order.
    const std::vector<Rule> &rules() const { return rules_; }

private:
    std::vector<Rule> rules_;  // enabled rules, in load order
    std::array<std::vector<uint32_t>, kEvtTypes.size()> by_evt_type_;
    std::vector<std::string> host_paths_;
    Summary summary_;
    mutable FieldReader reader_;
};

// Falco's priority names (any case) -> our severities; false if unknown.
bool severity_of_priority(const std::string &priority, std::string &severity);
// The same name as Falco writes it in an alert ("Warning"); "info" is
// Falco's alias of Informational. Empty if unknown.
std::string falco_priority_name(const std::string &priority);

}  // namespace crowsnest
