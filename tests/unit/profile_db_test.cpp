// The profiles in the real SQLite: round trip through the writer, restart,
// a damaged file, a newer schema, and a writer killed mid-batch.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "profile/profile_db.h"
#include "profile/profile_writer.h"
#include "profile_scenes.h"
#include "test_util.h"

using namespace crowsnest;
using namespace crowsnest::test;

namespace {

std::unique_ptr<ProfileDb> open_db(const std::string &path) {
    std::string error, notice;
    auto db = ProfileDb::open(path, error, notice);
    INFO(error);
    REQUIRE(db);
    CHECK(notice.empty());
    return db;
}

// One value read or set with the sqlite3 library itself, beside ProfileDb.
std::string sql_value(const std::string &path, const std::string &sql) {
    sqlite3 *db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt *stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
    std::string value;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
        value = reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return value;
}

}  // namespace

TEST_CASE("profile db: what a profiler learns survives a restart, locked state included", "[profile]") {
    TempDir dir;
    const std::string path = dir / "profiles.db";
    const std::string key = "id:" + kContainerId;
    {
        auto db = open_db(path);
        ProfileWriter writer(*db, std::chrono::milliseconds(50));
        Profiler p(quick_profiles(), &writer);
        observe(p, exec_scene("/usr/sbin/nginx", {"nginx"}), 0);
        observe(p, connect_unix_scene("/run/app.sock"), kMinute);
        p.maintain(20 * kMinute);
        writer.flush();
        CHECK(writer.counters().lost == 0);
        CHECK(writer.counters().batches >= 1);
    }
    CHECK(sql_value(path, "PRAGMA journal_mode") == "wal");
    CHECK(sql_value(path, "PRAGMA user_version") == std::to_string(ProfileDb::kSchemaVersion));
    auto db = open_db(path);
    std::vector<Profile> kept;
    std::string error;
    REQUIRE(db->load(kept, error));
    REQUIRE(kept.size() == 1);
    CHECK(kept[0].key == key);
    CHECK(kept[0].state == ProfileState::Locked);
    CHECK(kept[0].first_seen_ns == 0);
    CHECK(kept[0].last_new_ns == kMinute);
    CHECK(kept[0].of(EntryKind::Exec).count("/usr/sbin/nginx"));
    CHECK(kept[0].of(EntryKind::ExecPair).count("/bin/sh -> /usr/sbin/nginx"));
    CHECK(kept[0].of(EntryKind::Connect).count("unix:/run/app.sock"));

    // a restarted sensor detects with it at once
    Profiler restarted(quick_profiles(), nullptr);
    restarted.restore(std::move(kept));
    CHECK(observe(restarted, exec_scene("/usr/sbin/nginx", {"nginx"}), 30 * kMinute).empty());
    CHECK(observe(restarted, exec_scene("/tmp/x", {"x"}), 30 * kMinute).size() == 2);

    std::vector<ProfileRow> rows;
    REQUIRE(db->list(rows, error));
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].entries == 3);
    bool found = false;
    REQUIRE(db->forget(key, found, error));
    CHECK(found);
    REQUIRE(db->forget(key, found, error));
    CHECK_FALSE(found);
}

