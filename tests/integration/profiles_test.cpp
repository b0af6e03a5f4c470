// Learned profiles end to end: the real sensor learns a real runc
// container's workload, locks its profile, stays quiet on reruns of the same
// work, reports a new binary and a new connection with the container's id,
// and keeps the profile in SQLite across a restart.
#include <random>
#include <set>

#include "harness.h"
#include "loopback_listener.h"
#include "profile_helpers.h"

using namespace crowsnest;
using namespace crowsnest::test;

namespace {

// The workload's normal work, with some randomness: how many requests, and
// which file names under its data directory.
std::string normal_work(uint16_t port, std::mt19937 &rng) {
    const int requests = 1 + int(rng() % 4);
    std::string files;
    for (int i = 0; i < requests; i++) files += " f" + std::to_string(rng() % 100000);
    return "mkdir -p /tmp/data/run" + std::to_string(rng() % 1000) + " && cd /tmp/data && cat /etc/hostname >/dev/null"
           " && for f in" + files + "; do echo x > $f; nc -w 1 127.0.0.1 " + std::to_string(port) +
           " </dev/null; done";
}

}  // namespace

TEST_CASE("profiles: a runc workload is learned, locked, quiet on reruns, and its new binary and connection are "
          "anomalies, across a restart",
          "[integration]") {
    const std::string dir = temp_dir(), db = dir + "/profiles.db", rules = dir + "/profile_rules.yaml";
    // a rule of the user's that reads the profile's outcome, beside the shipped rules
    REQUIRE(run_shell("printf '%s\\n' '- rule: dropped_program_new_to_profile' '  desc: new and dropped' "
                      "'  condition: evt.type = execve and profile.new = true and proc.is_exe_upper_layer = true' "
                      "'  output: \"New dropped program %proc.exepath (%profile.new.kind, %profile.state)\"' "
                      "'  priority: WARNING' > " + rules) == 0);
    const std::vector<std::string> args = {"--profiles", db, "--profile-learning", "5s", "--profile-quiet", "2s",
                                           "--rules", CROWSNEST_DEFAULT_RULES, "--rules", rules};
    std::mt19937 rng{std::random_device{}()};
    LoopbackListener usual, other;
    const std::string id = random_container_id(), key = "id:" + id;
    RuncContainer c;
    {
        SensorProcess sensor;
        START_SENSOR(sensor, args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7], args[8], args[9]);
        START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .overlay_rootfs = true}));
        learn([&] { REQUIRE(c.exec(normal_work(usual.port, rng)) == 0); });

        // the same work again, ten times with other counts and names: nothing is new
        for (int i = 0; i < 10; i++) REQUIRE(c.exec(normal_work(usual.port, rng)) == 0);
        // the new things: a program dropped in /tmp, a connection to another port
        REQUIRE(c.exec("cp /bin/busybox /tmp/helper && { /tmp/helper; true; }") == 0);
        REQUIRE(c.exec(connect_to(other.port)) == 0);

        v1::Verdict exec, connect;
        const auto novelty = [&](const char *rule, const std::string &value, v1::Verdict *found) {
            return sensor.wait_verdict(
                [&](const v1::Verdict &v) {
                    return v.rule() == rule && v.container().id() == id &&
                           v.output_fields().at("profile.new.value") == value;
                },
                found);
        };
        REQUIRE(novelty("profile_new_exec", "/tmp/helper [upper]", &exec));
        CHECK(exec.category() == "anomaly");
        CHECK(exec.severity() == "medium");  // the drift rule fired on the same exec
        CHECK(exec.output() == "First exec of /tmp/helper [upper] by sh in " + key);
        CHECK(exec.process().exe() == "/tmp/helper");
        CHECK(exec.output_fields().at("profile.key") == key);
        CHECK(exec.output_fields().at("profile.new.kind") == "exec");
        CHECK(exec.tags_size() > 0);
        const std::string dst = "127.0.0.0/24:" + std::to_string(other.port);
        REQUIRE(novelty("profile_new_connect", dst, &connect));
        CHECK(connect.severity() == "low");
        CHECK_THAT(connect.output(), Catch::StartsWith("First connection to 127.0.0.1:" + std::to_string(other.port) +
                                                       " (" + dst + ") by ") &&
                                         Catch::EndsWith(" in " + key));
        CHECK(connect.event().dst_port() == other.port);
        REQUIRE(novelty("profile_new_write_prefix", "/tmp", nullptr));
        v1::Verdict user_rule;
        REQUIRE(sensor.wait_verdict(
            [&](const v1::Verdict &v) { return v.rule() == "dropped_program_new_to_profile" && v.container().id() == id; },
            &user_rule));
        CHECK(user_rule.output() == "New dropped program /tmp/helper (exec, locked)");
        for (const auto &v : sensor.verdicts())  // nothing known fires it
            if (v.rule() == "dropped_program_new_to_profile") CHECK(v.process().exe() == "/tmp/helper");
        // exactly the new things, each once (busybox's cp runs inside the shell: no exec)
        const auto all = anomalies_of(sensor, id);
        INFO(names(all));
        std::set<std::pair<std::string, std::string>> seen;
        for (const auto &v : all) seen.emplace(v.rule(), v.output_fields().at("profile.new.value"));
        CHECK(seen == std::set<std::pair<std::string, std::string>>{
                          {"profile_new_write_prefix", "/tmp"},
                          {"profile_new_exec", "/tmp/helper [upper]"},
                          {"profile_new_exec_pair", "/bin/sh -> /tmp/helper"},
                          {"profile_new_connect", dst}});
        CHECK(all.size() == seen.size());
        const std::string log = sensor.stop();
        CHECK_THAT(log, Catch::Contains("profiles.locked 1"));
    }

    std::string listing;
    REQUIRE(run_shell(std::string(CROWSNEST_BINARY) + " profiles --db " + db + " list", &listing) == 0);
    CHECK_THAT(listing, Catch::Contains("locked"));
    CHECK_THAT(listing, Catch::Contains(key));

    // a restarted sensor knows the profile, locked: known work is quiet, the same novelty is new to this run
    SensorProcess sensor;
    START_SENSOR(sensor, args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7], args[8], args[9]);
    REQUIRE(c.exec(normal_work(usual.port, rng)) == 0);
    REQUIRE(c.exec(connect_to(other.port)) == 0);
    REQUIRE(sensor.wait_verdict(
        [&](const v1::Verdict &v) { return v.rule() == "profile_new_connect" && v.container().id() == id; }));
    const auto after = anomalies_of(sensor, id);
    INFO(names(after));
    CHECK(after.size() == 1);
    const std::string log = sensor.stop();
    CHECK_THAT(log, Catch::Contains("profiles database " + db + ": 1 profiles"));
    run_shell("rm -rf " + dir);
}

