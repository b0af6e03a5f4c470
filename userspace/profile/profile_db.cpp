#include "profile/profile_db.h"

#include <cstdio>
#include <ctime>
#include <filesystem>

namespace crowsnest {

namespace {

// Migration i brings a file of version i to version i + 1.
const char *const kMigrations[ProfileDb::kSchemaVersion] = {
    "CREATE TABLE profiles (key TEXT PRIMARY KEY, state TEXT NOT NULL, image_digest TEXT NOT NULL,"
    " first_seen_ns INTEGER NOT NULL, last_new_ns INTEGER NOT NULL, overflow INTEGER NOT NULL);"
    "CREATE TABLE entries (profile TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL,"
    " first_seen_ns INTEGER NOT NULL, PRIMARY KEY (profile, kind, value)) WITHOUT ROWID;",
    // 2: per-window rates, a row per feature: the summary, and the learned
    // windows' counts it is made from (16-bit, little-endian, oldest first)
    "CREATE TABLE rates (profile TEXT NOT NULL, feature TEXT NOT NULL, window_ns INTEGER NOT NULL,"
    " median REAL NOT NULL, mad REAL NOT NULL, windows INTEGER NOT NULL, history BLOB NOT NULL,"
    " PRIMARY KEY (profile, feature)) WITHOUT ROWID;",
};

// A prepared statement, finalised when it goes out of scope.
class Statement {
public:
    Statement(sqlite3 *db, const char *sql) { sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
    ~Statement() { sqlite3_finalize(stmt_); }
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;
    explicit operator bool() const { return stmt_ != nullptr; }
    sqlite3_stmt *get() const { return stmt_; }
    void text(int i, const std::string &v) { sqlite3_bind_text(stmt_, i, v.data(), int(v.size()), SQLITE_TRANSIENT); }
    void integer(int i, uint64_t v) { sqlite3_bind_int64(stmt_, i, sqlite3_int64(v)); }
    std::string column_text(int i) const {
        const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(stmt_, i));
        return p ? std::string(p, size_t(sqlite3_column_bytes(stmt_, i))) : std::string();
    }
    uint64_t column_integer(int i) const { return uint64_t(sqlite3_column_int64(stmt_, i)); }
    double column_real(int i) const { return sqlite3_column_double(stmt_, i); }
    void real(int i, double v) { sqlite3_bind_double(stmt_, i, v); }
    void blob(int i, const std::string &v) { sqlite3_bind_blob(stmt_, i, v.data(), int(v.size()), SQLITE_TRANSIENT); }
    std::string column_blob(int i) const {
        const auto *p = static_cast<const char *>(sqlite3_column_blob(stmt_, i));
        return p ? std::string(p, size_t(sqlite3_column_bytes(stmt_, i))) : std::string();
    }
    // One step of a write: true when it is done.
    bool run() {
        const int rc = sqlite3_step(stmt_);
        sqlite3_reset(stmt_);
        return rc == SQLITE_DONE;
    }

private:
    sqlite3_stmt *stmt_ = nullptr;
};

std::string db_error(sqlite3 *db, const std::string &what) { return what + ": " + sqlite3_errmsg(db); }

bool is_damage(int rc) { return rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT; }

// A damaged file and its WAL moved aside, kept for a post-mortem.
std::string move_aside(const std::string &path) {
    const std::string aside = path + ".corrupt-" + std::to_string(std::time(nullptr));
    std::error_code ec;
    std::filesystem::rename(path, aside, ec);
    for (const char *suffix : {"-wal", "-shm"}) std::filesystem::remove(path + suffix, ec);
    return aside;
}

// Opens and checks the file; false with `damaged` when it is not a sound database.
sqlite3 *open_checked(const std::string &path, bool &damaged, std::string &error) {
    damaged = false;
    sqlite3 *db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
        error = "profiles database " + path + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return nullptr;
    }
    sqlite3_busy_timeout(db, 5000);  // an offline command may hold it a moment
    std::string check;
    sqlite3_stmt *stmt = nullptr;
    int rc = sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &stmt, nullptr);
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) check = reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    if (rc == SQLITE_ROW && check == "ok") return db;
    damaged = is_damage(rc) || rc == SQLITE_ROW;
    error = "profiles database " + path + ": " + (rc == SQLITE_ROW ? check : std::string(sqlite3_errmsg(db)));
    sqlite3_close(db);
    return nullptr;
}

ProfileRow read_row(const Statement &s) {
    ProfileRow r;
    r.key = s.column_text(0);
    parse_profile_state(s.column_text(1), r.state);
    r.image_digest = s.column_text(2);
    r.first_seen_ns = s.column_integer(3);
    r.last_new_ns = s.column_integer(4);
    r.overflow = s.column_integer(5) != 0;
    return r;
}

void set_row(Profile &p, ProfileRow r) {
    p.key = std::move(r.key);
    p.state = r.state;
    p.image_digest = std::move(r.image_digest);
    p.first_seen_ns = r.first_seen_ns;
    p.last_new_ns = r.last_new_ns;
    p.overflow = r.overflow;
}

