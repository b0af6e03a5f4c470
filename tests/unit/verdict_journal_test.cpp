// The verdict journal: what it gives back after a clean stop, a crash, a
// torn write, and across its two segments.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "api/verdict_journal.h"
#include "test_util.h"

using namespace crowsnest;
using crowsnest::test::TempDir;

namespace {

v1::Verdict verdict(uint64_t seq) {
    v1::Verdict v;
    v.set_sequence(seq);
    v.set_rule("r" + std::to_string(seq));
    v.set_output(std::string(200, 'o'));
    return v;
}

// Writes verdicts from..to through a hub, as the engine and the writer do.
void write(VerdictJournal &j, VerdictHub &hub, uint64_t from, uint64_t to) {
    for (uint64_t s = from; s <= to; s++) {
        j.reserve(s);
        hub.publish(verdict(s));
    }
    hub.wait_dispatched();
}

std::unique_ptr<VerdictJournal> reopen(const std::string &path, VerdictJournal::Recovered &r, size_t keep = 16,
                                       uint64_t max_bytes = 64u << 20) {
    std::string error;
    auto j = VerdictJournal::open(path, max_bytes, keep, r, error);
    INFO(error);
    REQUIRE(j);
    return j;
}

// A run that journals verdicts 1..last and stops cleanly.
void clean_run(const std::string &path, uint64_t last, uint64_t max_bytes = 64u << 20) {
    VerdictJournal::Recovered r;
    auto j = reopen(path, r, 16, max_bytes);
    VerdictHub hub(HubLimits{16, 4096});
    j->start(hub);
    write(*j, hub, 1, last);
    j->finish(last);
}

}  // namespace

TEST_CASE("journal: after a clean stop the numbers go on where the verdicts end, and the last are kept") {
    TempDir dir;
    const std::string path = dir / "verdicts.journal";
    VerdictJournal::Recovered r;
    std::string space;
    {
        auto j = reopen(path, r);
        CHECK(r.kept.empty());
        CHECK(r.reserved == 0);
        space = r.space;
        CHECK(space.size() == 32);
        VerdictHub hub(HubLimits{16, 1024});
        j->start(hub);
        write(*j, hub, 1, 40);
        j->finish(40);
    }
    struct stat st {};
    REQUIRE(stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    auto j = reopen(path, r);
    CHECK(r.space == space);
    CHECK(r.last_sequence == 40);
    CHECK(r.reserved == 40);
    REQUIRE(r.kept.size() == 16);
    CHECK(r.kept.front().sequence() == 25);
    CHECK(r.kept.back().rule() == "r40");
}

TEST_CASE("journal: after a crash, the numbers reserved but not journaled are known") {
    TempDir dir;
    const std::string path = dir / "verdicts.journal";
    VerdictJournal::Recovered r;
    {
        VerdictHub hub(HubLimits{16, 1024});  // outlives the journal's writer
        auto j = reopen(path, r);
        j->start(hub);
        write(*j, hub, 1, 10);
        while (j->written() < 10) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        // no finish(): as after kill -9, the last reservation stands
    }
    auto j = reopen(path, r);
    CHECK(r.last_sequence == 10);
    CHECK(r.reserved == VerdictJournal::kReserveBlock);
    CHECK(j->reserve(r.reserved + 1) == r.reserved + VerdictJournal::kReserveBlock);
}

TEST_CASE("journal: a torn last record is cut, and everything before it kept") {
    TempDir dir;
    const std::string path = dir / "verdicts.journal";
    clean_run(path, 5);
    struct stat before {};
    stat(path.c_str(), &before);
    {
        std::ofstream out(path, std::ios::app | std::ios::binary);
        const char torn[] = {char(200), 0, 0, 0, 1, 2, 3, 4, 2, 'x', 'y'};  // a header promising 200 bytes
        out.write(torn, sizeof(torn));
    }
    VerdictJournal::Recovered r;
    auto j = reopen(path, r);
    CHECK(r.cut_bytes == 11);
    CHECK(r.last_sequence == 5);
    CHECK(r.kept.size() == 5);
    struct stat after {};
    stat(path.c_str(), &after);
    CHECK(after.st_size == before.st_size);
}

TEST_CASE("journal: a foreign or corrupt file is not trusted past its first bad record") {
    TempDir dir;
    const std::string path = dir / "verdicts.journal";
    std::ofstream(path) << "this is not a journal at all, and it goes on for a while";
    VerdictJournal::Recovered r;
    auto j = reopen(path, r);
    CHECK(r.kept.empty());
    CHECK(r.cut_bytes > 0);
    CHECK(r.space.size() == 32);
}

TEST_CASE("journal: capped on disk, two segments, the newest verdicts kept across them") {
    TempDir dir;
    const std::string path = dir / "verdicts.journal";
    clean_run(path, 2000, 64 * 1024);  // a new segment every 32 KiB
    struct stat cur {}, old {};
    REQUIRE(stat(path.c_str(), &cur) == 0);
    REQUIRE(stat((path + ".1").c_str(), &old) == 0);
    CHECK(cur.st_size + old.st_size <= 64 * 1024 + 4096);
    VerdictJournal::Recovered r;
    auto j = reopen(path, r, 16, 64 * 1024);
    CHECK(r.last_sequence == 2000);
    CHECK(r.kept.back().sequence() == 2000);
    CHECK(r.kept.size() == 16);
}