TEST_CASE("profile db: a profiler's import, lock, relearn and forget are written through", "[profile]") {
    TempDir dir;
    const std::string path = dir / "profiles.db";
    auto db = open_db(path);
    const auto load = [&](const std::string &key, Profile &out) {
        out = Profile{};
        bool found = false;
        std::string error;
        REQUIRE(db->load(key, out, found, error));
        return found;
    };
    {
        ProfileWriter writer(*db, std::chrono::milliseconds(50));
        Profiler p(quick_profiles(), &writer);
        Profile imported;
        imported.key = "web@nginx";
        imported.of(EntryKind::Exec).insert("/usr/sbin/nginx");
        std::string error;
        REQUIRE(p.import(imported, error));
        observe(p, exec_scene("/usr/sbin/nginx", {"nginx"}), kMinute);
        REQUIRE(p.lock("web@nginx"));
        REQUIRE(p.relearn("id:" + kContainerId, 2 * kMinute));
        writer.flush();
        Profile kept;
        REQUIRE(load("web@nginx", kept));
        CHECK(kept.state == ProfileState::Locked);
        CHECK(kept.of(EntryKind::Exec).count("/usr/sbin/nginx"));
        REQUIRE(load("id:" + kContainerId, kept));
        CHECK(kept.state == ProfileState::Learning);
        CHECK(kept.entry_count() == 0);
        CHECK(kept.first_seen_ns == 2 * kMinute);
        REQUIRE(p.forget("web@nginx"));
        writer.flush();
    }
    Profile gone;
    CHECK_FALSE(load("web@nginx", gone));
    CHECK(sql_value(path, "SELECT count(*) FROM entries WHERE profile = 'web@nginx'") == "0");
}

TEST_CASE("profile db: a file that is not a database is moved aside with a clear notice, and a fresh one starts",
          "[profile]") {
    TempDir dir;
    const std::string path = dir / "profiles.db";
    write_file(path, std::string(8192, 'x'));
    std::string error, notice;
    auto db = ProfileDb::open(path, error, notice);
    REQUIRE(db);
    CHECK_THAT(notice, Catch::Contains("profiles database " + path + ": file is not a database; moved aside to " +
                                       path + ".corrupt-"));
    CHECK_THAT(notice, Catch::EndsWith("profiles start anew"));
    std::vector<Profile> kept;
    REQUIRE(db->load(kept, error));
    CHECK(kept.empty());
    size_t aside = 0;
    for (const auto &f : std::filesystem::directory_iterator(dir.path()))
        aside += f.path().filename().string().rfind("profiles.db.corrupt-", 0) == 0;
    CHECK(aside == 1);
}

TEST_CASE("profile db: damaged pages are found, the file moved aside", "[profile]") {
    TempDir dir;
    const std::string path = dir / "profiles.db";
    {
        auto db = open_db(path);
        Profile p;
        p.key = "web@nginx";
        for (int i = 0; i < 2000; i++) p.of(EntryKind::Exec).insert("/usr/bin/tool-" + std::to_string(i));
        std::string error;
        REQUIRE(db->replace(p, error));
    }  // the last connection closed: the WAL is checkpointed into the file
    {
        // scribble over the middle of the file: b-tree pages, not the header
        const auto size = std::filesystem::file_size(path);
        std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(std::streamoff(size / 2));
        const std::string junk(8192, '\xa5');
        f.write(junk.data(), std::streamsize(junk.size()));
    }
    std::string error, notice;
    auto db = ProfileDb::open(path, error, notice);
    REQUIRE(db);
    CHECK_THAT(notice, Catch::Contains("moved aside"));
}

TEST_CASE("profile db: a schema newer than this crowsnest is refused, not overwritten", "[profile]") {
    TempDir dir;
    const std::string path = dir / "profiles.db";
    open_db(path);
    sql_value(path, "PRAGMA user_version = " + std::to_string(ProfileDb::kSchemaVersion + 1));
    std::string error, notice;
    CHECK_FALSE(ProfileDb::open(path, error, notice));
    CHECK(error == "profiles database " + path + ": schema version " + std::to_string(ProfileDb::kSchemaVersion + 1) +
                       " is newer than this crowsnest knows (" + std::to_string(ProfileDb::kSchemaVersion) + ")");
    CHECK(std::filesystem::exists(path));
    CHECK_FALSE(ProfileDb::open((dir / "missing") + "/profiles.db", error, notice));
    CHECK_THAT(error, Catch::Contains("unable to open database file"));
}

