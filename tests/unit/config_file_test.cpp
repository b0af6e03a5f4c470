// The config file: every option has a key, flags override the file, and
// each kind of mistake is reported at its file:line:column.

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "app/config_file.h"
#include "app/option_table.h"
#include "app/options.h"
#include "parsed_options.h"
#include "test_util.h"

using namespace crowsnest;
using crowsnest::test::parse;
using crowsnest::test::Parsed;
using crowsnest::test::TempDir;
using crowsnest::test::write_file;

namespace {

// The errors of a config file with `text`, named "c.yaml" in the messages.
std::vector<std::string> errors_of(const std::string &text) {
    TempDir dir;
    write_file(dir / "c.yaml", text);
    std::vector<Setting> settings;
    std::vector<std::string> errors;
    CHECK_FALSE(read_config_file(dir / "c.yaml", settings, errors));
    for (auto &e : errors)
        for (size_t at; (at = e.find(dir.path() + "/")) != std::string::npos;) e.erase(at, dir.path().size() + 1);
    return errors;
}

// The error parse_options gives for a config file with `text`, its
// directory left out.
std::string option_error_of(const std::string &text, std::vector<std::string> flags = {}) {
    TempDir dir;
    write_file(dir / "c.yaml", text);
    flags.insert(flags.begin(), {"--config", dir / "c.yaml"});
    Parsed p = parse(flags);
    CHECK_FALSE(p.ok);
    for (size_t at; (at = p.error.find(dir.path() + "/")) != std::string::npos;)
        p.error.erase(at, dir.path().size() + 1);
    return p.error;
}

}  // namespace

TEST_CASE("config: every option with a value or a flag has a key, and every key one option", "[config]") {
    std::set<std::string> keys;
    for (const auto &s : option_table()) {
        if (!s.flag) continue;
        const std::string flag = s.flag;
        // what only the command line can say: which file to read, and what to print instead of running
        if (flag == "config" || flag == "help" || flag == "version") {
            CHECK(s.key == nullptr);
            continue;
        }
        INFO(flag);
        REQUIRE(s.key != nullptr);
        CHECK(keys.insert(s.key).second);
        CHECK(find_key(s.key) == &s);
        CHECK(find_flag(flag) == &s);
    }
}

TEST_CASE("config: a file sets options, nested by their dots, flags override it", "[config]") {
    TempDir dir;
    write_file(dir / "c.yaml",
               "host_root: /host\n"
               "events: yes\n"
               "rules: [/a.yaml, /b.d]\n"
               "grpc:\n  socket: none\n  keep_verdicts: 7\n"
               "kernel: {ringbuf_size: 65536, flood_rate: 0}\n"
               "http:\n  listen: 127.0.0.1:9000\n"
               "health: {ready_drop_seconds: 5}\n");
    Parsed p = parse({"--config", dir / "c.yaml"});
    INFO(p.error);
    REQUIRE(p.ok);
    CHECK(p.opts.host_root == "/host");
    CHECK(p.opts.print_events);
    CHECK(p.opts.rule_paths == std::vector<std::string>{"/a.yaml", "/b.d"});
    CHECK(p.opts.server.socket.empty());
    CHECK(p.opts.keep_verdicts == 7);
    CHECK(p.opts.sensor.ringbuf_bytes == 65536);
    CHECK(p.opts.sensor.flood_rate == 0);
    CHECK(p.opts.http.listen == "127.0.0.1:9000");
    CHECK(p.opts.readiness.drop_seconds == 5);

    // a flag wins over its key, whatever the order; a list on the command line replaces the file's
    p = parse({"--host-root", "/elsewhere", "-r", "/c.yaml", "--config", dir / "c.yaml", "--keep-verdicts", "9"});
    REQUIRE(p.ok);
    CHECK(p.opts.host_root == "/elsewhere");
    CHECK(p.opts.rule_paths == std::vector<std::string>{"/c.yaml"});
    CHECK(p.opts.keep_verdicts == 9);
    CHECK(p.opts.sensor.ringbuf_bytes == 65536);  // not given on the command line: the file's

    // "none" reads no file at all
    p = parse({"--config", "none"});
    REQUIRE(p.ok);
    CHECK(p.opts.host_root == "/");
}

TEST_CASE("config: a single value for a list, an empty file, and a file of comments are fine", "[config]") {
    TempDir dir;
    write_file(dir / "one.yaml", "rules: /only.yaml\n");
    Parsed p = parse({"--config", dir / "one.yaml"});
    REQUIRE(p.ok);
    CHECK(p.opts.rule_paths == std::vector<std::string>{"/only.yaml"});
    for (const char *text : {"", "# nothing set\n", "---\n"}) {
        write_file(dir / "empty.yaml", text);
        p = parse({"--config", dir / "empty.yaml"});
        CHECK(p.ok);
    }
}

TEST_CASE("config: the shipped example is valid", "[config]") {
    Options o;
    std::string error;
    CHECK(read_config_options(CROWSNEST_SOURCE_DIR "/deploy/crowsnest.yaml", o, error));
    CHECK(error.empty());
}

