#include "profile/profiler.h"

#include "profile/profile_key.h"

namespace crowsnest {

Profiler::Profiler(ProfileConfig config, ProfileSink *sink) : config_(std::move(config)), sink_(sink) {}

void Profiler::restore(std::vector<Profile> profiles) {
    for (auto &p : profiles) {
        if (profiles_.size() >= config_.max_profiles) break;
        total_entries_ += p.entry_count();
        auto held = std::make_unique<Held>();
        held->profile = std::move(p);
        profiles_[held->profile.key] = std::move(held);
    }
}

Profiler::Held *Profiler::profile_of(const EventContext &ctx, uint64_t now) {
    if (!ctx.in_container() || (ctx.workload && ctx.workload->sandbox)) return nullptr;
    auto cached = by_cgroup_.find(ctx.event->cgroup_id);
    if (cached != by_cgroup_.end() && cached->second.workload == ctx.workload) return cached->second.held;
    const std::string key = profile_key(ctx.cgroup->container, ctx.workload, config_.owner_label);
    auto it = profiles_.find(key);
    if (it == profiles_.end()) {
        if (profiles_.size() >= config_.max_profiles) {
            counters_.refused++;
            return nullptr;
        }
        auto held = std::make_unique<Held>();
        held->profile.key = key;
        held->profile.first_seen_ns = held->profile.last_new_ns = now;
        if (ctx.workload) held->profile.image_digest = ctx.workload->image_digest;
        it = profiles_.emplace(key, std::move(held)).first;
        if (sink_) sink_->profile_saved(it->second->profile);
    }
    by_cgroup_[ctx.event->cgroup_id] = {it->second.get(), ctx.workload};
    check_digest(*it->second, ctx.workload, now);
    return it->second.get();
}

// Another image behind the same workload: what it does is learned anew.
void Profiler::check_digest(Held &h, const WorkloadInfo *w, uint64_t now) {
    if (!w || w->image_digest.empty() || w->image_digest == h.profile.image_digest) return;
    Profile &p = h.profile;
    if (!p.image_digest.empty()) {
        for (auto &set : p.entries) {
            total_entries_ -= set.size();
            set.clear();
        }
        if (sink_) sink_->entries_cleared(p);
        total_reported_ -= h.reported.size();
        p.state = ProfileState::Learning;
        p.overflow = false;
        p.first_seen_ns = p.last_new_ns = now;
        h.reported.clear();
        h.overflow_reported = false;
    }
    p.image_digest = w->image_digest;
    if (sink_) sink_->profile_saved(p);
}

void Profiler::maybe_lock(Held &h, uint64_t now) {
    Profile &p = h.profile;
    if (p.state != ProfileState::Learning || now < p.first_seen_ns + config_.learning_ns ||
        now < p.last_new_ns + config_.quiet_ns)
        return;
    p.state = ProfileState::Locked;
    if (sink_) sink_->profile_saved(p);
}

void Profiler::learn(Held &h, EntryKind kind, const std::string &value, uint64_t now, std::vector<Novelty> &out) {
    Profile &p = h.profile;
    if (p.of(kind).size() >= config_.max_entries || total_entries_ >= config_.max_total_entries) {
        if (!p.overflow) {
            p.overflow = true;
            if (sink_) sink_->profile_saved(p);
        }
        if (!h.overflow_reported) {
            h.overflow_reported = true;
            out.push_back({Novelty::What::Overflow, &p, kind, value});
        }
        return;
    }
    p.of(kind).insert(value);
    total_entries_++;
    counters_.learned++;
    p.last_new_ns = now;
    if (sink_) sink_->entry_added(p, kind, value, now);
}

void Profiler::report(Held &h, EntryKind kind, const std::string &value, std::vector<Novelty> &out) {
    // the key of a reported novelty: its kind, then its value
    std::string seen(1, char('0' + int(kind)));
    seen += value;
    if (h.reported.count(seen)) {
        counters_.repeated++;
        return;
    }
    // past the caps every novelty is still reported, only not remembered
    if (h.reported.size() < config_.max_entries && total_reported_ < config_.max_total_entries) {
        h.reported.insert(std::move(seen));
        total_reported_++;
    }
    counters_.novelties++;
    out.push_back({Novelty::What::Entry, &h.profile, kind, value});
}

const Profile *Profiler::observe(const EventContext &ctx, std::vector<Novelty> &out) {
    const uint64_t now = ctx.event->time_ns;
    Held *h = profile_of(ctx, now);
    if (!h) return nullptr;
    maybe_lock(*h, now);
    const size_t n = profile_entries(ctx, config_.entries, entries_);
    for (size_t i = 0; i < n; i++) {
        const ProfileEntry &e = entries_[i];
        if (h->profile.of(e.kind).count(e.value)) continue;
        if (h->profile.state == ProfileState::Learning)
            learn(*h, e.kind, e.value, now, out);
        else
            report(*h, e.kind, e.value, out);
    }
    return &h->profile;
}

void Profiler::maintain(uint64_t wall_ns) {
    for (auto &[key, h] : profiles_) maybe_lock(*h, wall_ns);
    by_cgroup_.clear();
}

const Profile *Profiler::find(const std::string &key) const {
    auto it = profiles_.find(key);
    return it == profiles_.end() ? nullptr : &it->second->profile;
}

ProfileCounters Profiler::counters() const {
    ProfileCounters c = counters_;
    c.enabled = true;
    c.profiles = profiles_.size();
    c.entries = total_entries_;
    for (const auto &[key, h] : profiles_) {
        (h->profile.state == ProfileState::Learning ? c.learning : c.locked)++;
        if (h->profile.overflow) c.overflow++;
    }
    return c;
}

}  // namespace crowsnest
