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

TEST_CASE("profiler: lock, relearn, forget and import hold from the next event on", "[profile]") {
    Profiler p(quick_profiles(), nullptr);
    const std::string key = "id:" + kContainerId;
    CHECK(observe(p, exec_scene("/usr/sbin/nginx", {"nginx"}), 0).empty());
    CHECK_FALSE(p.lock("no-such-key"));
    CHECK_FALSE(p.relearn("no-such-key", 0));
    CHECK_FALSE(p.forget("no-such-key"));

    // locked by hand before its time: the next new thing is an anomaly
    REQUIRE(p.lock(key));
    CHECK(p.find(key)->state == ProfileState::Locked);
    CHECK(observe(p, exec_scene("/tmp/x", {"x"}), kMinute).size() == 2);
    CHECK(p.all().size() == 1);

    // relearned: empty, learning, and what it reported may be reported again later
    REQUIRE(p.relearn(key, 2 * kMinute));
    CHECK(p.find(key)->state == ProfileState::Learning);
    CHECK(p.find(key)->entry_count() == 0);
    CHECK(p.find(key)->first_seen_ns == 2 * kMinute);
    CHECK(observe(p, exec_scene("/usr/sbin/nginx", {"nginx"}), 3 * kMinute).empty());
    REQUIRE(p.lock(key));
    CHECK(observe(p, exec_scene("/tmp/x", {"x"}), 4 * kMinute).size() == 2);
    CHECK(p.counters().entries == 2);

    // forgotten: the container's next event starts a new profile, learning
    REQUIRE(p.forget(key));
    CHECK_FALSE(p.find(key));
    CHECK(p.counters().entries == 0);
    CHECK(observe(p, exec_scene("/tmp/x", {"x"}), 5 * kMinute).empty());
    REQUIRE(p.find(key));
    CHECK(p.find(key)->state == ProfileState::Learning);

    // imported over it, locked: its entries are what is known
    Profile reviewed;
    reviewed.key = key;
    reviewed.state = ProfileState::Locked;
    reviewed.of(EntryKind::Exec).insert("/usr/sbin/nginx");
    std::string error;
    REQUIRE(p.import(reviewed, error));
    CHECK(p.counters().entries == 1);
    CHECK(p.counters().profiles == 1);
    CHECK(observe(p, exec_scene("/usr/sbin/nginx", {"nginx"}), 6 * kMinute).size() == 1);  // its pair is new
    CHECK(observe(p, exec_scene("/tmp/x", {"x"}), 6 * kMinute).size() == 2);
}

TEST_CASE("profiler: an import past a cap is refused with the cap named, and changes nothing", "[profile]") {
    ProfileConfig c = quick_profiles();
    c.max_entries = 2;
    c.max_total_entries = 3;
    c.max_profiles = 1;
    Profiler p(c, nullptr);
    std::string error;
    Profile big;
    big.key = "web@nginx";
    for (const char *e : {"/a", "/b", "/c"}) big.of(EntryKind::Exec).insert(e);
    CHECK_FALSE(p.import(big, error));
    CHECK(error == "exec has 3 entries, more than a profile holds (--profile-max-entries 2)");
    CHECK(p.counters().profiles == 0);

    Profile fits = big;
    fits.of(EntryKind::Exec).erase("/c");
    fits.of(EntryKind::Connect).insert("unix:/run/a.sock");
    REQUIRE(p.import(fits, error));
    fits.of(EntryKind::WritePrefix).insert("/var/x");
    CHECK_FALSE(p.import(fits, error));
    CHECK(error == "its 4 entries would pass the entries of all profiles (--profile-max-total 3)");
    CHECK(p.counters().entries == 3);

    Profile other;
    other.key = "db@postgres";
    CHECK_FALSE(p.import(other, error));
    CHECK(error == "the sensor holds 1 profiles, its most (--profile-max-profiles)");
}
