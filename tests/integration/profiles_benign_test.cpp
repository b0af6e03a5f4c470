// The false-positive figure of learned profiles on benign workloads in real
// runc containers with a Debian userland (the host's /usr, read-only): a
// build (make and gcc), a database client with a cache on loopback, a
// cron-style job, and package queries. Each is learned, locked, then run ten
// more times varied (other arguments, files, counts and timing); every
// anomaly verdict of those reruns is a false positive, rates included. Then
// one of them does something new, which must be reported: the profiles are
// live, not blind.
#include <random>

#include "harness.h"
#include "loopback_listener.h"
#include "profile_helpers.h"

using namespace crowsnest;
using namespace crowsnest::test;

namespace {

std::string pick(std::mt19937 &rng, std::initializer_list<const char *> choices) {
    return *(choices.begin() + rng() % choices.size());
}

std::string number(std::mt19937 &rng, unsigned below) { return std::to_string(rng() % below); }

struct Workload {
    const char *name;
    const char *setup;
    std::function<std::string(std::mt19937 &)> run;
};

std::vector<Workload> workloads(uint16_t cache_port) {
    return {
        {"build", "mkdir -p /tmp/build && cd /tmp/build && "
                  "printf 'prog: $(OBJS)\\n\\tgcc -o prog $(OBJS)\\n%%.o: %%.c\\n\\tgcc -O$(O) -c $<\\n' > Makefile",
         [](std::mt19937 &rng) {
             // one to three sources, other contents and optimisation each time
             const unsigned k = 1 + rng() % 3;
             std::string objs = "main.o", sources = "printf 'int main(void) { return 0; }\\n' > main.c";
             for (unsigned i = 1; i <= k; i++) {
                 const std::string f = "f" + std::to_string(i);
                 sources += " && printf 'int " + f + "(void) { return " + number(rng, 1000) + "; }\\n' > " + f + ".c";
                 objs += " " + f + ".o";
             }
             return "cd /tmp/build && rm -f *.o prog && " + sources + " && make -s O=" + number(rng, 3) +
                    " OBJS='" + objs + "' && ./prog";
         }},
        {"database client", "mkdir -p /tmp/db && sqlite3 /tmp/db/app.db "
                            "'CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT)'",
         [cache_port](std::mt19937 &rng) {
             // a write, a read, then one to four cache lookups on loopback
             const std::string k = number(rng, 50);
             return "sqlite3 /tmp/db/app.db \"INSERT OR REPLACE INTO kv VALUES ('k" + k + "', 'v" +
                    number(rng, 100000) + "'); SELECT v FROM kv WHERE k = 'k" + number(rng, 50) +
                    "'; SELECT count(*) FROM kv;\" >/dev/null && for i in $(seq 1 " + std::to_string(1 + rng() % 4) +
                    "); do busybox nc -w 1 127.0.0.1 " + std::to_string(cache_port) + " </dev/null; done";
         }},
        {"cron job", "mkdir -p /tmp/cron",
         [](std::mt19937 &rng) {
             // a periodic job: a random wait, a timestamp, a compressed report, old reports pruned
             return "sleep 0." + number(rng, 5) + " && date +%s > /tmp/cron/last && gzip -c /etc/hostname > "
                    "/tmp/cron/report-" + number(rng, 24) + ".gz && find /tmp/cron -name '*.gz' -mmin +60 -delete";
         }},
        {"package query", "true",
         [](std::mt19937 &rng) {
             return "dpkg -l | head -n " + std::to_string(5 + rng() % 20) + " >/dev/null; dpkg -S " +
                    pick(rng, {"/usr/bin/make", "/usr/bin/find", "/usr/bin/sqlite3", "/usr/bin/seq", "/usr/bin/head"}) +
                    " >/dev/null && dpkg-query -W -f='${Version}\\n' " +
                    pick(rng, {"coreutils", "make", "gzip", "findutils", "sed", "dpkg"}) + " >/dev/null";
         }},
    };
}

}  // namespace

TEST_CASE("profiles: a build, a database client, a cron job and package queries in runc containers give no anomaly "
          "in ten varied reruns after learning, rates included",
          "[integration]") {
    if (!have_tool("gcc") || !have_tool("make") || !have_tool("sqlite3") || !have_tool("dpkg"))
        SKIP_OR_FAIL("gcc, make, sqlite3 and dpkg are needed on the host (scripts/setup.sh installs them)");
    const std::string dir = temp_dir(), db = dir + "/profiles.db";
    SensorProcess sensor;
    // windows of a second, so that the learning time holds enough of them for rates
    START_SENSOR(sensor, "--profiles", db, "--profile-learning", "20s", "--profile-quiet", "3s", "--profile-window",
                 "1s", "--profile-rate-min-windows", "5");
    LoopbackListener cache;
    const auto all = workloads(cache.port);
    std::vector<std::unique_ptr<RuncContainer>> containers;
    std::vector<std::string> ids;
    for (const auto &w : all) {
        ids.push_back(random_container_id());
        containers.push_back(std::make_unique<RuncContainer>());
        START_CONTAINER(*containers.back(), (ContainerSpec{.cgroups_path = docker_path(ids.back()), .host_userland = true}));
        INFO(w.name);
        REQUIRE(containers.back()->exec(w.setup) == 0);
    }
    std::mt19937 rng{std::random_device{}()};
    const auto round = [&] {
        for (size_t i = 0; i < all.size(); i++) {
            INFO(all[i].name);
            REQUIRE(containers[i]->exec(all[i].run(rng)) == 0);
        }
    };
    const auto learning_end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < learning_end) round();
    std::this_thread::sleep_for(std::chrono::seconds(3) + std::chrono::milliseconds(500));

    for (int rerun = 0; rerun < 10; rerun++) {
        round();
        std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 700));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the last events are in
    size_t false_positives = 0;
    for (size_t i = 0; i < all.size(); i++) {
        const auto found = anomalies_of(sensor, ids[i]);
        WARN(all[i].name << ": " << found.size() << " anomaly verdicts in 10 reruns\n" << names(found));
        false_positives += found.size();
    }
    CHECK(false_positives == 0);

    // something new in the build container, and a burst of failed connects from the database client:
    // reported, so the zero above is not blindness
    REQUIRE(containers[0]->exec("cd /tmp/build && id >/dev/null") == 0);
    REQUIRE(sensor.wait_verdict([&](const v1::Verdict &v) {
        return v.rule() == "profile_new_exec" && v.container().id() == ids[0] &&
               v.output_fields().at("profile.new.value") == "/usr/bin/id";
    }));
    REQUIRE(containers[1]->exec("for i in $(seq 1 30); do busybox nc -w 1 127.0.0.1 " +
                                std::to_string(unused_loopback_port()) + " </dev/null; done; true") == 0);
    v1::Verdict burst;
    REQUIRE(sensor.wait_verdict(
        [&](const v1::Verdict &v) { return v.rule() == "profile_rate_failed_connects" && v.container().id() == ids[1]; },
        &burst));
    WARN(burst.output());
    CHECK(burst.output_fields().at("profile.rate.feature") == "failed_connects");
    CHECK(std::stod(burst.output_fields().at("profile.rate.score")) >= 6);
    sensor.stop();
    run_shell("rm -rf " + dir);
}
