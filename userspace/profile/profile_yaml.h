// A profile as YAML, for review in git and import on another cluster:
//
//   key: shop/checkout/api@registry.example/shop/checkout
//   state: locked
//   image_digest: sha256:...
//   first_seen: 2026-11-30T06:00:00Z      # learning started (UTC, seconds)
//   last_new: 2026-11-30T06:40:12Z        # the last entry learned
//   overflow: false
//   exec: [/usr/sbin/nginx]               # each kind of profile.h, sorted
//   exec_pair: ["/bin/sh -> /usr/sbin/nginx"]
//   connect: [10.0.3.0/24:5432, unix:/run/app.sock]
//   write_prefix: [/var/cache/nginx]
//   sensitive_read: []
//   rates:                                # per-window rates (profile_rates.h), once learned
//     window_seconds: 60
//     execs: {median: 2, mad: 1, windows: 40}
//     destinations: {median: 1, mad: 0, windows: 40}
//     failed_connects: {median: 0, mad: 0, windows: 40}
//     writes: {median: 12, mad: 3, windows: 40}
//
// The rates' learned windows themselves are not written: a profile imported
// while learning learns its rates anew; a locked one checks with the summary.
//
// Every field but `key` may be left out; without first_seen, the profile
// learns from the time it is read. Import errors name the place as
// file:line:column.
#pragma once

#include <string>

#include "profile/profile.h"

namespace crowsnest {

std::string profile_to_yaml(const Profile &p);
// Parses `text` (read from `file`, for the messages) into `out`.
bool profile_from_yaml(const std::string &text, const std::string &file, Profile &out, std::string &error);

}  // namespace crowsnest
