#include "profile/profile.h"

#include "util/name_table.h"

namespace crowsnest {

namespace {
constexpr const char *kKindNames[kEntryKindCount] = {"exec", "exec_pair", "connect", "write_prefix", "sensitive_read"};
constexpr const char *kStateNames[] = {"learning", "locked"};
}  // namespace

const char *entry_kind_name(EntryKind k) { return kKindNames[size_t(k)]; }

bool parse_entry_kind(std::string_view name, EntryKind &out) { return parse_name(kKindNames, name, out); }

const char *profile_state_name(ProfileState s) { return kStateNames[size_t(s)]; }

bool parse_profile_state(std::string_view name, ProfileState &out) { return parse_name(kStateNames, name, out); }

size_t Profile::entry_count() const {
    size_t n = 0;
    for (const auto &set : entries) n += set.size();
    return n;
}

}  // namespace crowsnest
