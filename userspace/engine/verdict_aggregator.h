// Identical verdicts cost once. A flood of rule-matching events (a loop
// that opens /dev/cpu/0/msr, a miner restarted in a loop) must not turn into
// a flood of formatted, serialised and written verdicts that starves the
// engine, fills every output and flushes the resume ring.
//
// Verdicts are grouped by (rule, cgroup, executable) over a window. Within
// a window the first verdict of each of the group's first kTargets targets
// (the file, destination or command line the event was about) is sent at
// once; every other one is only counted, before any formatting. When the
// window closes, one summary repeats the group's first verdict with the
// count (v1::Aggregate). Window 0: nothing is aggregated.
#pragma once

#include <cstdint>
#include <deque>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "crowsnest.pb.h"

namespace crowsnest {

class VerdictAggregator {
public:
    static constexpr size_t kTargets = 8;

    VerdictAggregator(uint64_t window_ns, size_t max_groups = 4096);

    // Whether this verdict is to be sent now; if not, it is counted.
    // `rule` identifies the rule; `target` is a hash of what the event was about.
    bool admit(const void *rule, uint64_t cgroup_id, std::string_view exe, uint64_t target, uint64_t now_ns);
    // The verdict just admitted and sent, kept as its group's first.
    void sent(const v1::Verdict &v);

    // Closes the windows that ended by now_ns (and any closed early to make
    // room), appending a summary for each that counted verdicts.
    void close_windows(uint64_t now_ns, std::vector<v1::Verdict> &summaries);

    uint64_t counted() const { return counted_; }  // verdicts aggregated so far
    size_t groups() const { return groups_.size(); }

private:
    struct Key {
        const void *rule;
        uint64_t cgroup_id, exe;
        bool operator==(const Key &o) const { return rule == o.rule && cgroup_id == o.cgroup_id && exe == o.exe; }
    };
    struct KeyHash {
        size_t operator()(const Key &k) const;
    };
    struct Group {
        uint64_t window_end_ns = 0;
        std::vector<uint64_t> targets;  // sent in this window, at most kTargets
        uint64_t counted = 0;
        uint64_t first_counted_ns = 0, last_counted_ns = 0;  // boot clock
        uint64_t first_sent_ns = 0;                          // boot clock of `first`
        v1::Verdict first;
    };
    void close(const Key &k, Group &g);

    const uint64_t window_ns_;
    const size_t max_groups_;
    std::unordered_map<Key, Group, KeyHash> groups_;
    std::deque<std::pair<Key, uint64_t>> order_;  // groups by window end (FIFO: one window length)
    std::vector<v1::Verdict> pending_;            // summaries of windows closed early
    Group *last_admitted_ = nullptr;
    uint64_t counted_ = 0;
};

}  // namespace crowsnest
