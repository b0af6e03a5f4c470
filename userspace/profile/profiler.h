// Learns a profile per workload and reports what a locked profile never saw.
//
// Lifecycle: a profile learns from its workload's first event on; it locks
// once it has learned for `learning_ns` and nothing new came for `quiet_ns`.
// A locked profile's novelties are reported once each (not learned: the
// profile stays what was reviewed), and a new image digest starts learning
// again. Memory is bounded: entries per kind of each profile, entries in all,
// and profiles; a profile that reaches a cap is put in overflow, reported
// once, and goes on detecting with what it holds.
//
// Engine thread only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "event/event_context.h"
#include "profile/profile.h"
#include "profile/profile_entries.h"
#include "profile/profile_sink.h"

namespace crowsnest {

struct ProfileConfig {
    EntryOptions entries;
    uint64_t learning_ns = 24ull * 3600 * 1000000000ull;  // a day: daily jobs are learned too
    uint64_t quiet_ns = 3600ull * 1000000000ull;          // an hour with nothing new
    size_t max_entries = 512;       // per kind, per profile
    size_t max_total_entries = 200000;  // also the cap of novelties remembered as reported, in all
    size_t max_profiles = 10000;
    std::string owner_label;        // profile_key.h
    RateOptions rates;              // profile_rates.h
};

// Something a locked profile never saw, a profile that reached its cap, or
// a window whose rate is far above the profile's.
struct Novelty {
    enum class What : uint8_t { Entry, Overflow, Rate } what = What::Entry;
    const Profile *profile = nullptr;
    EntryKind kind = EntryKind::Exec;
    std::string value;  // the entry, as the profile would hold it
    // Rate: the feature, its count in this window, and its score (profile_rates.h)
    RateFeature feature = RateFeature::Execs;
    uint32_t count = 0;
    double score = 0;
};

struct ProfileCounters {
    bool enabled = false;     // profiles are on (--profiles)
    uint64_t profiles = 0, learning = 0, locked = 0, overflow = 0, entries = 0;  // sizes now
    uint64_t learned = 0;     // entries added while learning
    uint64_t novelties = 0;   // reported by locked profiles
    uint64_t rate_anomalies = 0;  // windows far above a locked profile's rates
    uint64_t repeated = 0;    // novelties already reported, not again
    uint64_t refused = 0;     // events of workloads past max_profiles, not profiled
};

class Profiler {
public:
    Profiler(ProfileConfig config, ProfileSink *sink);

    // Profiles read back (profile_db.h), before the first event.
    void restore(std::vector<Profile> profiles);
    // Learns from the event, or appends to `out` what its locked profile
    // never saw (`out` is not cleared). Returns the event's profile, or
    // nullptr when it has none (a host process, a sandbox, past max_profiles).
    const Profile *observe(const EventContext &ctx, std::vector<Novelty> &out);
    // Locks the profiles whose time came (wall clock), also those with no
    // events, and forgets which cgroup had which profile (containers go,
    // their records with them; the next event finds its profile again).
    void maintain(uint64_t wall_ns);

    const Profile *find(const std::string &key) const;
    ProfileCounters counters() const;

    // Review and control (the profile RPCs): each takes effect at the next
    // event and is kept through the sink. False: no profile of that key.
    std::vector<const Profile *> all() const;  // by key
    bool lock(const std::string &key);
    bool relearn(const std::string &key, uint64_t now);  // its entries go, it learns from `now`
    bool forget(const std::string &key);
    // Adds or replaces the profile of p.key (an import). False with `error`
    // when it would pass a cap: nothing is changed then.
    bool import(Profile p, std::string &error);

private:
    struct Held {
        Profile profile;
        std::unordered_set<std::string> reported;  // novelties already reported (bounded: max_entries, max_total_entries)
        bool overflow_reported = false;
        RateWindow window;  // the current window's counts
    };
    Held *profile_of(const EventContext &ctx, uint64_t now);
    void check_digest(Held &h, const WorkloadInfo *w, uint64_t now);
    void restart_learning(Held &h, uint64_t now);
    void forget_reported(Held &h);
    void maybe_lock(Held &h, uint64_t now);
    void learn(Held &h, EntryKind kind, const std::string &value, uint64_t now, std::vector<Novelty> &out);
    void report(Held &h, EntryKind kind, const std::string &value, std::vector<Novelty> &out);
    void count_rates(Held &h, const Event &e, uint64_t now, std::vector<Novelty> &out);
    void check_rate(Held &h, RateFeature f, uint32_t count, std::vector<Novelty> &out);
    void close_window(Held &h, uint64_t now);

    ProfileConfig config_;
    ProfileSink *sink_;  // nullptr: nothing is kept
    std::unordered_map<std::string, std::unique_ptr<Held>> profiles_;
    // cgroup id -> its profile, and the workload record the key was made from
    struct Cached {
        Held *held;
        const WorkloadInfo *workload;
    };
    std::unordered_map<uint64_t, Cached> by_cgroup_;
    std::vector<ProfileEntry> entries_;  // reused for every event
    std::string destination_;            // reused: a unix socket's path
    size_t total_entries_ = 0, total_reported_ = 0;
    ProfileCounters counters_;
};

}  // namespace crowsnest
