// The running rules and their reload. A reload (ReloadRules or SIGHUP)
// compiles the files aside on the caller's thread; only rules that compiled
// are handed to the engine thread, which switches at its next loop turn, so
// the engine never sees a half-built rule set and a bad file changes nothing.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "crowsnest.pb.h"
#include "rules/rule_set.h"

namespace crowsnest {

class RuleStore {
public:
    // `paths`: the --rules files and directories, re-read on every reload.
    explicit RuleStore(std::vector<std::string> paths) : paths_(std::move(paths)) {}

    // Compiles the rule files. nullptr with errors on any problem.
    std::shared_ptr<const RuleSet> compile(std::vector<std::string> &files, std::vector<std::string> &errors,
                                           std::vector<std::string> &warnings) const;

    // First load, before the engine runs.
    void set_initial(std::shared_ptr<const RuleSet> rules, std::vector<std::string> files);

    // Compiles and hands the rules to the engine thread; with `wait`, returns
    // once the engine uses them (or after a timeout, as an error).
    v1::ReloadRulesResponse reload(bool wait);

    // Engine thread, every loop turn: the new rules if a reload is pending,
    // else nullptr. They are current from now on: switch before the next event.
    std::shared_ptr<const RuleSet> take_pending();

    std::shared_ptr<const RuleSet> current() const;

    // Reloads so far: those that installed new rules, and those that kept
    // the running ones (a bad file, or an engine that did not take them).
    struct ReloadCounts {
        uint64_t ok = 0, failed = 0;
    };
    ReloadCounts reload_counts() const;
    v1::ListRulesResponse describe() const;

private:
    const std::vector<std::string> paths_;
    mutable std::mutex mu_;
    std::condition_variable installed_cv_;
    std::shared_ptr<const RuleSet> current_, pending_;
    std::vector<std::string> files_, pending_files_;
    uint64_t generation_ = 0;  // installs so far
    ReloadCounts reloads_;
};

}  // namespace crowsnest
