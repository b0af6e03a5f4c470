#include "profile/profiler.h"

#include <algorithm>

#include "profile/profile_key.h"

#include <sys/socket.h>

#include <cerrno>
#include <functional>

#include "event/event_format.h"

namespace crowsnest {

Profiler::Profiler(ProfileConfig config, ProfileSink *sink) : config_(std::move(config)), sink_(sink) {}

void Profiler::restore(std::vector<Profile> profiles) {
    for (auto &p : profiles) {
        if (profiles_.size() >= config_.max_profiles) break;
        total_entries_ += p.entry_count();
        if (p.rates.window_ns && p.rates.window_ns != config_.rates.window_ns) p.rates.clear();  // counted in other windows
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
    if (!h.profile.image_digest.empty()) restart_learning(h, now);
    h.profile.image_digest = w->image_digest;
    if (sink_) sink_->profile_saved(h.profile);
}

// Its entries dropped, learning from `now` (the caller saves the profile).
void Profiler::restart_learning(Held &h, uint64_t now) {
    Profile &p = h.profile;
    for (auto &set : p.entries) {
        total_entries_ -= set.size();
        set.clear();
    }
    if (sink_) sink_->entries_cleared(p);  // the rates too
    forget_reported(h);
    p.rates.clear();
    h.window = RateWindow{};
    p.state = ProfileState::Learning;
    p.overflow = false;
    p.first_seen_ns = p.last_new_ns = now;
}

void Profiler::forget_reported(Held &h) {
    total_reported_ -= h.reported.size();
    h.reported.clear();
    h.overflow_reported = false;
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
    count_rates(*h, *ctx.event, now, out);
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

// The window `now` falls in; a learning profile learns the one it closes.
void Profiler::close_window(Held &h, uint64_t now) {
    if (!h.window.move_to(now, config_.rates.window_ns) || h.profile.state != ProfileState::Learning) return;
    learn_window(h.profile.rates, h.window.closed(), config_.rates);
    if (sink_) sink_->rates_saved(h.profile);
}

void Profiler::count_rates(Held &h, const Event &e, uint64_t now, std::vector<Novelty> &out) {
    close_window(h, now);
    switch (e.type) {
    case EventType::Exec:
        if (e.ret == 0) check_rate(h, RateFeature::Execs, h.window.add(RateFeature::Execs), out);
        break;
    case EventType::Connect: {
        // distinct destinations by their exact address (a scan of one network is many)
        destination_.assign(reinterpret_cast<const char *>(e.addr.data()), e.addr.size());
        destination_ += std::to_string(e.port);
        if (e.family == AF_UNIX) append_unix_path(e, destination_);
        check_rate(h, RateFeature::Destinations, h.window.add_destination(std::hash<std::string>{}(destination_)), out);
        if (e.ret < 0 && e.ret != -EINPROGRESS)
            check_rate(h, RateFeature::FailedConnects, h.window.add(RateFeature::FailedConnects), out);
        break;
    }
    case EventType::Open:
        if (e.ret >= 0 && opens_for_write(e.open_flags))
            check_rate(h, RateFeature::Writes, h.window.add(RateFeature::Writes), out);
        break;
    default: break;
    }
}

void Profiler::check_rate(Held &h, RateFeature f, uint32_t count, std::vector<Novelty> &out) {
    const Profile &p = h.profile;
    if (p.state != ProfileState::Locked) return;
    const RateSummary &s = p.rates.summary[size_t(f)];
    if (s.windows < config_.rates.min_windows) return;
    const double score = rate_score(s, count);
    if (score < config_.rates.threshold || !h.window.first_report(f)) return;
    counters_.rate_anomalies++;
    Novelty n;
    n.what = Novelty::What::Rate;
    n.profile = &p;
    n.value = std::to_string(count);
    n.feature = f;
    n.count = count;
    n.score = score;
    out.push_back(std::move(n));
}

void Profiler::maintain(uint64_t wall_ns) {
    for (auto &[key, h] : profiles_) {
        maybe_lock(*h, wall_ns);
        close_window(*h, wall_ns);  // a window that ended after a burst is learned without waiting for an event
    }
    by_cgroup_.clear();
}

const Profile *Profiler::find(const std::string &key) const {
    auto it = profiles_.find(key);
    return it == profiles_.end() ? nullptr : &it->second->profile;
}

std::vector<const Profile *> Profiler::all() const {
    std::vector<const Profile *> out;
    for (const auto &[key, h] : profiles_) out.push_back(&h->profile);
    std::sort(out.begin(), out.end(), [](const Profile *a, const Profile *b) { return a->key < b->key; });
    return out;
}

bool Profiler::lock(const std::string &key) {
    auto it = profiles_.find(key);
    if (it == profiles_.end()) return false;
    Profile &p = it->second->profile;
    if (p.state != ProfileState::Locked) {
        p.state = ProfileState::Locked;
        if (sink_) sink_->profile_saved(p);
    }
    return true;
}

bool Profiler::relearn(const std::string &key, uint64_t now) {
    auto it = profiles_.find(key);
    if (it == profiles_.end()) return false;
    restart_learning(*it->second, now);
    if (sink_) sink_->profile_saved(it->second->profile);
    return true;
}

bool Profiler::forget(const std::string &key) {
    auto it = profiles_.find(key);
    if (it == profiles_.end()) return false;
    total_entries_ -= it->second->profile.entry_count();
    forget_reported(*it->second);
    if (sink_) sink_->profile_forgotten(key);
    by_cgroup_.clear();  // it may point at the profile: the next events find theirs again
    profiles_.erase(it);
    return true;
}

bool Profiler::import(Profile p, std::string &error) {
    auto it = profiles_.find(p.key);
    const size_t held = it == profiles_.end() ? 0 : it->second->profile.entry_count();
    if (it == profiles_.end() && profiles_.size() >= config_.max_profiles) {
        error = "the sensor holds " + std::to_string(profiles_.size()) + " profiles, its most (--profile-max-profiles)";
        return false;
    }
    for (size_t k = 0; k < kEntryKindCount; k++)
        if (p.entries[k].size() > config_.max_entries) {
            error = std::string(entry_kind_name(EntryKind(k))) + " has " + std::to_string(p.entries[k].size()) +
                    " entries, more than a profile holds (--profile-max-entries " +
                    std::to_string(config_.max_entries) + ")";
            return false;
        }
    if (p.rates.window_ns && p.rates.window_ns != config_.rates.window_ns) {
        error = "its rates were counted in windows of " + std::to_string(p.rates.window_ns / 1000000000ull) +
                " s, this sensor counts in windows of " + std::to_string(config_.rates.window_ns / 1000000000ull) +
                " s (--profile-window)";
        return false;
    }
    if (total_entries_ - held + p.entry_count() > config_.max_total_entries) {
        error = "its " + std::to_string(p.entry_count()) + " entries would pass the entries of all profiles "
                "(--profile-max-total " + std::to_string(config_.max_total_entries) + ")";
        return false;
    }
    if (it == profiles_.end()) it = profiles_.emplace(p.key, std::make_unique<Held>()).first;
    Held &h = *it->second;
    forget_reported(h);
    total_entries_ = total_entries_ - held + p.entry_count();
    h.profile = std::move(p);
    if (sink_) {
        sink_->entries_cleared(h.profile);
        sink_->profile_saved(h.profile);
        for (size_t k = 0; k < kEntryKindCount; k++)
            for (const auto &v : h.profile.entries[k]) sink_->entry_added(h.profile, EntryKind(k), v, h.profile.last_new_ns);
        if (h.profile.rates.window_ns) sink_->rates_saved(h.profile);
    }
    return true;
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