constexpr const char *kSaveSql =
    "INSERT INTO profiles (key, state, image_digest, first_seen_ns, last_new_ns, overflow) VALUES (?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (key) DO UPDATE SET state = excluded.state, image_digest = excluded.image_digest,"
    " first_seen_ns = excluded.first_seen_ns, last_new_ns = excluded.last_new_ns, overflow = excluded.overflow";
constexpr const char *kAddSql = "INSERT OR IGNORE INTO entries (profile, kind, value, first_seen_ns) VALUES (?, ?, ?, ?)";
constexpr const char *kClearSql = "DELETE FROM entries WHERE profile = ?";
constexpr const char *kDropSql = "DELETE FROM profiles WHERE key = ?";
constexpr const char *kClearRatesSql = "DELETE FROM rates WHERE profile = ?";
constexpr const char *kRatesSql =
    "INSERT OR REPLACE INTO rates (profile, feature, window_ns, median, mad, windows, history) VALUES (?, ?, ?, ?, ?, ?, ?)";

std::string history_bytes(const std::vector<uint16_t> &h) {
    std::string out;
    for (uint16_t v : h) {
        out += char(v & 0xff);
        out += char(v >> 8);
    }
    return out;
}

std::vector<uint16_t> history_of(const std::string &bytes) {
    std::vector<uint16_t> out;
    for (size_t i = 0; i + 1 < bytes.size(); i += 2)
        out.push_back(uint16_t(uint8_t(bytes[i]) | uint8_t(bytes[i + 1]) << 8));
    return out;
}

// The profile's rates, a row per feature; none when it has learned none.
bool save_rates(Statement &clear, Statement &save, const std::string &key, const ProfileRates &r) {
    clear.text(1, key);
    if (!clear.run()) return false;
    for (size_t f = 0; r.window_ns && f < kRateFeatureCount; f++) {
        save.text(1, key);
        save.text(2, rate_feature_name(RateFeature(f)));
        save.integer(3, r.window_ns);
        save.real(4, r.summary[f].median);
        save.real(5, r.summary[f].mad);
        save.integer(6, r.summary[f].windows);
        save.blob(7, history_bytes(r.history[f]));
        if (!save.run()) return false;
    }
    return true;
}
constexpr const char *kRowColumns = "SELECT key, state, image_digest, first_seen_ns, last_new_ns, overflow FROM profiles";

void bind_row(Statement &s, const ProfileRow &r) {
    s.text(1, r.key);
    s.text(2, profile_state_name(r.state));
    s.text(3, r.image_digest);
    s.integer(4, r.first_seen_ns);
    s.integer(5, r.last_new_ns);
    s.integer(6, r.overflow);
}

}  // namespace

ProfileRow row_of(const Profile &p) {
    return {p.key, p.state, p.image_digest, p.first_seen_ns, p.last_new_ns, p.overflow, p.entry_count()};
}

std::unique_ptr<ProfileDb> ProfileDb::open(const std::string &path, std::string &error, std::string &notice) {
    bool damaged = false;
    sqlite3 *db = open_checked(path, damaged, error);
    if (!db && damaged) {
        notice = error + "; moved aside to " + move_aside(path) + ", profiles start anew";
        db = open_checked(path, damaged, error);
    }
    if (!db) return nullptr;
    std::unique_ptr<ProfileDb> self(new ProfileDb(db, path));
    // WAL: readers do not block the writer; NORMAL: a killed process loses
    // no committed batch (only a power loss may lose the last ones)
    if (!self->exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL", error) || !self->migrate(error))
        return nullptr;
    return self;
}

ProfileDb::~ProfileDb() { sqlite3_close(db_); }

bool ProfileDb::exec(const char *sql, std::string &error) {
    char *message = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) == SQLITE_OK) return true;
    error = "profiles database " + path_ + ": " + (message ? message : sqlite3_errmsg(db_));
    sqlite3_free(message);
    return false;
}

bool ProfileDb::migrate(std::string &error) {
    Statement version(db_, "PRAGMA user_version");
    if (!version || sqlite3_step(version.get()) != SQLITE_ROW) {
        error = db_error(db_, "profiles database " + path_);
        return false;
    }
    const int from = int(version.column_integer(0));
    if (from > kSchemaVersion) {
        error = "profiles database " + path_ + ": schema version " + std::to_string(from) +
                " is newer than this crowsnest knows (" + std::to_string(kSchemaVersion) + ")";
        return false;
    }
    for (int v = from; v < kSchemaVersion; v++) {
        const std::string sql = std::string("BEGIN;") + kMigrations[v] + "PRAGMA user_version = " +
                                std::to_string(v + 1) + ";COMMIT;";
        if (!exec(sql.c_str(), error)) {
            exec("ROLLBACK", error);
            return false;
        }
    }
    return true;
}

