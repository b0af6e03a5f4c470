// The counter table: its rows, and the README's "Counters" table kept in
// step with it (name, metric and meaning, in order).
#include <catch2/catch.hpp>

#include <array>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/counter_table.h"

using namespace crowsnest;

namespace {

// The rows of the first Markdown table after the "## Counters" heading:
// (counter, metric, meaning), the code cells without their backticks.
std::vector<std::array<std::string, 3>> readme_counters() {
    std::ifstream in(std::string(CROWSNEST_SOURCE_DIR) + "/README.md");
    std::string line;
    bool in_section = false, in_table = false;
    std::vector<std::array<std::string, 3>> rows;  // counter, metric, meaning
    while (std::getline(in, line)) {
        if (line.rfind("## ", 0) == 0) {
            if (in_section) break;
            in_section = line == "## Counters";
            continue;
        }
        if (!in_section) continue;
        if (line.rfind("| ", 0) != 0) {
            if (in_table) break;
            continue;
        }
        in_table = true;
        if (line.rfind("| counter", 0) == 0 || line.rfind("| ---", 0) == 0) continue;
        const size_t mid = line.find(" | "), mid2 = line.find(" | ", mid + 3);
        REQUIRE(mid2 != std::string::npos);
        std::string name = line.substr(2, mid - 2), metric = line.substr(mid + 3, mid2 - mid - 3),
                    meaning = line.substr(mid2 + 3);
        REQUIRE(meaning.size() >= 2);
        meaning.resize(meaning.size() - 2);  // " |"
        for (std::string *code : {&name, &metric})
            if (code->size() >= 2 && code->front() == '`' && code->back() == '`') *code = code->substr(1, code->size() - 2);
        rows.push_back({name, metric, meaning});
    }
    return rows;
}

uint64_t value_of(const std::vector<CounterRow> &rows, const std::string &name) {
    for (const auto &r : rows)
        if (r.name == name) return r.value;
    FAIL("no counter " << name);
    return 0;
}

}  // namespace

TEST_CASE("counter table: the README documents every counter, with the same metric and meaning, in order") {
    const auto readme = readme_counters();
    const auto &docs = counter_docs();
    REQUIRE(readme.size() == docs.size());
    for (size_t i = 0; i < docs.size(); i++) {
        CHECK(readme[i][0] == docs[i].name);
        CHECK(readme[i][1] == docs[i].metric);
        CHECK(readme[i][2] == docs[i].meaning);
    }
}

TEST_CASE("counter table: every row comes from the sensor, the engine or the rules, with its family's meaning") {
    SensorCounters sensor;
    sensor.malformed["bad_length"] = 2;
    sensor.ringbuf_full[size_t(EventType::Open)] = 5;
    sensor.ringbuf_full[size_t(EventType::Exec)] = 1;
    sensor.inflight_full = 3;
    sensor.exit_without_enter = 4;
    EngineCounters engine;
    engine.events[size_t(EventType::Exec)] = 10;
    engine.events[size_t(EventType::Open)] = 20;
    engine.verdicts["miner"] = 7;
    engine.unresolved_cgroups = 8;
    engine.truncated = 9;
    engine.aggregated = 12;
    sensor.ring_reserved[size_t(EventType::Open)] = 13;
    const auto rows = counter_table(sensor, engine, 11, {{"json", 14, 15, 16}});

    CHECK(value_of(rows, "events.exec") == 10);
    CHECK(value_of(rows, "events.open") == 20);
    CHECK(value_of(rows, "events.connect") == 0);
    CHECK(value_of(rows, "events.exit") == 0);
    CHECK(value_of(rows, "verdicts.miner") == 7);
    CHECK(value_of(rows, "malformed.bad_length") == 2);
    CHECK(value_of(rows, "ringbuf_drops") == 6);
    CHECK(value_of(rows, "ringbuf_drops.open") == 5);
    CHECK(value_of(rows, "ringbuf_drops.exec") == 1);
    CHECK(value_of(rows, "inflight_drops") == 3);
    CHECK(value_of(rows, "exit_without_enter") == 4);
    CHECK(value_of(rows, "unresolved_cgroups") == 8);
    CHECK(value_of(rows, "truncated") == 9);
    CHECK(value_of(rows, "threshold_evictions") == 11);
    CHECK(value_of(rows, "aggregated") == 12);
    CHECK(value_of(rows, "ring_reserved.open") == 13);
    CHECK(value_of(rows, "ring_reserved.connect") == 0);
    CHECK(value_of(rows, "output.json.sent") == 14);
    CHECK(value_of(rows, "output.json.lost") == 15);
    CHECK(value_of(rows, "output.json.errors") == 16);
    CHECK(value_of(rows, "events.flood") == 0);
    CHECK(value_of(rows, "events.cgroup") == 0);
    for (const auto &r : rows) {
        INFO(r.name);
        REQUIRE(r.doc);
        CHECK(!r.doc->meaning.empty());
    }
    // no verdict category or malformed reason that never happened
    for (const auto &r : rows) CHECK(r.name != "verdicts.escape");
}

TEST_CASE("counter table: the profiles' rows are there when profiles are on, with the database writer's") {
    EngineCounters engine;
    const auto off = counter_table(SensorCounters{}, engine, 0, {});
    for (const auto &r : off) CHECK(r.name.rfind("profiles.", 0) != 0);
    engine.profiles.enabled = true;
    engine.profiles.learning = 2;
    engine.profiles.novelties = 5;
    const auto on = counter_table(SensorCounters{}, engine, 0, {}, {3, 40, 1, 1});
    CHECK(value_of(on, "profiles.learning") == 2);
    CHECK(value_of(on, "profiles.novelties") == 5);
    CHECK(value_of(on, "profiles.db.batches") == 3);
    CHECK(value_of(on, "profiles.db.written") == 40);
    CHECK(value_of(on, "profiles.db.lost") == 1);
}
