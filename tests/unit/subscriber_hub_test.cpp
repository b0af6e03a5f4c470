#include <catch2/catch.hpp>

#include <thread>

#include "api/subscriber_hub.h"

using namespace crowsnest;
using namespace std::chrono_literals;

namespace {

v1::Verdict numbered(uint64_t seq, const std::string &category = "miner") {
    v1::Verdict v;
    v.set_sequence(seq);
    v.set_category(category);
    return v;
}

// As the engine publishes, then waits for the hub's dispatcher to have
// handed it on, so that what the test reads next is settled.
void publish(VerdictHub &hub, const v1::Verdict &v) {
    hub.publish(v);
    hub.wait_dispatched();
}

StreamFilter all() {
    std::string error;
    return *StreamFilter::compile({}, StreamFilter::Kind::Verdicts, error);
}

// Everything the subscription holds now, as sequence numbers; a gap marker
// is written as -(missed).
std::vector<int64_t> drain(VerdictHub::Subscription &s) {
    std::vector<int64_t> out;
    while (auto p = s.next(0ms)) out.push_back(p->message().has_gap() ? -int64_t(p->message().gap().missed()) : int64_t(p->message().sequence()));
    return out;
}

}  // namespace

TEST_CASE("hub: a live subscriber gets what is published after it subscribed") {
    VerdictHub hub(HubLimits{8, 16});
    publish(hub, numbered(1));
    auto s = hub.subscribe(all(), std::nullopt, "t");
    publish(hub, numbered(2));
    publish(hub, numbered(3));
    CHECK(drain(*s) == std::vector<int64_t>{2, 3});
    CHECK(hub.stats().at(0).sent == 2);
}

TEST_CASE("hub: only messages passing the subscriber's filter are queued") {
    VerdictHub hub(HubLimits{8, 16});
    v1::StreamRequest req;
    req.add_allow()->add_categories("escape");
    std::string error;
    auto s = hub.subscribe(*StreamFilter::compile(req, StreamFilter::Kind::Verdicts, error), std::nullopt, "t");
    publish(hub, numbered(1, "miner"));
    publish(hub, numbered(2, "escape"));
    CHECK(drain(*s) == std::vector<int64_t>{2});
}

TEST_CASE("hub: resume returns exactly the kept messages after the sequence") {
    VerdictHub hub(HubLimits{4, 16});
    for (uint64_t i = 1; i <= 4; i++) publish(hub, numbered(i));
    SECTION("inside the ring") {
        auto s = hub.subscribe(all(), 2, "t");
        publish(hub, numbered(5));
        CHECK(drain(*s) == std::vector<int64_t>{3, 4, 5});
    }
    SECTION("up to date: nothing old") {
        auto s = hub.subscribe(all(), 4, "t");
        CHECK(drain(*s).empty());
    }
    SECTION("the ring moved past: a gap marker with the lost range, then what is kept") {
        for (uint64_t i = 5; i <= 9; i++) publish(hub, numbered(i));  // ring keeps 6..9
        auto s = hub.subscribe(all(), 2, "t");
        auto first = s->next(0ms);
        REQUIRE(first);
        REQUIRE(first->message().has_gap());
        CHECK(first->message().gap().reason() == v1::Gap::RESUME_TOO_OLD);
        CHECK(first->message().gap().missed() == 3);
        CHECK(first->message().gap().first_sequence() == 3);
        CHECK(first->message().gap().last_sequence() == 5);
        CHECK(drain(*s) == std::vector<int64_t>{6, 7, 8, 9});
        CHECK(hub.oldest_kept() == 6);
        CHECK(hub.last_sequence() == 9);
    }
}

TEST_CASE("hub: a full queue drops for that subscriber only, counts it, and marks the gap in place") {
    VerdictHub hub(HubLimits{0, 4});
    auto slow = hub.subscribe(all(), std::nullopt, "slow");
    auto fast = hub.subscribe(all(), std::nullopt, "fast");
    for (uint64_t i = 1; i <= 10; i++) {
        publish(hub, numbered(i));
        REQUIRE(fast->next(0ms)->message().sequence() == i);
    }
    // slow kept 1..4 and dropped 5..10
    auto stats = hub.stats();
    CHECK(stats.at(0).dropped == 6);
    CHECK(stats.at(1).dropped == 0);
    CHECK(stats.at(1).sent == 10);
    CHECK(slow->next(0ms)->message().sequence() == 1);
    CHECK(slow->next(0ms)->message().sequence() == 2);
    publish(hub, numbered(11));  // two slots free: the marker, then 11
    CHECK(drain(*slow) == std::vector<int64_t>{3, 4, -6, 11});
}

