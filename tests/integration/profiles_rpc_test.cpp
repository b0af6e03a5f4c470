// The profile RPCs end to end: a real sensor with --profiles serves its live
// profiles of a real runc container over gRPC; a lock, an import, a relearn
// and a forget hold from the next event on, reach the database, and bad
// requests get their status and a message that says what is wrong. The
// `crowsnest profiles` command talks to the same sensor over its socket.
#include <grpcpp/grpcpp.h>

#include <fstream>

#include "crowsnest.grpc.pb.h"
#include "grpc_client.h"
#include "harness.h"
#include "loopback_listener.h"
#include "profile_helpers.h"

using namespace crowsnest;
using namespace crowsnest::test;

namespace {

struct Profiles {
    std::unique_ptr<v1::Sensor::Stub> stub;

    grpc::Status list(v1::ListProfilesResponse &out) {
        grpc::ClientContext ctx;
        return stub->ListProfiles(&ctx, {}, &out);
    }
    grpc::Status get(const std::string &key, v1::GetProfileResponse &out) {
        grpc::ClientContext ctx;
        return stub->GetProfile(&ctx, request(key), &out);
    }
    grpc::Status import(const std::string &yaml, const std::string &file, v1::ProfileResponse &out) {
        v1::ImportProfileRequest req;
        req.set_yaml(yaml);
        req.set_file(file);
        grpc::ClientContext ctx;
        return stub->ImportProfile(&ctx, req, &out);
    }
    grpc::Status lock(const std::string &key, v1::ProfileResponse &out) {
        grpc::ClientContext ctx;
        return stub->LockProfile(&ctx, request(key), &out);
    }
    grpc::Status relearn(const std::string &key, v1::ProfileResponse &out) {
        grpc::ClientContext ctx;
        return stub->RelearnProfile(&ctx, request(key), &out);
    }
    grpc::Status forget(const std::string &key, v1::ProfileResponse &out) {
        grpc::ClientContext ctx;
        return stub->ForgetProfile(&ctx, request(key), &out);
    }
    static v1::ProfileRequest request(const std::string &key) {
        v1::ProfileRequest r;
        r.set_key(key);
        return r;
    }

