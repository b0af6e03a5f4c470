// The daemon's options: from the config file (/etc/crowsnest/crowsnest.yaml
// or --config FILE), then the command line, which overrides the file. Every
// option is a row of option_table.cpp.
#pragma once

#include <string>
#include <vector>

#include "api/grpc_server.h"
#include "engine/readiness.h"
#include "http/http_server.h"
#include "outputs/flood_control.h"
#include "outputs/http_sink.h"
#include "profile/profiler.h"
#include "sensor/sensor_options.h"

namespace crowsnest {

// Read when it exists and no --config is given.
constexpr const char *kDefaultConfigPath = "/etc/crowsnest/crowsnest.yaml";
// The user's rules, loaded after the shipped ones when it exists.
constexpr const char *kUserRulesDir = "/etc/crowsnest/rules.d";

struct Options {
    std::string config_path;              // "" = kDefaultConfigPath if it exists; "none"
    std::vector<std::string> rule_paths;  // files or directories of *.yaml; none given = the defaults
    bool print_events = false;
    std::string output_path;              // "" = stdout
    std::string output_format = "crowsnest";  // or "falco", for stdout and the output file
    uint64_t output_rotate_bytes = 0;     // the output file is rotated past this size (0: never)
    unsigned output_keep = 5;             // rotated files kept: FILE.1 ... FILE.N
    std::string syslog_output;            // unix:PATH, udp:HOST:PORT, tcp:HOST:PORT; "" = none
    HttpOutputConfig http_output;         // url "" = no HTTP output
    std::string slack_webhook;            // "" = none
    FloodLimits flood;                    // for the alert outputs (syslog, HTTP, Slack)
    bool flood_given = false;             // --rate, --burst or --dedup-window: Slack's defaults yield
    // One output's own rate and burst, over the common ones (-1: not given).
    struct RateOverride {
        double rate = -1, burst = -1;
    };
    RateOverride syslog_rate, http_rate, slack_rate;
    std::string host_root = "/";
    std::string node_name;                // "" = $NODE_NAME, then the hostname
    // the runtimes' state directories; "" = their default under host_root
    std::string containerd_state, docker_root, crio_root, podman_root;
    int poll_ms = 5;
    SensorOptions sensor;
    ServerConfig server;
    HttpConfig http;
    ReadinessLimits readiness;
    unsigned rules_watch_s = 2;          // rule files checked for changes this often (0: never)
    std::string ready_file;              // written once watching; "" = none
    std::string journal_path;            // "" = beside the socket (none without one); "none"
    uint64_t journal_bytes = 64u << 20;  // the journal's cap
    uint64_t verdict_window_s = 10;      // identical verdicts within it are aggregated (0: never)
    size_t keep_verdicts = 4096;         // kept for resuming subscribers
    size_t subscriber_queue = 4096;      // per subscriber, then it drops
    std::string profiles_path;           // the profiles' SQLite database; "" = profiles off
    ProfileConfig profiles;
    bool help = false;
    bool version = false;
};

// Parses argv and the config file it names (or the default one). Returns
// false with a message in `error` on bad input: for the config file, one
// line per problem, each at its file:line:column.
bool parse_options(int argc, char **argv, Options &out, std::string &error);

// Reads config file `path` alone into `out` and checks the result as the
// daemon would. False with one line per problem in `error`.
bool read_config_options(const std::string &path, Options &out, std::string &error);

std::string usage_text();

}  // namespace crowsnest