TEST_CASE("profiles: a sensor given a damaged database says so, keeps it aside and starts with no profiles",
          "[integration]") {
    const std::string dir = temp_dir(), db = dir + "/profiles.db";
    REQUIRE(run_shell("head -c 16384 /dev/urandom > " + db) == 0);
    SensorProcess sensor;
    START_SENSOR(sensor, "--profiles", db);
    const std::string log = sensor.stop();
    CHECK_THAT(log, Catch::Contains("crowsnest: profiles database " + db + ": file is not a database; moved aside to " +
                                    db + ".corrupt-"));
    CHECK_THAT(log, Catch::Contains("crowsnest: profiles database " + db + ": 0 profiles"));
    std::string aside;
    CHECK(run_shell("ls " + db + ".corrupt-*", &aside) == 0);
    run_shell("rm -rf " + dir);
}

TEST_CASE("profiles: a web server learned under requests is quiet on ten reruns, a dropped CGI script it runs is "
          "an anomaly",
          "[integration]") {
    if (!have_tool("busybox")) SKIP_OR_FAIL("busybox is needed (scripts/setup.sh installs it)");
    const std::string dir = temp_dir(), db = dir + "/profiles.db";
    SensorProcess sensor;
    START_SENSOR(sensor, "--profiles", db, "--profile-learning", "5s", "--profile-quiet", "2s");
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .extra_links = {"httpd"}}));
    const std::string url = "http://127.0.0.1:" + std::to_string(unused_loopback_port());
    REQUIRE(c.exec("mkdir -p /tmp/www/cgi-bin && echo hello > /tmp/www/index.html && "
                   "printf '#!/bin/sh\\necho Content-Type: text/plain\\necho\\ncat /etc/hostname\\n' > "
                   "/tmp/www/cgi-bin/status.cgi && chmod +x /tmp/www/cgi-bin/status.cgi && "
                   "httpd -p " + url.substr(7) + " -h /tmp/www") == 0);
    // requests from the host: pages, the CGI script, and missing pages under random names
    std::mt19937 rng{std::random_device{}()};
    const auto requests = [&] {
        const int n = 3 + int(rng() % 8);
        for (int i = 0; i < n; i++) {
            const char *paths[] = {"/index.html", "/cgi-bin/status.cgi", "/missing-"};
            std::string path = paths[rng() % 3];
            if (path.back() == '-') path += std::to_string(rng() % 100000);
            run_shell("busybox wget -q -O /dev/null " + url + path + " 2>/dev/null");
        }
    };
    learn([&] {
        requests();
        run_shell("busybox wget -q -O /dev/null " + url + "/cgi-bin/status.cgi");  // each round has it once
    });
    for (int i = 0; i < 10; i++) requests();
    // the reruns' last events are in before the anomaly is made
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const auto quiet = anomalies_of(sensor, id);
    INFO(names(quiet));
    CHECK(quiet.empty());

    // a web shell: a script dropped beside the known one, then requested
    REQUIRE(c.exec("printf '#!/bin/sh\\necho Content-Type: text/plain\\necho\\ncat /etc/hostname\\n' > "
                   "/tmp/www/cgi-bin/ws.cgi && chmod +x /tmp/www/cgi-bin/ws.cgi") == 0);
    run_shell("busybox wget -q -O /dev/null " + url + "/cgi-bin/ws.cgi");
    v1::Verdict exec;
    REQUIRE(sensor.wait_verdict(
        [&](const v1::Verdict &v) {
            return v.rule() == "profile_new_exec" && v.container().id() == id &&
                   v.output_fields().at("profile.new.value") == "/tmp/www/cgi-bin/ws.cgi";
        },
        &exec));
    CHECK(exec.process().exe() == "/tmp/www/cgi-bin/ws.cgi");
    for (const auto &v : anomalies_of(sensor, id)) {
        INFO(v.output());
        // the script, its parent pair and its child pair; nothing the known work does
        CHECK((v.rule() == "profile_new_exec" || v.rule() == "profile_new_exec_pair"));
        CHECK_THAT(v.output(), Catch::Contains("ws.cgi"));
    }
    c.exec("killall httpd 2>/dev/null; true");
    sensor.stop();
    run_shell("rm -rf " + dir);
}
