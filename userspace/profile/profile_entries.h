// What an event adds to a profile: its entries, generalised so that a busy
// harmless workload does not look new all the time (a destination's network
// rather than its address, a written file's directory, not its name, with
// numeric components such as pids made "*").
#pragma once

#include <string>
#include <vector>

#include "event/event_context.h"
#include "profile/profile.h"

namespace crowsnest {

struct EntryOptions {
    unsigned ipv4_prefix = 24;  // destinations' addresses are kept as this network (32: exact)
    unsigned ipv6_prefix = 64;  // (128: exact)
    unsigned write_depth = 3;   // directories kept of a written path: /var/lib/app/x/y -> /var/lib/app
};

struct ProfileEntry {
    EntryKind kind = EntryKind::Exec;
    std::string value;
};

// Fills out[0..n) with the event's entries and returns n; `out` only grows,
// so its strings keep their capacity. Failed execs and opens have none.
size_t profile_entries(const EventContext &ctx, const EntryOptions &opts, std::vector<ProfileEntry> &out);

// An open that may write: for writing, or creating or truncating.
bool opens_for_write(uint32_t open_flags);

// "10.0.3.0/24:5432", "[2001:db8::]/64:443", "unix:/run/x.sock"; "" when the
// connect has no destination to keep (another family, port 0).
void destination_entry(const Event &e, const EntryOptions &opts, std::string &out);
// "/var/lib/app" for "/var/lib/app/data/1234/f" (depth 3), "/proc/*" for
// "/proc/4242/attr/current" (depth 1 would do too).
void write_prefix_entry(std::string_view path, unsigned depth, std::string &out);

}  // namespace crowsnest