TEST_CASE("hub: drops at the end of a burst are reported once the queue empties") {
    VerdictHub hub(HubLimits{0, 2});
    auto s = hub.subscribe(all(), std::nullopt, "t");
    for (uint64_t i = 1; i <= 5; i++) publish(hub, numbered(i));
    CHECK(drain(*s) == std::vector<int64_t>{1, 2, -3});
}

TEST_CASE("hub: next waits for a publish from another thread, and close wakes it") {
    VerdictHub hub(HubLimits{0, 4});
    auto s = hub.subscribe(all(), std::nullopt, "t");
    std::thread producer([&] {
        std::this_thread::sleep_for(20ms);
        publish(hub, numbered(1));
    });
    auto p = s->next(5s);
    producer.join();
    REQUIRE(p);
    CHECK(p->message().sequence() == 1);
    std::thread closer([&] {
        std::this_thread::sleep_for(20ms);
        hub.close();
    });
    auto t0 = std::chrono::steady_clock::now();
    CHECK_FALSE(s->next(5s));
    CHECK(std::chrono::steady_clock::now() - t0 < 2s);
    closer.join();
}

TEST_CASE("hub: a destroyed subscription is forgotten") {
    VerdictHub hub(HubLimits{0, 4});
    {
        auto s = hub.subscribe(all(), std::nullopt, "t");
        CHECK(hub.subscriber_count() == 1);
    }
    CHECK(hub.subscriber_count() == 0);
    publish(hub, numbered(1));
}

TEST_CASE("hub: the queues of all subscribers share a byte budget, the longest queue's oldest go first") {
    // room for about 10 messages in all
    const size_t one = Published<v1::Verdict>(numbered(1)).bytes();
    VerdictHub hub(HubLimits{0, 100, one * 10});
    auto stalled = hub.subscribe(all(), std::nullopt, "stalled");
    auto reader = hub.subscribe(all(), std::nullopt, "reader");
    for (uint64_t i = 1; i <= 30; i++) {
        publish(hub, numbered(i));
        REQUIRE(reader->next(0ms)->message().sequence() == i);  // a reading client loses nothing
    }
    CHECK(hub.queued_bytes() <= one * 10);
    // the stalled one kept the newest, with a marker for what went first
    const auto got = drain(*stalled);
    REQUIRE(!got.empty());
    CHECK(got.front() < 0);
    CHECK(got.back() == 30);
    CHECK(-got.front() + int64_t(got.size()) - 1 == 30);
    CHECK(hub.queued_bytes() == 0);
}

TEST_CASE("hub: a client from before a restart gets a SENSOR_RESTART gap, then what is kept") {
    VerdictHub hub(HubLimits{8, 16}, "space-b");
    std::vector<v1::Verdict> kept;
    for (uint64_t i = 95; i <= 100; i++) kept.push_back(numbered(i));
    hub.restore(kept, 100, 110);  // the last run may have used 101..110
    publish(hub, numbered(111));
    SECTION("the same space, after what the journal holds: the numbers lost with the crash") {
        auto s = hub.subscribe(all(), 100, "t", "space-b");
        auto first = s->next(0ms);
        REQUIRE(first->message().has_gap());
        CHECK(first->message().gap().reason() == v1::Gap::SENSOR_RESTART);
        CHECK(first->message().gap().first_sequence() == 101);
        CHECK(first->message().gap().last_sequence() == 110);
        CHECK(drain(*s) == std::vector<int64_t>{111});
    }
    SECTION("the same space, from before: what the journal kept, the marker, then the rest") {
        auto s = hub.subscribe(all(), 97, "t", "space-b");
        CHECK(drain(*s) == std::vector<int64_t>{98, 99, 100, -10, 111});
    }
    SECTION("another space: everything kept, after the marker") {
        auto s = hub.subscribe(all(), 3, "t", "space-a");
        REQUIRE(s->next(0ms)->message().gap().reason() == v1::Gap::SENSOR_RESTART);
        CHECK(drain(*s) == std::vector<int64_t>{95, 96, 97, 98, 99, 100, 111});
    }
    SECTION("no space, a sequence never reached: the same") {
        auto s = hub.subscribe(all(), UINT64_MAX, "t");
        auto first = s->next(0ms);
        REQUIRE(first->message().gap().reason() == v1::Gap::SENSOR_RESTART);
        CHECK(first->message().gap().missed() == 0);
        CHECK(drain(*s).size() == 7);
    }
}

