#include "engine/anomaly_verdict.h"

#include <sys/socket.h>

#include <cstdio>

#include "engine/messages.h"
#include "event/event_format.h"

namespace crowsnest {

namespace {

// One rule name per kind of novelty, so that stream filters, outputs and
// metrics can tell them apart; low and medium of each.
struct AnomalyRule {
    RuleInfo low, medium;
};

AnomalyRule make(const char *name, const char *desc, std::vector<std::string> tags) {
    return {{name, desc, "anomaly", "low", tags, "Notice"}, {name, desc, "anomaly", "medium", tags, "Warning"}};
}

const AnomalyRule kRules[kEntryKindCount] = {
    make("profile_new_exec", "A program the workload's locked profile never ran.", {"T1059", "T1105"}),
    make("profile_new_exec_pair", "A parent started a program it never started while the profile learned.", {"T1059"}),
    make("profile_new_connect", "A destination the workload's locked profile never connected to.", {"T1071", "T1571"}),
    make("profile_new_write_prefix", "A directory the workload's locked profile never wrote under.", {"T1565.001"}),
    make("profile_new_sensitive_read", "A host or credential file the workload's locked profile never read.",
         {"T1552.001"}),
};
const AnomalyRule kRates[kRateFeatureCount] = {
    make("profile_rate_execs", "A window with far more execs than the workload's locked profile learned.", {"T1059"}),
    make("profile_rate_destinations",
         "A window with far more distinct destinations than the workload's locked profile learned.", {"T1046"}),
    make("profile_rate_failed_connects",
         "A window with far more failed connects than the workload's locked profile learned.", {"T1046"}),
    make("profile_rate_writes", "A window with far more writes than the workload's locked profile learned.",
         {"T1486", "T1565.001"}),
};
const AnomalyRule kOverflow = make(
    "profile_overflow",
    "A profile reached its cap: entries past it are not learned, and detection goes on with what it holds.", {});

std::string who(const EventContext &ctx) {
    return ctx.process && !ctx.process->exe.empty() ? ctx.process->exe : ctx.event->comm;
}

std::string sentence(const EventContext &ctx, const Novelty &n) {
    const Event &e = *ctx.event;
    const std::string in = " in " + n.profile->key;
    if (n.what == Novelty::What::Rate) {
        const RateSummary &s = n.profile->rates.summary[size_t(n.feature)];
        char numbers[128];
        std::snprintf(numbers, sizeof(numbers), "median %g, MAD %g over %u windows; score %.1f", s.median, s.mad,
                      s.windows, n.score);
        return std::to_string(n.count) + " " + rate_feature_name(n.feature) + " in one " +
               std::to_string(n.profile->rates.window_ns / 1000000000ull) + " s window (the last by " + who(ctx) +
               ")" + in + ": far above its profile (" + numbers + ")";
    }
    if (n.what == Novelty::What::Overflow)
        return "Profile " + n.profile->key + " is full: " + entry_kind_name(n.kind) + " entries such as " + n.value +
               " are no longer learned";
    switch (n.kind) {
    case EntryKind::Exec:
        return "First exec of " + n.value + " by " + (ctx.parent ? ctx.parent->comm : std::string("?")) + in;
    case EntryKind::ExecPair: return "First time " + n.value + in;
    case EntryKind::Connect:
        if (e.family == AF_UNIX) return "First connection to unix socket " + unix_path_string(e) + " by " + who(ctx) + in;
        return "First connection to " + ip_string(e) + ":" + std::to_string(e.port) + " (" + n.value + ") by " +
               who(ctx) + in;
    case EntryKind::WritePrefix:
        return "First write under " + n.value + " (" + (ctx.resolved_path.empty() ? e.path : ctx.resolved_path) +
               ") by " + who(ctx) + in;
    case EntryKind::SensitiveRead: return "First read of " + n.value + " by " + who(ctx) + in;
    }
    return "";
}

}  // namespace

void fill_anomaly_verdict(const EventContext &ctx, const Novelty &n, bool rule_fired, Detection &d, v1::Verdict &out) {
    const AnomalyRule &rule = n.what == Novelty::What::Overflow ? kOverflow
                              : n.what == Novelty::What::Rate   ? kRates[size_t(n.feature)]
                                                                : kRules[size_t(n.kind)];
    d.rule = rule_fired ? &rule.medium : &rule.low;
    d.output = sentence(ctx, n);
    d.fields.clear();
    d.fields.emplace_back("profile.key", n.profile->key);
    d.fields.emplace_back("profile.state", profile_state_name(n.profile->state));
    if (n.what == Novelty::What::Rate) {
        const RateSummary &s = n.profile->rates.summary[size_t(n.feature)];
        char score[32];
        std::snprintf(score, sizeof(score), "%.2f", n.score);
        d.fields.emplace_back("profile.rate.feature", rate_feature_name(n.feature));
        d.fields.emplace_back("profile.rate.value", n.value);
        d.fields.emplace_back("profile.rate.median", std::to_string(s.median));
        d.fields.emplace_back("profile.rate.mad", std::to_string(s.mad));
        d.fields.emplace_back("profile.rate.score", score);
    } else {
        d.fields.emplace_back("profile.new.kind", entry_kind_name(n.kind));
        d.fields.emplace_back("profile.new.value", n.value);
    }
    fill_verdict_message(ctx, d, out);
}

}  // namespace crowsnest
