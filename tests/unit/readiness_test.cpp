// Readiness: attached, rules loaded, keeping up (ring fill, losses second
// after second), outputs writing; each reason said in words.
#include <catch2/catch.hpp>

#include "engine/readiness.h"

using namespace crowsnest;

namespace {

PipelineSample healthy() {
    PipelineSample s;
    s.attached = true;
    s.rules_enabled = 30;
    return s;
}

bool says(const Readiness &r, const std::string &what) {
    for (const auto &reason : r.reasons)
        if (reason.find(what) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("readiness: ready once attached with rules", "[readiness]") {
    ReadinessTracker t({});
    PipelineSample s = healthy();
    s.attached = false;
    Readiness r = t.sample(s, 100);
    CHECK_FALSE(r.ready);
    CHECK(r.reasons == std::vector<std::string>{"the BPF programs are not attached yet"});
    s = healthy();
    s.rules_enabled = 0;
    r = t.sample(s, 100);
    CHECK(r.reasons == std::vector<std::string>{"no rule is loaded and enabled"});
    r = t.sample(healthy(), 101);
    CHECK(r.ready);
    CHECK(r.reasons.empty());
}

TEST_CASE("readiness: a ring buffer found fuller than the limit, for this second and the next", "[readiness]") {
    ReadinessTracker t({});
    PipelineSample s = healthy();
    s.ring_fill = 0.95;
    Readiness r = t.sample(s, 10);
    CHECK_FALSE(r.ready);
    CHECK(says(r, "the ring buffer was 95% full when the engine read it (limit 90%)"));
    CHECK(t.recent_ring_fill() == Approx(0.95));
    CHECK_FALSE(t.sample(healthy(), 10).ready);  // the same second
    CHECK_FALSE(t.sample(healthy(), 11).ready);  // the second after
    CHECK(t.sample(healthy(), 12).ready);
    s.ring_fill = 0.90;  // at the limit is fine
    CHECK(t.sample(s, 13).ready);
}

TEST_CASE("readiness: losses in each of the last N whole seconds, not one burst", "[readiness]") {
    ReadinessTracker t({.drop_seconds = 3});
    PipelineSample s = healthy();
    t.sample(s, 0);
    // one burst: ready
    s.ringbuf_drops = 500;
    CHECK(t.sample(s, 1).ready);
    CHECK(t.sample(s, 2).ready);
    CHECK(t.sample(s, 5).ready);
    // losses in seconds 6, 7 and 8 (several samples a second)
    for (uint64_t sec = 6; sec <= 8; sec++)
        for (int i = 0; i < 3; i++) {
            s.ringbuf_drops += 10;
            t.sample(s, sec);
        }
    Readiness r = t.sample(s, 9);  // seconds 6..8 are whole now
    CHECK_FALSE(r.ready);
    CHECK(says(r, "the ring buffer lost events in each of the last 3 s (90 events): the engine is not keeping up"));
    // a second without losses makes it ready again once it is whole
    CHECK_FALSE(t.sample(s, 9).ready);
    CHECK(t.sample(s, 10).ready);
    // a second with no sample at all had no losses
    s.ringbuf_drops += 10;
    t.sample(s, 11);
    s.ringbuf_drops += 10;
    t.sample(s, 13);
    s.ringbuf_drops += 10;
    CHECK(t.sample(s, 14).ready);
}

TEST_CASE("readiness: a failing output at once, until it has written for a while", "[readiness]") {
    ReadinessTracker t({.output_quiet_seconds = 10});
    PipelineSample s = healthy();
    CHECK(t.sample(s, 0).ready);
    s.output_errors = 1;
    s.output_error = "json: No space left on device";
    Readiness r = t.sample(s, 1);
    CHECK_FALSE(r.ready);
    CHECK(says(r, "an output cannot write (json: No space left on device)"));
    CHECK_FALSE(t.sample(s, 10).ready);
    CHECK(t.sample(s, 11).ready);
    // errors there before the first sample are not new
    ReadinessTracker fresh({});
    CHECK(fresh.sample(s, 0).ready);
}
