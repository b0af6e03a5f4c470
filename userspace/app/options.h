// Command-line options of the crowsnest daemon.
#pragma once

#include <string>
#include <vector>

#include "api/grpc_server.h"
#include "outputs/flood_control.h"
#include "outputs/http_sink.h"
#include "sensor/sensor_options.h"

namespace crowsnest {

struct Options {
    std::vector<std::string> rule_paths;  // files or directories of *.yaml
    bool print_events = false;
    std::string output_path;              // "" = stdout
    std::string output_format = "crowsnest";  // or "falco", for stdout and the output file
    uint64_t output_rotate_bytes = 0;     // the output file is rotated past this size (0: never)
    unsigned output_keep = 5;             // rotated files kept: FILE.1 ... FILE.N
    std::string syslog_output;            // unix:PATH, udp:HOST:PORT, tcp:HOST:PORT; "" = none
    HttpConfig http;                      // url "" = no HTTP output
    std::string slack_webhook;            // "" = none
    FloodLimits flood;                    // for the alert outputs (syslog, HTTP, Slack)
    bool flood_given = false;             // --rate, --burst or --dedup-window: Slack's defaults yield
    std::string host_root = "/";
    std::string node_name;                // "" = $NODE_NAME, then the hostname
    // the runtimes' state directories; "" = their default under host_root
    std::string containerd_state, docker_root, crio_root, podman_root;
    int poll_ms = 5;
    SensorOptions sensor;
    ServerConfig server;
    std::string ready_file;              // written once watching; "" = none
    std::string journal_path;            // "" = beside the socket (none without one); "none"
    uint64_t journal_bytes = 64u << 20;  // the journal's cap
    uint64_t verdict_window_s = 10;      // identical verdicts within it are aggregated (0: never)
    size_t keep_verdicts = 4096;         // kept for resuming subscribers
    size_t subscriber_queue = 4096;      // per subscriber, then it drops
    bool help = false;
    bool version = false;
};

// Parses argv. Returns false with a message in `error` on bad input.
bool parse_options(int argc, char **argv, Options &out, std::string &error);

const char *usage_text();

}  // namespace crowsnest
