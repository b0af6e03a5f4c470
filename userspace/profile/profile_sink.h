// Where a profiler's changes go to be kept (profile_writer.h: SQLite, off
// the engine thread). Called on the engine thread; must not block.
#pragma once

#include <string>

#include "profile/profile.h"

namespace crowsnest {

class ProfileSink {
public:
    virtual ~ProfileSink() = default;
    // The profile's own fields changed (new, state, digest, overflow, times).
    virtual void profile_saved(const Profile &p) = 0;
    // An entry was learned.
    virtual void entry_added(const Profile &p, EntryKind kind, const std::string &value, uint64_t time_ns) = 0;
    // Every entry was dropped (relearn on a new image digest).
    virtual void entries_cleared(const Profile &p) = 0;
    // Its rates changed (a learned window).
    virtual void rates_saved(const Profile &p) = 0;
    // The profile and its entries were deleted.
    virtual void profile_forgotten(const std::string &key) = 0;
};

}  // namespace crowsnest
