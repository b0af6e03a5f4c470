// Command-line options of the crowsnest daemon.
#pragma once

#include <string>
#include <vector>

#include "bpf_sensor.h"

namespace crowsnest {

struct Options {
    std::vector<std::string> rule_paths;  // files or directories of *.yaml
    bool print_events = false;
    std::string output_path;              // "" = stdout
    std::string host_root = "/";
    int poll_ms = 5;
    SensorOptions sensor;
    // gRPC: a root-only Unix socket by default; TCP only with TLS (client
    // certificates required) or with an explicit --insecure-listen
    std::string grpc_socket = "/run/crowsnest/crowsnest.sock";  // "" = none
    std::string listen;                  // host:port, TLS
    std::string tls_cert, tls_key, tls_client_ca;
    std::string insecure_listen;         // host:port, plaintext
    size_t keep_verdicts = 4096;         // kept for resuming subscribers
    size_t subscriber_queue = 4096;      // per subscriber, then it drops
    bool help = false;
    bool version = false;
};

// Parses argv. Returns false with a message in `error` on bad input.
bool parse_options(int argc, char **argv, Options &out, std::string &error);

const char *usage_text();

// The rule files named by the options: each directory's *.yaml/*.yml,
// sorted by name. Returns false with a message on a missing path.
bool expand_rule_paths(const std::vector<std::string> &paths, std::vector<std::string> &files, std::string &error);

}  // namespace crowsnest