TEST_CASE("config: each kind of mistake at its file:line:column", "[config]") {
    CHECK(errors_of("host_root: /\nhots_root: /x\n") == std::vector<std::string>{"c.yaml:2:1: unknown key 'hots_root'"});
    CHECK(errors_of("grpc:\n  sokcet: /x\n") == std::vector<std::string>{"c.yaml:2:3: unknown key 'grpc.sokcet'"});
    CHECK(errors_of("output: a\noutput: b\n") ==
          std::vector<std::string>{"c.yaml:2:1: duplicate key 'output' (first at c.yaml:1:1)"});
    CHECK(errors_of("http: 127.0.0.1:80\n") ==
          std::vector<std::string>{"c.yaml:1:7: 'http' is a section: it takes keys (http.listen)"});
    CHECK(errors_of("output:\n") == std::vector<std::string>{"c.yaml:1:1: output: needs a value"});
    CHECK(errors_of("host_root: [a, b]\n") == std::vector<std::string>{"c.yaml:1:12: host_root: must be a single value"});
    CHECK(errors_of("rules: {a: b}\n") ==
          std::vector<std::string>{"c.yaml:1:8: rules: must be a value or a list of values"});
    CHECK(errors_of("events: sometimes\n") == std::vector<std::string>{"c.yaml:1:9: events: must be true or false"});
    CHECK(errors_of("[a, b]: 1\n") == std::vector<std::string>{"c.yaml:1:1: a key must be a plain name"});
    CHECK(errors_of("- host_root: /\n") ==
          std::vector<std::string>{"c.yaml:1:1: a config file is a map of keys (see crowsnest --help)"});
    // YAML itself: yaml-cpp's message at its mark
    const auto syntax = errors_of("grpc:\n  socket: /x: y\n");
    REQUIRE(syntax.size() == 1);
    CHECK(syntax[0] == "c.yaml:2:13: illegal map value");
    // several mistakes: each one
    CHECK(errors_of("a: 1\nb: 2\n").size() == 2);
}

TEST_CASE("config: values the options refuse, at the value's position", "[config]") {
    CHECK(option_error_of("kernel:\n  ringbuf_size: 12288\n") ==
          "invalid config file c.yaml:\n"
          "c.yaml:2:17: invalid kernel.ringbuf_size '12288': must be a power of two of at least 4096");
    CHECK(option_error_of("engine: {poll_ms: 1001}\n") ==
          "invalid config file c.yaml:\nc.yaml:1:19: invalid engine.poll_ms '1001': must be a number from 0 to 1000");
    CHECK(option_error_of("grpc: {subscriber_queue: -1}\n") ==
          "invalid config file c.yaml:\n"
          "c.yaml:1:26: invalid grpc.subscriber_queue '-1': must be a number from 2 to 10000000");
    CHECK(option_error_of("output: ''\n") == "invalid config file c.yaml:\nc.yaml:1:9: invalid output '': must not be empty");
    // options that only make sense together are checked after the file and the flags
    CHECK(option_error_of("grpc: {listen: 0.0.0.0:1}\n") ==
          "--listen serves mutual TLS: it needs --tls-cert, --tls-key and --tls-client-ca "
          "(plaintext TCP only with --insecure-listen)");
    // a bad file is refused even where a flag would override the bad key
    CHECK_THAT(option_error_of("host_root: [x]\n", {"--host-root", "/"}),
               Catch::Contains("c.yaml:1:12: host_root: must be a single value"));
}

TEST_CASE("config: a file that cannot be a config", "[config]") {
    TempDir dir;
    Parsed p = parse({"--config", dir / "missing.yaml"});
    CHECK_FALSE(p.ok);
    CHECK(p.error == "invalid config file " + dir / "missing.yaml" + ":\ncannot read " + dir / "missing.yaml" +
                         ": No such file or directory");
    p = parse({"--config", dir.path()});
    CHECK(p.error == "invalid config file " + dir.path() + ":\n" + dir.path() + ": not a regular file");
    write_file(dir / "big.yaml", std::string(2u << 20, '#'));
    p = parse({"--config", dir / "big.yaml"});
    CHECK_THAT(p.error, Catch::Contains("larger than 1048576 bytes"));
    // an alias bomb is refused before anything is built
    std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    for (char c = 'b'; c <= 'h'; c++)
        bomb += std::string(1, c) + ": &" + c + " [*" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) +
                ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" +
                char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + "]\n";
    write_file(dir / "bomb.yaml", bomb);
    p = parse({"--config", dir / "bomb.yaml"});
    CHECK_FALSE(p.ok);
    CHECK_THAT(p.error, Catch::Contains("bomb.yaml:"));
}

TEST_CASE("config: --help lists every option with its key", "[config]") {
    const std::string usage = usage_text();
    for (const auto &s : option_table()) {
        if (s.flag) CHECK_THAT(usage, Catch::Contains(std::string("--") + s.flag));
        if (s.key) CHECK_THAT(usage, Catch::Contains(std::string("[") + s.key + "]"));
    }
}