    // Waits until the profile's YAML satisfies `pred` (the engine has taken
    // the container's last events).
    bool wait_yaml(const std::string &key, const std::function<bool(const std::string &)> &pred) {
        for (int i = 0; i < 100; i++) {
            v1::GetProfileResponse r;
            if (get(key, r).ok() && pred(r.yaml())) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return false;
    }
};

bool has(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

// The listed profiles of one container (others on the machine, e.g. another
// test run's, have their own).
std::vector<const v1::ProfileSummary *> listed_for(const v1::ListProfilesResponse &listed, const std::string &key) {
    std::vector<const v1::ProfileSummary *> out;
    for (const auto &p : listed.profiles())
        if (p.key() == key) out.push_back(&p);
    return out;
}

// A command's exit status; `out` is replaced by what it wrote (stdout and stderr).
int command(const std::string &cmd, std::string &out) {
    out.clear();
    return run_shell(cmd, &out);
}

}  // namespace

TEST_CASE("profiles over gRPC: list, lock, import an edited profile, relearn and forget a live profile of a runc "
          "container, each holding from the next event",
          "[integration][grpc]") {
    const std::string dir = temp_dir(), db = dir + "/profiles.db", sock = dir + "/crowsnest.sock";
    SensorProcess sensor;
    // learning lasts longer than the test: only the RPCs lock the profile
    START_SENSOR(sensor, "--profiles", db, "--profile-learning", "1h", "--grpc-socket", sock);
    LoopbackListener usual, edited, other;
    const std::string id = random_container_id(), key = "id:" + id;
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .overlay_rootfs = true}));
    Profiles rpc{v1::Sensor::NewStub(unix_channel(sock))};
    const std::string cli = std::string(CROWSNEST_BINARY) + " profiles --socket " + sock;

    REQUIRE(c.exec(connect_to(usual.port)) == 0);
    REQUIRE(rpc.wait_yaml(key, [&](const std::string &y) { return has(y, ":" + std::to_string(usual.port)); }));
    v1::ListProfilesResponse listed;
    REQUIRE(rpc.list(listed).ok());
    const auto ours = listed_for(listed, key);
    REQUIRE(ours.size() == 1);
    CHECK(ours[0]->state() == "learning");
    CHECK(ours[0]->entries() >= 3);  // the shell, nc, the pair, the destination
    std::string out;
    REQUIRE(command(cli + " list", out) == 0);
    CHECK_THAT(out, Catch::Matches("learning +[0-9]+  " + key + "\n"));

    SECTION("lock: the next new program is an anomaly") {
        v1::ProfileResponse locked;
        REQUIRE(rpc.lock(key, locked).ok());
        CHECK(locked.profile().state() == "locked");
        REQUIRE(c.exec("cp /bin/busybox /tmp/helper && { /tmp/helper; true; }") == 0);
        REQUIRE(sensor.wait_verdict([&](const v1::Verdict &v) {
            return v.rule() == "profile_new_exec" && v.container().id() == id &&
                   v.output_fields().at("profile.new.value") == "/tmp/helper [upper]";
        }));

        // an edited profile, imported through the command: the destination added is known at once
        v1::GetProfileResponse got;
        REQUIRE(rpc.get(key, got).ok());
        CHECK(has(got.yaml(), "state: locked\n"));
        const std::string added = "127.0.0.0/24:" + std::to_string(edited.port);
        std::string yaml = got.yaml();
        yaml.replace(yaml.find("connect:\n"), 9, "connect:\n  - " + added + "\n");
        std::ofstream(dir + "/edited.yaml") << yaml;
        REQUIRE(command(cli + " import " + dir + "/edited.yaml", out) == 0);
        CHECK_THAT(out, Catch::StartsWith("imported " + key + " (locked, "));
        REQUIRE(c.exec(connect_to(edited.port)) == 0);
        REQUIRE(c.exec(connect_to(other.port)) == 0);
        v1::Verdict found;
        REQUIRE(sensor.wait_verdict(
            [&](const v1::Verdict &v) { return v.rule() == "profile_new_connect" && v.container().id() == id; },
            &found));
        CHECK(found.output_fields().at("profile.new.value") == "127.0.0.0/24:" + std::to_string(other.port));
        for (const auto &v : anomalies_of(sensor, id)) CHECK_FALSE(has(v.output(), added));

        // relearned: empty and learning, so the helper is learned, not reported
        v1::ProfileResponse relearned;
        REQUIRE(rpc.relearn(key, relearned).ok());
        CHECK(relearned.profile().state() == "learning");
        CHECK(relearned.profile().entries() == 0);
        const size_t before = anomalies_of(sensor, id).size();
        REQUIRE(c.exec("{ /tmp/helper; true; }") == 0);
        REQUIRE(rpc.wait_yaml(key, [](const std::string &y) { return has(y, "/tmp/helper [upper]"); }));
        CHECK(anomalies_of(sensor, id).size() == before);

        // forgotten: gone from the list; the container's next event starts a new one
        REQUIRE(command(cli + " forget " + key, out) == 0);
        CHECK(out == key + ": forgotten\n");
        REQUIRE(rpc.list(listed).ok());
        CHECK(listed_for(listed, key).empty());
        REQUIRE(c.exec(connect_to(usual.port)) == 0);
        REQUIRE(rpc.wait_yaml(key, [&](const std::string &y) { return has(y, "state: learning"); }));
        REQUIRE(rpc.lock(key, locked).ok());
        sensor.stop();
        // what the RPCs did is in the database
        REQUIRE(command(std::string(CROWSNEST_BINARY) + " profiles --db " + db + " show " + key, out) == 0);
        CHECK(has(out, "state: locked\n"));
        CHECK_FALSE(has(out, "/tmp/helper"));
    }

    SECTION("bad requests: their status and a message that names the problem") {
        v1::GetProfileResponse got;
        v1::ProfileResponse changed;
        grpc::Status s = rpc.get("id:nope", got);
        CHECK(s.error_code() == grpc::StatusCode::NOT_FOUND);
        CHECK(s.error_message() == "no profile 'id:nope' (ListProfiles lists them)");
        s = rpc.lock("", changed);
        CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
        CHECK(s.error_message() == "the request names no profile: key is empty (ListProfiles lists them)");
        CHECK(rpc.relearn("id:nope", changed).error_code() == grpc::StatusCode::NOT_FOUND);
        CHECK(rpc.forget("id:nope", changed).error_code() == grpc::StatusCode::NOT_FOUND);
        s = rpc.import("key: web@nginx\nexec: /bin/sh\n", "web.yaml", changed);
        CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
        CHECK(s.error_message() == "web.yaml:2:7: exec: must be a list of strings");
        s = rpc.import("exec: [/bin/sh]\n", "", changed);
        CHECK(s.error_message() == "request:1:1: the profile has no key");
        CHECK(command(cli + " show id:nope", out) == 1);
        CHECK(out == "crowsnest profiles: no profile 'id:nope' (ListProfiles lists them)\n");
        // the live profile is untouched
        REQUIRE(rpc.list(listed).ok());
        CHECK(listed_for(listed, key).size() == 1);
        sensor.stop();
    }
    run_shell("rm -rf " + dir);
}

TEST_CASE("profiles over gRPC: a sensor without --profiles says profiles are off, and the command without a sensor "
          "says none answers",
          "[integration][grpc]") {
    const std::string dir = temp_dir(), sock = dir + "/crowsnest.sock";
    std::string out;
    CHECK(command(std::string(CROWSNEST_BINARY) + " profiles --socket " + sock + " list", out) == 1);
    CHECK_THAT(out, Catch::StartsWith("crowsnest profiles: no sensor answers on unix:" + sock + " (") &&
                        Catch::EndsWith("); with no sensor running, --db PATH works on its database\n"));
    SensorProcess sensor;
    START_SENSOR(sensor, "--grpc-socket", sock);
    v1::ListProfilesResponse listed;
    grpc::ClientContext ctx;
    const grpc::Status s = v1::Sensor::NewStub(unix_channel(sock))->ListProfiles(&ctx, {}, &listed);
    CHECK(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
    CHECK(s.error_message() == "profiles are off: the sensor was started without --profiles PATH");
    sensor.stop();
    run_shell("rm -rf " + dir);
}
