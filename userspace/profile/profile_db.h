// The profiles in SQLite: one row per profile, one per entry. WAL mode, so
// a reader (crowsnest profiles --db) never blocks the sensor and a process
// killed mid-write loses at most its last transaction, never the file.
// The schema's version is SQLite's user_version; migrations bring an older
// file forward, a newer one is refused. A file that is not a database, or a
// damaged one, is moved aside and a fresh one started (open() says so).
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

#include "profile/profile.h"

namespace crowsnest {

// A profile without its entries: what changes when it locks or relearns.
struct ProfileRow {
    std::string key;
    ProfileState state = ProfileState::Learning;
    std::string image_digest;
    uint64_t first_seen_ns = 0, last_new_ns = 0;
    bool overflow = false;
    size_t entries = 0;  // when read back by list()
};
ProfileRow row_of(const Profile &p);

// One write of a batch. ClearEntries drops the rates too (a relearn).
struct ProfileChange {
    enum class Op : uint8_t { Save, AddEntry, ClearEntries, Forget, SaveRates } op = Op::Save;
    ProfileRow row;      // Save: all of it; the others: its key
    EntryKind kind = EntryKind::Exec;
    std::string value;
    uint64_t time_ns = 0;
    ProfileRates rates;  // SaveRates
};

class ProfileDb {
public:
    static constexpr int kSchemaVersion = 2;

    // Opens or creates the database. nullptr with `error` when it cannot
    // (directory, permissions, a newer schema); `notice` tells of a damaged
    // file that was moved aside.
    static std::unique_ptr<ProfileDb> open(const std::string &path, std::string &error, std::string &notice);
    ~ProfileDb();
    ProfileDb(const ProfileDb &) = delete;
    ProfileDb &operator=(const ProfileDb &) = delete;

    bool load(std::vector<Profile> &out, std::string &error);
    bool load(const std::string &key, Profile &out, bool &found, std::string &error);
    bool list(std::vector<ProfileRow> &out, std::string &error);
    // The batch in one transaction: all of it or none.
    bool apply(const std::vector<ProfileChange> &batch, std::string &error);
    // Replaces the profile and its entries (an import).
    bool replace(const Profile &p, std::string &error);
    bool forget(const std::string &key, bool &found, std::string &error);

    const std::string &path() const { return path_; }

private:
    ProfileDb(sqlite3 *db, std::string path) : db_(db), path_(std::move(path)) {}
    bool exec(const char *sql, std::string &error);
    bool migrate(std::string &error);
    bool end_transaction(bool ok, std::string &error);

    sqlite3 *db_;
    std::string path_;
};

}  // namespace crowsnest
