// The output file: rotated by size and reopened after logrotate, with no
// line lost, split or written twice across files.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <google/protobuf/util/json_util.h>

#include "engine/line_file.h"
#include "crowsnest.pb.h"
#include "engine/output_file.h"
#include "proto_json.h"
#include "test_util.h"

using namespace crowsnest;
using namespace crowsnest::test;

namespace {

v1::Verdict numbered(uint64_t n) {
    v1::Verdict v;
    v.set_rule("write_below_etc");
    v.set_output("File below /etc opened for writing");
    v.set_sequence(n);
    return v;
}

// One line, written at once, as the JSON lines output does at the end of a batch.
void write(LineFile &out, const v1::Verdict &v) {
    out.add(to_json_line(v));
    out.flush();
}

// The sequences in `path`, oldest file first (FILE.keep ... FILE.1, FILE).
std::vector<uint64_t> sequences(const std::string &path, unsigned keep) {
    std::vector<uint64_t> out;
    for (unsigned i = keep + 1; i-- > 0;) {
        std::ifstream in(i ? path + "." + std::to_string(i) : path);
        for (std::string line; std::getline(in, line);) {
            v1::Verdict v;
            REQUIRE(google::protobuf::util::JsonStringToMessage(line, &v).ok());
            out.push_back(v.sequence());
        }
    }
    return out;
}

}  // namespace

TEST_CASE("output file: 100 000 verdicts over 5 rotations, none lost or repeated", "[output_file]") {
    TempDir dir;
    const std::string path = dir / "verdicts.json";
    constexpr uint64_t kVerdicts = 100000;
    uint64_t total = 0;
    for (uint64_t i = 1; i <= kVerdicts; i++) total += to_json_line(numbered(i)).size() + 1;
    std::string error;
    auto file = OutputFile::open(path, total / 6 + 4096, 10, error);  // a little over a sixth: 5 rotations
    REQUIRE(file);
    {
        LineFile out(file.get());
        for (uint64_t i = 1; i <= kVerdicts; i++) write(out, numbered(i));  // each flushed: rotation checked each time
        CHECK(out.lost() == 0);
        CHECK(out.errors() == 0);
    }
    CHECK(file->rotations() == 5);
    const auto seen = sequences(path, 10);
    REQUIRE(seen.size() == kVerdicts);
    for (uint64_t i = 0; i < kVerdicts; i++)
        if (seen[i] != i + 1) FAIL("line " << i << " holds sequence " << seen[i]);
    for (unsigned i = 1; i <= 5; i++) CHECK(std::filesystem::file_size(path + "." + std::to_string(i)) <= total / 6 + 4096);
}

TEST_CASE("output file: only --output-keep rotated files stay, SIGUSR1's reopen follows logrotate", "[output_file]") {
    TempDir dir;
    const std::string path = dir / "verdicts.json";
    std::string error;
    auto file = OutputFile::open(path, 4096, 2, error);
    REQUIRE(file);
    LineFile out(file.get());
    for (uint64_t i = 1; i <= 2000; i++) write(out, numbered(i));
    CHECK(file->rotations() > 5);
    CHECK(std::filesystem::exists(path + ".2"));
    CHECK_FALSE(std::filesystem::exists(path + ".3"));
    const auto kept = sequences(path, 2);
    REQUIRE(!kept.empty());
    CHECK(kept.back() == 2000);
    for (size_t i = 1; i < kept.size(); i++) CHECK(kept[i] == kept[i - 1] + 1);  // the newest, without a hole

    // logrotate moves the file away; lines go on to the moved file until the reopen, then to a new one
    std::filesystem::rename(path, path + ".rotated");
    write(out, numbered(2001));
    CHECK(out.reopen());
    write(out, numbered(2002));
    std::ifstream moved(path + ".rotated"), fresh(path);
    std::string last_moved, line, first_fresh;
    while (std::getline(moved, line)) last_moved = line;
    std::getline(fresh, first_fresh);
    CHECK(last_moved.find("\"sequence\":\"2001\"") != std::string::npos);
    CHECK(first_fresh.find("\"sequence\":\"2002\"") != std::string::npos);
    CHECK((std::filesystem::status(path).permissions() & std::filesystem::perms::others_read) ==
          std::filesystem::perms::none);
}

TEST_CASE("output file: a directory that cannot be written fails clearly", "[output_file]") {
    std::string error;
    CHECK_FALSE(OutputFile::open("/proc/crowsnest/none.json", 0, 1, error));
    CHECK(error.find("cannot open /proc/crowsnest/none.json") == 0);
}
