// A learned behaviour profile: what one workload did while it was learned,
// as bounded sets of entries of a few kinds. In memory on the engine thread;
// profile_db.h keeps it in SQLite, profile_yaml.h writes it for review.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>

#include "profile/profile_rates.h"

namespace crowsnest {

// The kinds of entries a profile holds (profile_entries.h says how an event
// becomes one). Their names are those of the YAML and the database.
enum class EntryKind : uint8_t {
    Exec,           // a program run: "/usr/sbin/nginx", "+" appended when its file is in the upper layer
    ExecPair,       // parent -> child programs: "/bin/sh -> /usr/bin/curl"
    Connect,        // an outbound destination: "10.0.3.0/24:5432", "[2001:db8::]/64:443", "unix:/run/x.sock"
    WritePrefix,    // a directory written under: "/var/cache/app"
    SensitiveRead,  // a host or credential file read: "/etc/shadow"
};
constexpr size_t kEntryKindCount = 5;
const char *entry_kind_name(EntryKind k);
bool parse_entry_kind(std::string_view name, EntryKind &out);

// learning: entries are added; locked: anything new is an anomaly.
enum class ProfileState : uint8_t { Learning, Locked };
const char *profile_state_name(ProfileState s);
bool parse_profile_state(std::string_view name, ProfileState &out);

struct Profile {
    std::string key;                  // profile_key.h
    ProfileState state = ProfileState::Learning;
    std::string image_digest;         // a new digest starts learning again
    uint64_t first_seen_ns = 0;       // wall clock: learning started
    uint64_t last_new_ns = 0;         // wall clock: the last entry added
    bool overflow = false;            // a set reached its cap: entries past it were not learned
    std::array<std::unordered_set<std::string>, kEntryKindCount> entries;
    ProfileRates rates;               // per-window rates (profile_rates.h)

    const std::unordered_set<std::string> &of(EntryKind k) const { return entries[size_t(k)]; }
    std::unordered_set<std::string> &of(EntryKind k) { return entries[size_t(k)]; }
    size_t entry_count() const;
};

}  // namespace crowsnest
