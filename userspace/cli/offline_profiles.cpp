// The profiles of a database, changed in place (cli/profile_store.h).
#include "cli/profile_store.h"

#include "profile/profile_yaml.h"
#include "util/clocks.h"

namespace crowsnest {

namespace {

class OfflineProfiles final : public ProfileStore {
public:
    explicit OfflineProfiles(std::unique_ptr<ProfileDb> db) : db_(std::move(db)) {}

    bool list(std::vector<ProfileRow> &out, std::string &error) override { return db_->list(out, error); }

    bool yaml(const std::string &key, std::string &out, std::string &error) override {
        Profile p;
        if (!load(key, p, error)) return false;
        out = profile_to_yaml(p);
        return true;
    }

    bool import(const std::string &text, const std::string &file, ProfileRow &out, std::string &error) override {
        Profile p;
        if (!profile_from_yaml(text, file, p, error) || !db_->replace(p, error)) return false;
        out = row_of(p);
        return true;
    }

    bool lock(const std::string &key, ProfileRow &out, std::string &error) override {
        return change(key, false, out, error);
    }
    bool relearn(const std::string &key, ProfileRow &out, std::string &error) override {
        return change(key, true, out, error);
    }

    bool forget(const std::string &key, std::string &error) override {
        bool found = false;
        if (!db_->forget(key, found, error)) return false;
        if (!found) error = "no profile '" + key + "'";
        return found;
    }

private:
    bool load(const std::string &key, Profile &p, std::string &error) {
        bool found = false;
        if (!db_->load(key, p, found, error)) return false;
        if (!found) error = "no profile '" + key + "'";
        return found;
    }

    // lock and relearn: a change of the profile's row (relearn: and its entries).
    bool change(const std::string &key, bool relearn, ProfileRow &out, std::string &error) {
        Profile p;
        if (!load(key, p, error)) return false;
        out = row_of(p);
        std::vector<ProfileChange> batch;
        if (relearn) {
            out.state = ProfileState::Learning;
            out.first_seen_ns = out.last_new_ns = wall_clock_ns();
            out.overflow = false;
            out.entries = 0;
            batch.push_back({ProfileChange::Op::ClearEntries, out});
        } else {
            out.state = ProfileState::Locked;
        }
        batch.push_back({ProfileChange::Op::Save, out});
        return db_->apply(batch, error);
    }

    std::unique_ptr<ProfileDb> db_;
};

}  // namespace

std::unique_ptr<ProfileStore> offline_profiles(const std::string &path, std::string &error, std::string &notice) {
    auto db = ProfileDb::open(path, error, notice);
    if (!db) return nullptr;
    return std::make_unique<OfflineProfiles>(std::move(db));
}

}  // namespace crowsnest