bool ProfileDb::list(std::vector<ProfileRow> &out, std::string &error) {
    Statement s(db_, "SELECT p.key, p.state, p.image_digest, p.first_seen_ns, p.last_new_ns, p.overflow,"
                     " (SELECT count(*) FROM entries e WHERE e.profile = p.key) FROM profiles p ORDER BY p.key");
    if (!s) {
        error = db_error(db_, "profiles database " + path_);
        return false;
    }
    while (sqlite3_step(s.get()) == SQLITE_ROW) {
        out.push_back(read_row(s));
        out.back().entries = s.column_integer(6);
    }
    return true;
}

bool ProfileDb::load(std::vector<Profile> &out, std::string &error) {
    std::vector<ProfileRow> rows;
    if (!list(rows, error)) return false;
    for (auto &r : rows) {
        bool found = false;
        out.emplace_back();
        if (!load(r.key, out.back(), found, error)) return false;
    }
    return true;
}

bool ProfileDb::load(const std::string &key, Profile &out, bool &found, std::string &error) {
    Statement row(db_, (std::string(kRowColumns) + " WHERE key = ?").c_str());
    Statement entries(db_, "SELECT kind, value FROM entries WHERE profile = ?");
    Statement rates(db_, "SELECT feature, window_ns, median, mad, windows, history FROM rates WHERE profile = ?");
    if (!row || !entries || !rates) {
        error = db_error(db_, "profiles database " + path_);
        return false;
    }
    row.text(1, key);
    found = sqlite3_step(row.get()) == SQLITE_ROW;
    if (!found) return true;
    set_row(out, read_row(row));
    entries.text(1, key);
    EntryKind kind;
    while (sqlite3_step(entries.get()) == SQLITE_ROW)
        if (parse_entry_kind(entries.column_text(0), kind)) out.of(kind).insert(entries.column_text(1));
    rates.text(1, key);
    RateFeature f;
    while (sqlite3_step(rates.get()) == SQLITE_ROW) {
        if (!parse_rate_feature(rates.column_text(0), f)) continue;
        out.rates.window_ns = rates.column_integer(1);
        out.rates.summary[size_t(f)] = {rates.column_real(2), rates.column_real(3), uint32_t(rates.column_integer(4))};
        out.rates.history[size_t(f)] = history_of(rates.column_blob(5));
    }
    return true;
}

bool ProfileDb::apply(const std::vector<ProfileChange> &batch, std::string &error) {
    if (!exec("BEGIN", error)) return false;
    Statement save(db_, kSaveSql), add(db_, kAddSql), clear(db_, kClearSql), drop(db_, kDropSql),
        clear_rates(db_, kClearRatesSql), rates(db_, kRatesSql);
    bool ok = save && add && clear && drop && clear_rates && rates;
    for (size_t i = 0; ok && i < batch.size(); i++) {
        const ProfileChange &c = batch[i];
        switch (c.op) {
        case ProfileChange::Op::Save:
            bind_row(save, c.row);
            ok = save.run();
            break;
        case ProfileChange::Op::AddEntry:
            add.text(1, c.row.key);
            add.text(2, entry_kind_name(c.kind));
            add.text(3, c.value);
            add.integer(4, c.time_ns);
            ok = add.run();
            break;
        case ProfileChange::Op::ClearEntries:
            clear.text(1, c.row.key);
            clear_rates.text(1, c.row.key);
            ok = clear.run() && clear_rates.run();
            break;
        case ProfileChange::Op::Forget:
            clear.text(1, c.row.key);
            clear_rates.text(1, c.row.key);
            drop.text(1, c.row.key);
            ok = clear.run() && clear_rates.run() && drop.run();
            break;
        case ProfileChange::Op::SaveRates:
            ok = save_rates(clear_rates, rates, c.row.key, c.rates);
            break;
        }
    }
    return end_transaction(ok, error);
}

// Commits, or rolls back and says why.
bool ProfileDb::end_transaction(bool ok, std::string &error) {
    if (ok) return exec("COMMIT", error);
    error = db_error(db_, "profiles database " + path_);
    std::string ignored;
    exec("ROLLBACK", ignored);
    return false;
}

bool ProfileDb::replace(const Profile &p, std::string &error) {
    std::vector<ProfileChange> batch;
    batch.push_back({ProfileChange::Op::ClearEntries, row_of(p), EntryKind::Exec, "", 0});
    batch.push_back({ProfileChange::Op::Save, row_of(p), EntryKind::Exec, "", 0});
    for (size_t k = 0; k < kEntryKindCount; k++)
        for (const auto &v : p.entries[k])
            batch.push_back({ProfileChange::Op::AddEntry, {p.key}, EntryKind(k), v, p.last_new_ns});
    batch.push_back({ProfileChange::Op::SaveRates, {p.key}});
    batch.back().rates = p.rates;
    return apply(batch, error);
}

bool ProfileDb::forget(const std::string &key, bool &found, std::string &error) {
    if (!exec("BEGIN", error)) return false;
    Statement entries(db_, kClearSql), rates(db_, kClearRatesSql), row(db_, kDropSql);
    entries.text(1, key);
    rates.text(1, key);
    row.text(1, key);
    const bool ok = entries && rates && row && entries.run() && rates.run() && row.run();
    found = ok && sqlite3_changes(db_) > 0;
    return end_transaction(ok, error);
}

}  // namespace crowsnest