TEST_CASE("profile db: a version 1 file is brought forward, and rates are kept, summary and history", "[profile]") {
    TempDir dir;
    const std::string path = dir / "profiles.db";
    // a file as the first schema made it, with a profile in it
    sql_value(path, "CREATE TABLE profiles (key TEXT PRIMARY KEY, state TEXT NOT NULL, image_digest TEXT NOT NULL,"
                    " first_seen_ns INTEGER NOT NULL, last_new_ns INTEGER NOT NULL, overflow INTEGER NOT NULL)");
    sql_value(path, "CREATE TABLE entries (profile TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL,"
                    " first_seen_ns INTEGER NOT NULL, PRIMARY KEY (profile, kind, value)) WITHOUT ROWID");
    sql_value(path, "INSERT INTO profiles VALUES ('web@nginx', 'locked', '', 0, 0, 0)");
    sql_value(path, "PRAGMA user_version = 1");
    auto db = open_db(path);
    CHECK(sql_value(path, "PRAGMA user_version") == "2");
    Profile p;
    bool found = false;
    std::string error;
    REQUIRE(db->load("web@nginx", p, found, error));
    REQUIRE(found);
    CHECK(p.rates.window_ns == 0);

    p.rates.window_ns = 60ull * 1000000000ull;
    p.rates.summary[size_t(RateFeature::Writes)] = {12, 3, 3};
    p.rates.history[size_t(RateFeature::Writes)] = {9, 12, 300};
    REQUIRE(db->replace(p, error));
    Profile back;
    REQUIRE(db->load("web@nginx", back, found, error));
    CHECK(back.rates.window_ns == p.rates.window_ns);
    CHECK(back.rates.summary[size_t(RateFeature::Writes)].median == 12);
    CHECK(back.rates.summary[size_t(RateFeature::Writes)].windows == 3);
    CHECK(back.rates.history[size_t(RateFeature::Writes)] == std::vector<uint16_t>{9, 12, 300});
    REQUIRE(db->forget("web@nginx", found, error));
    CHECK(sql_value(path, "SELECT count(*) FROM rates") == "0");
}

TEST_CASE("profile db: a writer killed during its batches loses at most the last one, never the file",
          "[profile]") {
    TempDir dir;
    const std::string path = dir / "profiles.db";
    open_db(path);  // created before the child writes
    constexpr int kBatch = 200;
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        std::string error, notice;
        auto db = ProfileDb::open(path, error, notice);
        if (!db) _exit(1);
        std::vector<ProfileChange> batch;
        for (int n = 0;; n++) {
            batch.clear();
            batch.push_back({ProfileChange::Op::Save, {"web@nginx"}});
            for (int i = 0; i < kBatch; i++)
                batch.push_back({ProfileChange::Op::AddEntry, {"web@nginx"}, EntryKind::Connect,
                                 "10.0." + std::to_string(n) + "." + std::to_string(i) + ":80", 0});
            if (!db->apply(batch, error)) _exit(2);
        }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    REQUIRE(WIFSIGNALED(status));
    auto db = open_db(path);  // quick_check passes: no notice
    std::vector<ProfileRow> rows;
    std::string error;
    REQUIRE(db->list(rows, error));
    REQUIRE(rows.size() == 1);
    INFO(rows[0].entries << " entries kept");
    CHECK(rows[0].entries > 0);
    CHECK(rows[0].entries % kBatch == 0);  // whole batches only
}

TEST_CASE("profile writer: past its queue's cap changes are counted as lost", "[profile]") {
    TempDir dir;
    auto db = open_db(dir / "profiles.db");
    ProfileWriter writer(*db, std::chrono::hours(1), 3);
    Profile p;
    p.key = "web@nginx";
    for (int i = 0; i < 5; i++) writer.entry_added(p, EntryKind::Exec, "/bin/" + std::to_string(i), 0);
    writer.flush();
    CHECK(writer.counters().written == 3);
    CHECK(writer.counters().lost == 2);
    CHECK(writer.counters().batches == 1);
}
