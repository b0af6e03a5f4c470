// The real sensor killed with SIGKILL in the middle of a write to its
// profiles database (a reader beside it finds the write lock held, and the
// kill follows at once) while it learns a flood of new entries: the file
// stays sound (SQLite's own integrity check), every batch committed before
// the kill is still there, and a sensor restarted on the same file holds
// exactly those.
#include <signal.h>
#include <sqlite3.h>

#include <random>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "crowsnest.grpc.pb.h"
#include "grpc_client.h"
#include "harness.h"

using namespace crowsnest;
using namespace crowsnest::test;

namespace {

// The entries the sensor holds in the profile of `key` (other containers on
// the machine may have profiles of their own).
uint64_t entries_held(const std::string &sock, const std::string &key) {
    v1::ListProfilesResponse listed;
    grpc::ClientContext ctx;
    REQUIRE(v1::Sensor::NewStub(unix_channel(sock))->ListProfiles(&ctx, {}, &listed).ok());
    for (const auto &p : listed.profiles())
        if (p.key() == key) return p.entries();
    return 0;
}

// One number read with SQLite, a reader beside the sensor.
uint64_t sql_number(const std::string &db, const std::string &query) {
    sqlite3 *h = nullptr;
    REQUIRE(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_busy_timeout(h, 5000);
    sqlite3_stmt *stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(h, query.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
    const uint64_t n = uint64_t(sqlite3_column_int64(stmt, 0));
    sqlite3_finalize(stmt);
    sqlite3_close(h);
    return n;
}

std::string integrity(const std::string &db) {
    std::string out;
    REQUIRE(run_shell("sqlite3 " + db + " 'PRAGMA integrity_check'", &out) == 0);
    return out;
}

// Waits until the sensor is inside a write transaction: a writer of our own
// cannot take the lock without waiting. False after `timeout`.
bool wait_for_write(const std::string &db, std::chrono::milliseconds timeout) {
    sqlite3 *h = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
    const auto end = std::chrono::steady_clock::now() + timeout;
    bool writing = false;
    while (!writing && std::chrono::steady_clock::now() < end) {
        const int rc = sqlite3_exec(h, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
        writing = rc == SQLITE_BUSY;
        if (rc == SQLITE_OK) sqlite3_exec(h, "ROLLBACK", nullptr, nullptr, nullptr);
        else if (!writing) FAIL("BEGIN IMMEDIATE: " << sqlite3_errstr(rc));
        // a moment without the lock: the sensor's writer must not be starved of it
        if (!writing) std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    sqlite3_close(h);
    return writing;
}

// A workload in the container that writes under a new directory as fast as
// it can (each one a new entry), until it is destroyed.
class Flood {
public:
    Flood(RuncContainer &c, const std::string &prefix) : c_(c) {
        REQUIRE(c.exec("touch /tmp/go") == 0);
        thread_ = std::thread([&c, prefix] {
            c.exec("i=0; while [ -e /tmp/go ]; do i=$((i+1)); mkdir " + prefix + "$i && echo x > " + prefix +
                   "$i/f; done");
        });
    }
    ~Flood() {
        c_.exec("rm -f /tmp/go");
        thread_.join();
    }

private:
    RuncContainer &c_;
    std::thread thread_;
};

}  // namespace

TEST_CASE("profiles: a sensor killed with SIGKILL while it writes many new entries leaves a sound database, "
          "restarted on it holds every committed batch",
          "[integration]") {
    if (!have_tool("sqlite3")) SKIP_OR_FAIL("the sqlite3 shell is needed (scripts/setup.sh installs it)");
    const std::string dir = temp_dir(), db = dir + "/profiles.db", sock = dir + "/crowsnest.sock";
    // learning all along, with room for every entry: each new directory is a change to write
    const std::vector<std::string> args = {"--profiles", db, "--profile-learning", "1h", "--profile-max-entries",
                                           "1000000", "--profile-max-total", "10000000", "--grpc-socket", sock};
    const std::string id = random_container_id(), key = "id:" + id;
    const std::string kept_sql = "SELECT count(*) FROM entries WHERE profile = '" + key + "'";
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id)}));
    std::mt19937 rng{std::random_device{}()};
    uint64_t kept_before = 0;
    for (int round = 0; round < 3; round++) {
        INFO("round " << round);
        SensorProcess sensor;
        START_SENSOR(sensor, args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7], args[8],
                     args[9]);
        // a restarted sensor holds what the database kept, before any new event
        CHECK(entries_held(sock, key) == kept_before);
        auto flood = std::make_unique<Flood>(c, "/tmp/r" + std::to_string(round) + "x");
        // batches are being written; a random moment in the flood, then the next write
        for (int i = 0; i < 200 && sql_number(db, kept_sql) < kept_before + 50; i++)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 1000));
        const uint64_t committed = sql_number(db, kept_sql);
        REQUIRE(wait_for_write(db, std::chrono::seconds(10)));
        REQUIRE(kill(sensor.pid(), SIGKILL) == 0);
        sensor.stop();  // reaps it
        flood.reset();

        CHECK(integrity(db) == "ok\n");
        const uint64_t kept = sql_number(db, kept_sql);
        INFO(committed << " entries seen committed before the kill, " << kept << " kept");
        CHECK(kept >= committed);  // nothing committed is lost: at most the interrupted batch
        CHECK(committed > kept_before);  // this round wrote before the kill
        WARN("round " << round << ": killed inside a write transaction; " << committed - kept_before
                      << " entries of this run seen committed before, " << kept - kept_before << " kept");
        kept_before = kept;
    }
    SensorProcess sensor;
    START_SENSOR(sensor, args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7], args[8], args[9]);
    CHECK(entries_held(sock, key) == kept_before);
    CHECK_THAT(sensor.stop(), !Catch::Contains("moved aside"));
    run_shell("rm -rf " + dir);
}
