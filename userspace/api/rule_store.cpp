#include "api/rule_store.h"

#include "rules/rule_files.h"
#include "util/text_escape.h"

namespace crowsnest {

std::shared_ptr<const RuleSet> RuleStore::compile(std::vector<std::string> &files, std::vector<std::string> &errors,
                                                  std::vector<std::string> &warnings) const {
    std::string error;
    if (!expand_rule_paths(paths_, files, error)) {
        errors.push_back(error);
        return nullptr;
    }
    return RuleSet::load(files, errors, warnings);
}

void RuleStore::set_initial(std::shared_ptr<const RuleSet> rules, std::vector<std::string> files) {
    std::lock_guard lock(mu_);
    current_ = std::move(rules);
    files_ = std::move(files);
}

v1::ReloadRulesResponse RuleStore::reload(bool wait) {
    v1::ReloadRulesResponse resp;
    std::vector<std::string> files, errors, warnings;
    auto rules = compile(files, errors, warnings);
    // messages quote the files, whose bytes may not be UTF-8
    for (auto &w : warnings) assign_utf8_escaped(w, *resp.add_warnings());
    if (!rules) {
        for (auto &e : errors) assign_utf8_escaped(e, *resp.add_errors());
        std::lock_guard lock(mu_);
        reloads_.failed++;
        return resp;
    }
    std::unique_lock lock(mu_);
    pending_ = rules;
    pending_files_ = std::move(files);
    const uint64_t target = generation_ + 1;
    if (wait && !installed_cv_.wait_for(lock, std::chrono::seconds(10), [&] { return generation_ >= target; })) {
        resp.add_errors("the engine did not take the new rules within 10 s");
        reloads_.failed++;
        return resp;
    }
    reloads_.ok++;
    resp.set_ok(true);
    resp.set_rules_loaded(rules->rule_count());
    return resp;
}

RuleStore::ReloadCounts RuleStore::reload_counts() const {
    std::lock_guard lock(mu_);
    return reloads_;
}

std::shared_ptr<const RuleSet> RuleStore::take_pending() {
    std::lock_guard lock(mu_);
    if (!pending_) return nullptr;
    current_ = std::move(pending_);
    files_ = std::move(pending_files_);
    generation_++;
    installed_cv_.notify_all();
    return current_;
}

std::shared_ptr<const RuleSet> RuleStore::current() const {
    std::lock_guard lock(mu_);
    return current_;
}

v1::ListRulesResponse RuleStore::describe() const {
    std::lock_guard lock(mu_);
    v1::ListRulesResponse out;
    for (const auto &f : files_) assign_utf8_escaped(f, *out.add_files());
    for (size_t i = 0; current_ && i < current_->rule_count(); i++) {
        const RuleInfo &r = current_->rule_info(i);
        auto *m = out.add_rules();
        assign_utf8_escaped(r.name, *m->mutable_name());
        assign_utf8_escaped(r.desc, *m->mutable_desc());
        assign_utf8_escaped(r.category, *m->mutable_category());
        m->set_severity(r.severity);
        for (const auto &t : r.tags) assign_utf8_escaped(t, *m->add_tags());
    }
    return out;
}

}  // namespace crowsnest
