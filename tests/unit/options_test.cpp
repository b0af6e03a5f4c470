// options: command-line parsing and the expansion of rule paths.
#include <getopt.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "app/options.h"
#include "rules/rule_files.h"
#include "parsed_options.h"
#include "test_util.h"

using crowsnest::expand_rule_paths;
using crowsnest::Options;
using crowsnest::test::parse;
using crowsnest::test::Parsed;
using crowsnest::test::TempDir;
using crowsnest::test::write_file;

TEST_CASE("options: defaults", "[options]") {
    const Parsed p = parse({"--config", "none"});
    REQUIRE(p.ok);
    // the shipped rules, found from the binary (here build/unit_tests: the source tree's), then rules.d if present
    REQUIRE(!p.opts.rule_paths.empty());
    CHECK(p.opts.rule_paths[0] == CROWSNEST_DEFAULT_RULES);
    CHECK(p.opts.rule_paths.size() == (std::filesystem::is_directory(crowsnest::kUserRulesDir) ? 2u : 1u));
    CHECK_FALSE(p.opts.print_events);
    CHECK(p.opts.output_path.empty());
    CHECK(p.opts.host_root == "/");
    CHECK(p.opts.poll_ms == 5);
    CHECK(p.opts.sensor.ringbuf_bytes == 8u << 20);
    CHECK_FALSE(p.opts.help);
    CHECK_FALSE(p.opts.version);
}

TEST_CASE("options: every flag", "[options]") {
    const Parsed p = parse({"-r", "a.yaml", "--rules", "dir/", "--rules=b.yml", "-e", "-o", "/tmp/out.json",
                            "--host-root", "/", "--ringbuf-size", "4096", "--wakeup-bytes", "0", "--poll-ms", "1000",
                            "-v", "-h", "--version"});
    INFO(p.error);
    REQUIRE(p.ok);
    CHECK(p.opts.rule_paths == std::vector<std::string>{"a.yaml", "dir/", "b.yml"});
    CHECK(p.opts.print_events);
    CHECK(p.opts.output_path == "/tmp/out.json");
    CHECK(p.opts.host_root == "/");
    CHECK(p.opts.sensor.ringbuf_bytes == 4096);
    CHECK(p.opts.sensor.wakeup_bytes == 1);  // at least one byte
    CHECK(p.opts.poll_ms == 1000);
    CHECK(p.opts.sensor.verbose);
    CHECK(p.opts.help);
    CHECK(p.opts.version);
}

TEST_CASE("options: grouped short flags", "[options]") {
    const Parsed p = parse({"-ev", "-ofile.json"});
    REQUIRE(p.ok);
    CHECK(p.opts.print_events);
    CHECK(p.opts.sensor.verbose);
    CHECK(p.opts.output_path == "file.json");
}

TEST_CASE("options: the largest ring buffer", "[options]") {
    const Parsed p = parse({"--ringbuf-size", std::to_string(1ul << 30)});
    REQUIRE(p.ok);
    CHECK(p.opts.sensor.ringbuf_bytes == 1u << 30);
}

TEST_CASE("options: unknown options and stray arguments", "[options]") {
    Parsed p = parse({"--bogus"});
    CHECK_FALSE(p.ok);
    CHECK(p.error == "unknown option --bogus");
    p = parse({"-x"});
    CHECK_FALSE(p.ok);
    CHECK(p.error == "unknown option -x");
    p = parse({"-e", "extra"});
    CHECK_FALSE(p.ok);
    CHECK(p.error == "unexpected argument 'extra'");
}

// For "-xe" getopt does not advance optind past the group, so
// argv[optind - 1] is the argument before it.
TEST_CASE("options: an unknown flag inside a group names that group", "[options]") {
    Parsed p = parse({"-xe"});
    CHECK_FALSE(p.ok);
    CHECK(p.error == "unknown option -x");
    p = parse({"-e", "-vxe"});
    CHECK(p.error == "unknown option -x");
    // a long option is named as written
    p = parse({"--bogus=1"});
    CHECK(p.error == "unknown option --bogus=1");
    p = parse({"-e", "--help=yes"});  // a value for a flag that takes none
    CHECK(p.error == "unknown option --help=yes");
}

