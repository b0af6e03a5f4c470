// The profiler: learning, locking, novelties once each, bounds, relearning.
#include <catch2/catch.hpp>

#include "profile_scenes.h"

using namespace crowsnest;
using namespace crowsnest::test;

TEST_CASE("profiler: learns, locks after the learning time and a quiet period, then reports novelties once",
          "[profile]") {
    Profiler p(quick_profiles(), nullptr);
    CHECK(observe(p, exec_scene("/usr/sbin/nginx", {"nginx"}), 0).empty());
    CHECK(observe(p, connect_inet_scene("10.0.3.4", 5432), kMinute).empty());
    const std::string key = "id:" + kContainerId;
    REQUIRE(p.find(key));
    CHECK(p.find(key)->state == ProfileState::Learning);
    CHECK(p.find(key)->entry_count() == 3);
    // something new at 9 minutes: the quiet period starts again
    CHECK(observe(p, connect_inet_scene("10.0.3.4", 6379), 9 * kMinute).empty());
    p.maintain(10 * kMinute);
    CHECK(p.find(key)->state == ProfileState::Learning);
    p.maintain(11 * kMinute);
    CHECK(p.find(key)->state == ProfileState::Locked);

    // known entries stay quiet, also a neighbour in the same network
    CHECK(observe(p, connect_inet_scene("10.0.3.99", 5432), 12 * kMinute).empty());
    CHECK(observe(p, exec_scene("/usr/sbin/nginx", {"nginx"}), 12 * kMinute).empty());
    auto n = observe(p, exec_scene("/tmp/x", {"x"}), 13 * kMinute);
    REQUIRE(n.size() == 2);
    CHECK(n[0].kind == EntryKind::Exec);
    CHECK(n[0].value == "/tmp/x");
    CHECK(n[1].kind == EntryKind::ExecPair);
    CHECK(n[1].profile->key == key);
    CHECK(observe(p, exec_scene("/tmp/x", {"x"}), 14 * kMinute).empty());  // the same novelty: once
    CHECK(observe(p, connect_inet_scene("203.0.113.7", 4444), 14 * kMinute).size() == 1);
    CHECK(p.find(key)->entry_count() == 4);  // a locked profile stays what was reviewed
    const ProfileCounters c = p.counters();
    CHECK(c.profiles == 1);
    CHECK(c.locked == 1);
    CHECK(c.novelties == 3);
    CHECK(c.repeated == 2);
}

TEST_CASE("profiler: host processes and pod sandboxes have no profile", "[profile]") {
    Profiler p(quick_profiles(), nullptr);
    Scene host = exec_scene("/usr/bin/ls", {"ls"});
    host.on_host();
    observe(p, host, 0);
    Scene pause = exec_scene("/pause", {"/pause"});
    pause.has_workload = true;
    pause.workload.sandbox = true;
    observe(p, pause, 0);
    CHECK(p.counters().profiles == 0);
}

TEST_CASE("profiler: each set is bounded, a full profile is reported once and still detects", "[profile]") {
    ProfileConfig c = quick_profiles();
    c.max_entries = 3;
    Profiler p(c, nullptr);
    for (uint16_t port = 1; port <= 3; port++) CHECK(observe(p, connect_inet_scene("10.0.0.1", port), 0).empty());
    auto full = observe(p, connect_inet_scene("10.0.0.1", 4), 0);
    REQUIRE(full.size() == 1);
    CHECK(full[0].what == Novelty::What::Overflow);
    CHECK(observe(p, connect_inet_scene("10.0.0.1", 5), 0).empty());  // reported once
    const std::string key = "id:" + kContainerId;
    CHECK(p.find(key)->overflow);
    CHECK(p.find(key)->of(EntryKind::Connect).size() == 3);
    p.maintain(20 * kMinute);
    auto n = observe(p, connect_inet_scene("10.0.0.1", 9), 20 * kMinute);
    REQUIRE(n.size() == 1);
    CHECK(n[0].what == Novelty::What::Entry);

    // entries in all, and profiles
    ProfileConfig total = quick_profiles();
    total.max_total_entries = 2;
    total.max_profiles = 1;
    Profiler q(total, nullptr);
    Scene other = connect_inet_scene("10.0.0.1", 1);
    other.cgroup.container.id = "another";
    other.event.cgroup_id = 1234;
    for (uint16_t port = 1; port <= 4; port++) observe(q, connect_inet_scene("10.0.0.1", port), 0);
    observe(q, other, 0);
    CHECK(q.counters().entries == 2);
    CHECK(q.counters().overflow == 1);
    CHECK(q.counters().profiles == 1);
    CHECK(q.counters().refused == 1);
}

TEST_CASE("profiler: a new image digest learns again", "[profile]") {
    Profiler p(quick_profiles(), nullptr);
    Scene s = exec_scene("/app", {"app"});
    s.has_workload = true;
    s.workload.name = "api";
    s.workload.image = "shop/api@sha256:aaa";
    s.workload.image_repository = "shop/api";
    s.workload.image_digest = "sha256:aaa";
    observe(p, s, 0);
    p.maintain(20 * kMinute);
    REQUIRE(p.find("api@shop/api")->state == ProfileState::Locked);
    s.workload.image_digest = "sha256:bbb";
    Scene next = exec_scene("/app2", {"app2"});
    next.has_workload = true;
    next.workload = s.workload;
    p.maintain(21 * kMinute);  // a new container of the workload: found again
    CHECK(observe(p, next, 21 * kMinute).empty());
    const Profile *prof = p.find("api@shop/api");
    CHECK(prof->state == ProfileState::Learning);
    CHECK(prof->image_digest == "sha256:bbb");
    CHECK(prof->of(EntryKind::Exec).count("/app2"));
    CHECK_FALSE(prof->of(EntryKind::Exec).count("/app"));
}
