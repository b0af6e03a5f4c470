// The rule store between the threads that use it: reloads compile on the
// caller's thread, the engine thread takes the result between two events,
// and a bad file changes nothing. Run under ThreadSanitizer in CI.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "api/rule_store.h"
#include "test_rule_files.h"
#include "test_util.h"

using namespace crowsnest;
using crowsnest::test::TempDir;
using crowsnest::test::write_file;

namespace {

std::string rule_text(const std::string &name) {
    return "- rule: " + name + "\n  desc: d\n  condition: evt.type = execve and proc.name = " + name +
           "\n  output: o\n  priority: WARNING\n";
}

// A store whose file r.yaml holds one rule named `name`, loaded as at start.
struct LoadedStore {
    TempDir dir;
    std::string file = dir / "r.yaml";
    RuleStore store{{file}};

    explicit LoadedStore(const std::string &name) {
        write_file(file, rule_text(name));
        std::vector<std::string> files, errors, warnings;
        auto rules = store.compile(files, errors, warnings);
        REQUIRE(rules);
        store.set_initial(rules, files);
    }
};

}  // namespace

TEST_CASE("rule store: a reload reaches the engine thread, which switches between two events") {
    LoadedStore loaded("first");
    RuleStore &store = loaded.store;
    const std::string &file = loaded.file;
    CHECK(store.describe().rules(0).name() == "first");

    write_file(file, rule_text("second"));
    std::atomic<bool> stop{false};
    std::atomic<int> switches{0};
    std::thread engine([&] {
        while (!stop) {
            if (store.take_pending()) switches++;
            std::this_thread::yield();
        }
    });
    const auto resp = store.reload(true);
    stop = true;
    engine.join();
    CHECK(resp.ok());
    CHECK(resp.rules_loaded() == 1);
    CHECK(switches == 1);
    CHECK(store.current()->rule_info(0).name == "second");
    CHECK(store.describe().rules(0).name() == "second");
}

TEST_CASE("rule store: a bad file is refused with its file:line:column and the running rules stay") {
    LoadedStore loaded("kept");
    RuleStore &store = loaded.store;
    const std::string &file = loaded.file;

    write_file(file, "- rule: broken\n  desc: d\n  condition: proc.nmae = x\n  output: o\n  priority: WARNING\n");
    const auto resp = store.reload(false);
    CHECK_FALSE(resp.ok());
    REQUIRE(resp.errors_size() == 1);
    CHECK(resp.errors(0) == file + ":3:14: unknown field 'proc.nmae'");
    CHECK(store.take_pending() == nullptr);
    CHECK(store.current()->rule_info(0).name == "kept");
}

TEST_CASE("rule store: an alias bomb is refused while parsed and the running rules stay") {
    LoadedStore loaded("kept");
    RuleStore &store = loaded.store;
    const std::string &file = loaded.file;

    write_file(file, crowsnest::test::nested_alias_bomb());
    const auto resp = store.reload(false);
    CHECK_FALSE(resp.ok());
    REQUIRE(resp.errors_size() == 1);
    const std::string too_large =
        "the rule files are too large: more than 1000000 YAML nodes once aliases are expanded";
    CHECK(resp.errors(0) == file + ":12:50: " + too_large);
    CHECK(store.take_pending() == nullptr);
    CHECK(store.current()->rule_info(0).name == "kept");
}

TEST_CASE("rule store: concurrent reloads, listings and switches stay consistent") {
    LoadedStore loaded("steady");
    RuleStore &store = loaded.store;

    // Catch's assertions are not thread-safe: threads count, the test checks
    std::atomic<bool> stop{false};
    std::atomic<int> bad_switches{0}, bad_listings{0}, ok{0};
    std::thread engine([&] {
        while (!stop) {
            if (auto fresh = store.take_pending(); fresh && fresh->rule_count() != 1) bad_switches++;
            std::this_thread::yield();
        }
    });
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; t++)
        clients.emplace_back([&] {
            for (int i = 0; i < 20; i++) {
                if (store.reload(true).ok()) ok++;
                if (store.describe().rules_size() != 1) bad_listings++;
            }
        });
    for (auto &c : clients) c.join();
    stop = true;
    engine.join();
    CHECK(ok == 80);
    CHECK(bad_switches == 0);
    CHECK(bad_listings == 0);
    CHECK(store.current()->rule_info(0).name == "steady");
}
