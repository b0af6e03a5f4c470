#include "engine/verdict_aggregator.h"

#include <algorithm>
#include <functional>
#include <string>

namespace crowsnest {

namespace {

void set_time(uint64_t wall_ns, google::protobuf::Timestamp &t) {
    t.set_seconds(int64_t(wall_ns / 1000000000ull));
    t.set_nanos(int32_t(wall_ns % 1000000000ull));
}

uint64_t wall_ns(const google::protobuf::Timestamp &t) { return uint64_t(t.seconds()) * 1000000000ull + uint64_t(t.nanos()); }

}  // namespace

size_t VerdictAggregator::KeyHash::operator()(const Key &k) const {
    uint64_t h = reinterpret_cast<uintptr_t>(k.rule) * 0x9E3779B97F4A7C15ull;
    h ^= k.cgroup_id + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    h ^= k.exe + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    return size_t(h);
}

VerdictAggregator::VerdictAggregator(uint64_t window_ns, size_t max_groups)
    : window_ns_(window_ns), max_groups_(std::max<size_t>(max_groups, 1)) {}

bool VerdictAggregator::admit(const void *rule, uint64_t cgroup_id, std::string_view exe, uint64_t target,
                              uint64_t now_ns) {
    last_admitted_ = nullptr;
    if (window_ns_ == 0) return true;
    const Key key{rule, cgroup_id, std::hash<std::string_view>{}(exe)};
    auto it = groups_.find(key);
    if (it != groups_.end() && now_ns >= it->second.window_end_ns) {
        close(key, it->second);  // its window ended between two calls of close_windows
        it = groups_.end();
    }
    if (it == groups_.end()) {
        while (groups_.size() >= max_groups_ && !order_.empty()) {
            auto oldest = groups_.find(order_.front().first);
            if (oldest != groups_.end() && oldest->second.window_end_ns == order_.front().second)
                close(oldest->first, oldest->second);
            order_.pop_front();
        }
        it = groups_.emplace(key, Group{}).first;
        it->second.window_end_ns = now_ns + window_ns_;
        order_.emplace_back(key, it->second.window_end_ns);
    }
    Group &g = it->second;
    const bool known = std::find(g.targets.begin(), g.targets.end(), target) != g.targets.end();
    if (known || g.targets.size() >= kTargets) {
        if (g.counted++ == 0) g.first_counted_ns = now_ns;
        g.last_counted_ns = now_ns;
        counted_++;
        return false;
    }
    g.targets.push_back(target);
    if (g.targets.size() == 1) g.first_sent_ns = now_ns;
    last_admitted_ = &g;
    return true;
}

void VerdictAggregator::sent(const v1::Verdict &v) {
    if (last_admitted_ && last_admitted_->targets.size() == 1) last_admitted_->first = v;
    last_admitted_ = nullptr;
}

// A summary when the window counted verdicts; the group goes either way.
void VerdictAggregator::close(const Key &k, Group &g) {
    if (g.counted) {
        v1::Verdict s = g.first;
        s.clear_sequence();
        // boot-clock offsets from the first verdict give the wall-clock times
        const uint64_t first_wall = wall_ns(g.first.time());
        auto wall = [&](uint64_t boot) { return first_wall + (boot - g.first_sent_ns); };
        auto *a = s.mutable_aggregate();
        a->set_count(g.counted);
        set_time(wall(g.first_counted_ns), *a->mutable_first());
        set_time(wall(g.last_counted_ns), *a->mutable_last());
        a->set_window_seconds(uint32_t(window_ns_ / 1000000000ull));
        set_time(wall(g.last_counted_ns), *s.mutable_time());
        s.set_output(std::to_string(g.counted) + " more like this within " + std::to_string(a->window_seconds()) +
                     " s, not sent one by one; the first: " + g.first.output());
        pending_.push_back(std::move(s));
    }
    if (last_admitted_ == &g) last_admitted_ = nullptr;
    groups_.erase(k);
}

void VerdictAggregator::close_windows(uint64_t now_ns, std::vector<v1::Verdict> &summaries) {
    while (!order_.empty() && order_.front().second <= now_ns) {
        auto it = groups_.find(order_.front().first);
        if (it != groups_.end() && it->second.window_end_ns == order_.front().second) close(it->first, it->second);
        order_.pop_front();
    }
    for (auto &s : pending_) summaries.push_back(std::move(s));
    pending_.clear();
}

}  // namespace crowsnest