// An error inside a group leaves glibc's getopt in the middle of it; the next
// parse must not continue there.
TEST_CASE("options: each parse starts clean", "[options]") {
    crowsnest::test::reset_getopt();
    char arg0[] = "crowsnest", group[] = "-xe", verbose[] = "-v";
    char *first[] = {arg0, group, nullptr};
    char *second[] = {arg0, verbose, nullptr};
    Options opts;
    std::string error;
    CHECK_FALSE(crowsnest::parse_options(2, first, opts, error));  // stops at x, before the e
    opts = Options();
    REQUIRE(crowsnest::parse_options(2, second, opts, error));
    CHECK(opts.sensor.verbose);
    CHECK_FALSE(opts.print_events);
}

TEST_CASE("options: a missing value", "[options]") {
    for (const std::string opt : {"--rules", "-r", "--output", "-o", "--host-root", "--ringbuf-size", "--poll-ms"}) {
        const Parsed p = parse({opt});
        CAPTURE(opt);
        CHECK_FALSE(p.ok);
        CHECK(p.error == "option " + opt + " needs a value");
    }
}

TEST_CASE("options: bad numbers", "[options]") {
    auto error_of = [](std::vector<std::string> args) {
        const Parsed p = parse(std::move(args));
        CHECK_FALSE(p.ok);
        return p.error;
    };
    const std::string not_pow2 = "': must be a power of two of at least 4096";
    const std::string ring_range = "': must be a number from 4096 to 1073741824";
    CHECK(error_of({"--ringbuf-size", "12288"}) == "invalid --ringbuf-size '12288" + not_pow2);
    CHECK(error_of({"--ringbuf-size", "4097"}) == "invalid --ringbuf-size '4097" + not_pow2);
    CHECK(error_of({"--ringbuf-size", "2048"}) == "invalid --ringbuf-size '2048" + ring_range);
    CHECK(error_of({"--ringbuf-size", "0"}) == "invalid --ringbuf-size '0" + ring_range);
    CHECK(error_of({"--ringbuf-size", "2147483648"}) == "invalid --ringbuf-size '2147483648" + ring_range);
    CHECK(error_of({"--ringbuf-size", "8M"}) == "invalid --ringbuf-size '8M" + ring_range);
    CHECK(error_of({"--ringbuf-size", ""}) == "invalid --ringbuf-size '" + ring_range);
    CHECK(error_of({"--poll-ms", "1001"}) == "invalid --poll-ms '1001': must be a number from 0 to 1000");
    CHECK(error_of({"--poll-ms", "abc"}) == "invalid --poll-ms 'abc': must be a number from 0 to 1000");
    CHECK(error_of({"--wakeup-bytes", "99999999999"}) ==
          "invalid --wakeup-bytes '99999999999': must be a number from 0 to 1073741824");
    CHECK(error_of({"--poll-ms", "-1"}) == "invalid --poll-ms '-1': must be a number from 0 to 1000");
}

TEST_CASE("options: usage text names every option", "[options]") {
    const std::string usage = crowsnest::usage_text();
    for (const char *opt : {"--rules", "--events", "--output", "--host-root", "--ringbuf-size", "--wakeup-bytes",
                            "--poll-ms", "--verbose", "--help", "--version"})
        CHECK_THAT(usage, Catch::Contains(opt));
}

