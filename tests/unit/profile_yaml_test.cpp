// Profiles as YAML: export, import, and each mistake at its file:line:column.
#include <catch2/catch.hpp>

#include "profile/profile_yaml.h"

using namespace crowsnest;

namespace {

std::string import_error(const std::string &text) {
    Profile p;
    std::string error;
    CHECK_FALSE(profile_from_yaml(text, "web.yaml", p, error));
    return error;
}

}  // namespace

TEST_CASE("profile yaml: export then import gives the same profile, entries sorted", "[profile]") {
    Profile p;
    p.key = "shop/checkout/api@registry.example/shop/checkout";
    p.state = ProfileState::Locked;
    p.image_digest = "sha256:0123";
    p.first_seen_ns = 1796083200ull * 1000000000ull;  // 2026-12-01T00:00:00Z
    p.last_new_ns = p.first_seen_ns + 3600ull * 1000000000ull;
    p.overflow = true;
    p.of(EntryKind::Exec) = {"/usr/sbin/nginx", "/bin/sh [upper]"};
    p.of(EntryKind::ExecPair) = {"/bin/sh -> /usr/sbin/nginx"};
    p.of(EntryKind::Connect) = {"10.0.3.0/24:5432", "[2001:db8::]/64:443", "unix:@hidden: name"};
    p.of(EntryKind::WritePrefix) = {"/var/cache/nginx"};
    const std::string yaml = profile_to_yaml(p);
    CHECK_THAT(yaml, Catch::Contains("first_seen: 2026-12-01T00:00:00Z\nlast_new: 2026-12-01T01:00:00Z\n"));
    CHECK_THAT(yaml, Catch::Contains("exec:\n  - /bin/sh [upper]\n  - /usr/sbin/nginx\n"));
    CHECK_THAT(yaml, Catch::Contains("sensitive_read: []"));

    Profile back;
    std::string error;
    REQUIRE(profile_from_yaml(yaml, "web.yaml", back, error));
    CHECK(back.key == p.key);
    CHECK(back.state == p.state);
    CHECK(back.image_digest == p.image_digest);
    CHECK(back.first_seen_ns == p.first_seen_ns);
    CHECK(back.last_new_ns == p.last_new_ns);
    CHECK(back.overflow);
    CHECK(back.entries == p.entries);
    CHECK(profile_to_yaml(back) == yaml);  // stable, for reviews in git
}

TEST_CASE("profile yaml: a hand-written profile needs only its key", "[profile]") {
    Profile p;
    std::string error;
    REQUIRE(profile_from_yaml("key: web@nginx\nstate: locked\nexec: [/usr/sbin/nginx]\n", "web.yaml", p, error));
    CHECK(p.state == ProfileState::Locked);
    CHECK(p.entry_count() == 1);
}

TEST_CASE("profile yaml: each mistake names its file:line:column", "[profile]") {
    CHECK(import_error("key: web@nginx\nstaet: locked\n") == "web.yaml:2:8: unknown field 'staet'");
    CHECK(import_error("key: web@nginx\nstate: frozen\n") ==
          "web.yaml:2:8: state: must be learning or locked, not 'frozen'");
    CHECK(import_error("key: web@nginx\nexec: /bin/sh\n") == "web.yaml:2:7: exec: must be a list of strings");
    CHECK(import_error("key: web@nginx\nconnect:\n  - 10.0.0.0/24:80\n  - [a, b]\n") ==
          "web.yaml:4:5: connect: each entry must be a non-empty string");
    CHECK(import_error("key: web@nginx\nfirst_seen: yesterday\n") ==
          "web.yaml:2:13: first_seen: must be a UTC time such as 2026-11-30T06:00:00Z, not 'yesterday'");
    CHECK(import_error("state: locked\n") == "web.yaml:1:1: the profile has no key");
    CHECK(import_error("- key\n") == "web.yaml:1:1: a profile is a map of fields (key, state, exec, connect, ...)");
    CHECK(import_error("key: [web\n") == "web.yaml:2:1: end of sequence flow not found");
}

TEST_CASE("profile yaml: rates go out as their summary and come back, and their mistakes name the place",
          "[profile]") {
    Profile p;
    p.key = "web@nginx";
    p.rates.window_ns = 60ull * 1000000000ull;
    p.rates.summary[size_t(RateFeature::Execs)] = {2.5, 0.5, 42};
    p.rates.summary[size_t(RateFeature::Writes)] = {12, 3, 42};
    p.rates.history[0] = {2, 3};  // not exported
    const std::string yaml = profile_to_yaml(p);
    CHECK_THAT(yaml, Catch::Contains("rates:\n  window_seconds: 60\n  execs: {median: 2.5, mad: 0.5, windows: 42}\n"));
    Profile back;
    std::string error;
    REQUIRE(profile_from_yaml(yaml, "web.yaml", back, error));
    CHECK(back.rates.window_ns == p.rates.window_ns);
    CHECK(back.rates.summary[size_t(RateFeature::Execs)].median == 2.5);
    CHECK(back.rates.summary[size_t(RateFeature::Writes)].mad == 3);
    CHECK(back.rates.summary[size_t(RateFeature::Writes)].windows == 42);
    CHECK(back.rates.history[0].empty());
    CHECK_THAT(profile_to_yaml(Profile{"db@postgres"}), !Catch::Contains("rates"));  // none learned: none written

    CHECK(import_error("key: web@nginx\nrates: 5\n") == "web.yaml:2:8: rates: must be a map of window_seconds and features");
    CHECK(import_error("key: web@nginx\nrates:\n  window_seconds: 60\n  forks: {median: 1}\n") ==
          "web.yaml:4:3: rates: unknown field 'forks' (window_seconds, execs, destinations, failed_connects, writes)");
    CHECK(import_error("key: web@nginx\nrates:\n  window_seconds: 60\n  execs: {median: -1}\n") ==
          "web.yaml:4:19: rates: execs.median must be a number of at least 0, not '-1'");
    CHECK(import_error("key: web@nginx\nrates:\n  window_seconds: 60\n  execs: {windows: 2.5}\n") ==
          "web.yaml:4:20: rates: execs.windows must be a whole number of at least 0, not '2.5'");
    CHECK(import_error("key: web@nginx\nrates:\n  execs: {median: 1}\n") ==
          "web.yaml:3:3: rates: window_seconds is missing (or 0)");
}