TEST_CASE("config: the alert outputs by keys and by flags, and their mistakes", "[config]") {
    TempDir dir;
    write_file(dir / "c.yaml",
               "output_format: falco\noutput_rotate_bytes: 1048576\noutput_keep: 3\n"
               "outputs:\n"
               "  syslog: tcp:[::1]:6514\n"
               "  http:\n    url: https://sidekick:2801/\n    format: elasticsearch\n"
               "    headers: [\"Authorization: Bearer t\"]\n    ca: /ca.pem\n    index: alerts-%Y\n"
               "    rate: 100\n"
               "  slack: {webhook: https://hooks.example/x, rate: 2, burst: 5}\n"
               "  syslog_burst: 40\n"
               "  rate: 20\n  dedup_window: 30\n");
    Parsed p = parse({"--config", dir / "c.yaml"});
    INFO(p.error);
    REQUIRE(p.ok);
    CHECK(p.opts.output_format == "falco");
    CHECK(p.opts.output_rotate_bytes == 1048576);
    CHECK(p.opts.output_keep == 3);
    CHECK(p.opts.syslog_output == "tcp:[::1]:6514");
    CHECK(p.opts.http_output.url == "https://sidekick:2801/");
    CHECK(p.opts.http_output.format == HttpFormat::Elasticsearch);
    CHECK(p.opts.http_output.headers == std::vector<std::string>{"Authorization: Bearer t"});
    CHECK(p.opts.http_output.ca_file == "/ca.pem");
    CHECK(p.opts.http_output.index_pattern == "alerts-%Y");
    CHECK(p.opts.slack_webhook == "https://hooks.example/x");
    CHECK(p.opts.flood.rate == 20);
    CHECK(p.opts.flood.burst == 20);  // --burst defaults to --rate
    CHECK(p.opts.flood.window == std::chrono::seconds(30));
    CHECK(p.opts.flood_given);
    // each output's own rate and burst; what is not given stays the common one (-1)
    CHECK(p.opts.http_rate.rate == 100);
    CHECK(p.opts.http_rate.burst == 100);  // its burst defaults to its rate
    CHECK(p.opts.slack_rate.rate == 2);
    CHECK(p.opts.slack_rate.burst == 5);
    CHECK(p.opts.syslog_rate.rate == -1);
    CHECK(p.opts.syslog_rate.burst == 40);

    p = parse({"--config", dir / "c.yaml", "--http-format", "json", "--burst", "50", "--slack-rate", "0"});
    REQUIRE(p.ok);
    CHECK(p.opts.http_output.format == HttpFormat::Json);
    CHECK(p.opts.flood.burst == 50);
    CHECK(p.opts.slack_rate.rate == 0);  // a flag over the file: no token bucket for Slack

    CHECK(option_error_of("outputs:\n  syslog: tcp:host\n").find("c.yaml:2:11") != std::string::npos);
    CHECK(option_error_of("outputs:\n  http: {url: http://x/, format: xml}\n").find("must be falco, json or elasticsearch") !=
          std::string::npos);
    CHECK(option_error_of("output_format: yaml\n").find("must be crowsnest or falco") != std::string::npos);
    CHECK(option_error_of("output_rotate_bytes: 100\n").find("at least 4096") != std::string::npos);
    for (const auto &[flags, message] : std::vector<std::pair<std::vector<std::string>, std::string>>{
             {{"--http-header", "Authorization: x"}, "apply to --http-output, which is not given"},
             {{"--http-output", "http://x/", "--http-cert", "/c.pem"}, "--http-cert and --http-key go together"},
             {{"--http-output", "http://x/", "--http-header", "no colon"}, "\"Name: value\""},
             {{"--slack-webhook", ""}, "must not be empty"},
             {{"--rate", "-1"}, "must be a number"}}) {
        Parsed bad = parse(flags);
        INFO(flags[0]);
        CHECK_FALSE(bad.ok);
        CHECK(bad.error.find(message) != std::string::npos);
    }
}

TEST_CASE("config: learned profiles by keys, durations and their mistakes", "[config][profile]") {
    TempDir dir;
    write_file(dir / "c.yaml", "profiles:\n  path: /var/lib/crowsnest/profiles.db\n  learning: 10m\n  quiet: 90s\n"
                               "  ipv4_prefix: 32\n  key_label: app\n");
    Options o;
    std::string error;
    REQUIRE(read_config_options(dir / "c.yaml", o, error));
    CHECK(o.profiles_path == "/var/lib/crowsnest/profiles.db");
    CHECK(o.profiles.learning_ns == 600ull * 1000000000ull);
    CHECK(o.profiles.quiet_ns == 90ull * 1000000000ull);
    CHECK(o.profiles.entries.ipv4_prefix == 32);
    CHECK(o.profiles.owner_label == "app");
    CHECK(option_error_of("profiles:\n  learning: soon\n") ==
          "invalid config file c.yaml:\nc.yaml:2:13: invalid profiles.learning 'soon': must be a duration such as 90s, "
          "10m, 24h or 7d (at most a year)");
    CHECK(option_error_of("profiles:\n  ipv6_prefix: 129\n") ==
          "invalid config file c.yaml:\nc.yaml:2:16: invalid profiles.ipv6_prefix '129': must be a number from 16 to 128");
}