TEST_CASE("expand_rule_paths: a directory gives its *.yaml and *.yml, sorted", "[options]") {
    TempDir dir;
    write_file(dir / "b.yaml", "");
    write_file(dir / "a.yml", "");
    write_file(dir / "c.yaml", "");
    write_file(dir / "notes.txt", "");
    write_file(dir / "rules.yaml.bak", "");
    write_file(dir / "sub/d.yaml", "");                 // not recursive
    std::filesystem::create_directories(dir / "e.yaml");  // a directory, not a file

    std::vector<std::string> files;
    std::string error;
    REQUIRE(expand_rule_paths({dir.path()}, files, error));
    CHECK(files == std::vector<std::string>{dir / "a.yml", dir / "b.yaml", dir / "c.yaml"});
    CHECK(error.empty());
}

TEST_CASE("expand_rule_paths: files are kept in order, after what is already there", "[options]") {
    TempDir dir;
    write_file(dir / "z.yaml", "");
    write_file(dir / "custom.rules", "");  // named explicitly: taken whatever its extension
    write_file(dir / "d/a.yaml", "");
    std::vector<std::string> files = {"earlier.yaml"};
    std::string error;
    REQUIRE(expand_rule_paths({dir / "z.yaml", dir / "custom.rules", dir / "d"}, files, error));
    CHECK(files == std::vector<std::string>{"earlier.yaml", dir / "z.yaml", dir / "custom.rules", dir / "d/a.yaml"});
}

TEST_CASE("expand_rule_paths: an empty directory gives nothing", "[options]") {
    TempDir dir;
    std::vector<std::string> files;
    std::string error;
    CHECK(expand_rule_paths({dir.path()}, files, error));
    CHECK(files.empty());
}

TEST_CASE("expand_rule_paths: a missing path is an error", "[options]") {
    TempDir dir;
    write_file(dir / "a.yaml", "");
    std::vector<std::string> files;
    std::string error;
    CHECK_FALSE(expand_rule_paths({dir / "a.yaml", dir / "missing"}, files, error));
    CHECK(error == "rule path '" + dir / "missing" + "' does not exist");
}

TEST_CASE("expand_rule_paths: the shipped rules directory", "[options]") {
    std::vector<std::string> files;
    std::string error;
    REQUIRE(expand_rule_paths({CROWSNEST_DEFAULT_RULES}, files, error));
    CHECK(std::find(files.begin(), files.end(), std::string(CROWSNEST_SOURCE_DIR "/rules/default.yaml")) != files.end());
}

TEST_CASE("options: gRPC listeners", "[options]") {
    auto d = parse({});
    REQUIRE(d.ok);
    CHECK(d.opts.server.socket == "/run/crowsnest/crowsnest.sock");
    CHECK(d.opts.server.listen.empty());
    CHECK(d.opts.server.insecure_listen.empty());
    CHECK(parse({"--grpc-socket", "none"}).opts.server.socket.empty());

    auto tls = parse({"--listen", "0.0.0.0:5000", "--tls-cert", "c", "--tls-key", "k", "--tls-client-ca", "ca"});
    REQUIRE(tls.ok);
    CHECK(tls.opts.server.listen == "0.0.0.0:5000");
    CHECK(tls.opts.server.tls_client_ca == "ca");

    // TCP without client certificates only when asked for by name
    auto no_ca = parse({"--listen", "0.0.0.0:5000", "--tls-cert", "c", "--tls-key", "k"});
    CHECK_FALSE(no_ca.ok);
    CHECK(no_ca.error.find("--tls-client-ca") != std::string::npos);
    CHECK(no_ca.error.find("--insecure-listen") != std::string::npos);
    CHECK_FALSE(parse({"--tls-cert", "c"}).ok);
    CHECK(parse({"--insecure-listen", "127.0.0.1:5000"}).opts.server.insecure_listen == "127.0.0.1:5000");

    auto sizes = parse({"--keep-verdicts", "10", "--subscriber-queue", "8"});
    REQUIRE(sizes.ok);
    CHECK(sizes.opts.keep_verdicts == 10);
    CHECK(sizes.opts.subscriber_queue == 8);
    CHECK_FALSE(parse({"--subscriber-queue", "1"}).ok);
}