TEST_CASE("hub: each encoding of a message is made once, however many subscribers ask, and shared") {
    VerdictHub hub({});
    auto a = hub.subscribe(all(), std::nullopt, "a");
    auto b = hub.subscribe(all(), std::nullopt, "b");
    publish(hub, numbered(7));
    auto pa = a->next(0ms), pb = b->next(0ms);
    REQUIRE(pa);
    REQUIRE(pa == pb);  // one message for both, not a copy each
    static std::atomic<int> made{0};
    made = 0;
    const Published<v1::Verdict>::Encoder count = [](const v1::Verdict &v) {
        made++;
        return "line " + std::to_string(v.sequence());
    };
    std::vector<std::thread> askers;
    std::vector<const std::string *> seen(8);
    for (size_t i = 0; i < seen.size(); i++)
        askers.emplace_back([&, i] { seen[i] = &(i % 2 ? pa : pb)->encoded(Encoding::Json, count); });
    for (auto &t : askers) t.join();
    CHECK(made == 1);
    for (const auto *s : seen) CHECK(s == seen[0]);
    CHECK(*seen[0] == "line 7");
    // the wire form is protobuf's own
    v1::Verdict back;
    REQUIRE(back.ParseFromString(pa->wire()));
    CHECK(back.sequence() == 7);
    CHECK(&pa->wire() == &pb->wire());
    // the message is parsed back from those bytes once, for every subscriber
    CHECK(&pa->message() == &pb->message());
    CHECK(pa->message().SerializeAsString() == pa->wire());
    CHECK(pa->sequence() == 7);
    CHECK_FALSE(pa->is_gap());
}

TEST_CASE("hub: a waker is told when its queue has messages, and not after it has let go") {
    struct Counter final : HubWaker {
        std::atomic<int> n{0};
        void wake() override { n++; }
    };
    VerdictHub hub({});
    Counter w;
    auto s = hub.subscribe(all(), std::nullopt, "reactor");
    s->set_waker(&w);
    const int at_start = w.n;
    publish(hub, numbered(1));
    CHECK(w.n > at_start);
    std::vector<VerdictHub::Ptr> batch;
    REQUIRE(s->next_batch(batch, 10, 0ms));
    s->set_waker(nullptr);
    const int before = w.n;
    publish(hub, numbered(2));
    hub.close();
    CHECK(w.n == before);
}

TEST_CASE("hub: a subscription of its own may hold more than a client's queue") {
    VerdictHub hub({.ring = 0, .queue = 4});
    auto client = hub.subscribe(all(), std::nullopt, "client");
    auto output = hub.subscribe(all(), std::nullopt, "output:json", "", true, 100);
    for (uint64_t i = 1; i <= 50; i++) hub.publish(numbered(i));
    hub.wait_dispatched();
    CHECK(hub.stats()[0].dropped > 0);
    CHECK(hub.stats(true)[0].dropped == 0);
    CHECK(hub.stats(true)[0].queued == 50);
}

TEST_CASE("hub: what a full inbox refused is marked where it was lost, after what the inbox held") {
    // a small inbox: the engine outruns the dispatcher and messages are lost for everyone
    VerdictHub hub(HubLimits{0, 1 << 20, 1u << 30, 16});
    auto s = hub.subscribe(all(), std::nullopt, "t");
    // each message's sequence is the last one's plus what the markers since say was lost
    int64_t next = 1, expected = 1, markers = 0, received = 0;
    auto check = [&] {
        for (int64_t got : drain(*s)) {
            if (got < 0) {
                expected -= got;
                markers++;
                continue;
            }
            REQUIRE(got == expected);
            expected++;
            received++;
        }
    };
    // rounds until both have happened (how many are lost depends on the scheduler)
    for (int round = 0; round < 20 && (markers == 0 || received < 100); round++) {
        for (int i = 0; i < 20000; i++) hub.publish(numbered(uint64_t(next++)));
        hub.wait_dispatched();
        check();
    }
    // what was lost after the last message is marked when the next one comes
    hub.publish(numbered(uint64_t(next++)));
    hub.wait_dispatched();
    check();
    CHECK(expected == next);
    CHECK(markers > 0);
    CHECK(received >= 100);
}
