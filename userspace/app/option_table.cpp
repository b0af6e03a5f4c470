#include "app/option_table.h"

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "outputs/http_payloads.h"
#include "outputs/syslog_target.h"

namespace crowsnest {

namespace {

using Kind = OptionSpec::Kind;

bool number(const std::string &v, uint64_t min, uint64_t max, uint64_t &out, std::string &error) {
    char *end = nullptr;
    errno = 0;
    out = std::strtoull(v.c_str(), &end, 10);
    if (v.empty() || *end || errno || v[0] == '-' || out < min || out > max) {
        error = "must be a number from " + std::to_string(min) + " to " + std::to_string(max);
        return false;
    }
    return true;
}

bool flag(const std::string &v, bool &out, std::string &error) {
    if (v != "true" && v != "false") {
        error = "must be true or false";
        return false;
    }
    out = v == "true";
    return true;
}

// "none" switches a path off: kept as "" where the field's default is a path.
std::string path_or_none(const std::string &v) { return v == "none" ? "" : v; }

// --syslog-rate, --http-burst...: one output's own token bucket.
template <Options::RateOverride Options::*Output, double Options::RateOverride::*Field>
bool output_rate(Options &o, const std::string &v, std::string &e) {
    uint64_t n;
    return number(v, 0, 1000000, n, e) && ((o.*Output).*Field = double(n), true);
}

bool not_empty(const std::string &v, std::string &error) {
    if (v.empty()) error = "must not be empty";
    return !v.empty();
}

// "90s", "10m", "24h", "7d", or seconds; in nanoseconds.
bool duration(const std::string &v, uint64_t &ns, std::string &error) {
    static constexpr std::pair<char, uint64_t> kUnits[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
    uint64_t unit = 1;
    std::string digits = v;
    for (const auto &[suffix, seconds] : kUnits)
        if (!v.empty() && v.back() == suffix) {
            unit = seconds;
            digits.pop_back();
        }
    uint64_t n;
    if (!number(digits, 0, 365 * 86400 / unit, n, error)) {
        error = "must be a duration such as 90s, 10m, 24h or 7d (at most a year)";
        return false;
    }
    ns = n * unit * 1000000000ull;
    return true;
}

// The rows. Apply functions are captureless lambdas; help texts give the
// defaults of Options.
const std::vector<OptionSpec> kTable = {
    {"config", 'c', nullptr, Kind::Value, "FILE",
     "read options from FILE (default /etc/crowsnest/crowsnest.yaml when it\n"
     "exists; \"none\": no file). Flags override the file",
     "General:",
     [](Options &o, const std::string &v, std::string &e) { return not_empty(v, e) && (o.config_path = v, true); }},
    {"rules", 'r', "rules", Kind::List, "PATH",
     "rule file or directory of *.yaml (repeatable; default: the shipped rules,\n"
     "found beside the binary in ../share/crowsnest/rules, then /etc/crowsnest/rules.d)",
     nullptr,
     [](Options &o, const std::string &v, std::string &e) { return not_empty(v, e) && (o.rule_paths.push_back(v), true); }},
    {"rules-watch", 0, "rules_watch", Kind::Value, "S",
     "check the rule files every S seconds and reload them when one changed\n"
     "(a Kubernetes ConfigMap update; default 2; 0: only on SIGHUP or ReloadRules)",
     nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         uint64_t n;
         return number(v, 0, 3600, n, e) && (o.rules_watch_s = unsigned(n), true);
     }},
    {"events", 'e', "events", Kind::Flag, nullptr, "print every event as a JSON line too", nullptr,
     [](Options &o, const std::string &v, std::string &e) { return flag(v, o.print_events, e); }},
    {"output", 'o', "output", Kind::Value, "FILE",
     "write JSON lines to FILE instead of stdout\n(\"none\": no JSON lines, gRPC subscribers only)", nullptr,
     [](Options &o, const std::string &v, std::string &e) { return not_empty(v, e) && (o.output_path = v, true); }},
    {"output-format", 0, "output_format", Kind::Value, "F",
     "crowsnest (the protobuf JSON mapping, default) or falco\n(Falco's alert JSON) for verdicts on stdout or the file",
     nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         if (v != "crowsnest" && v != "falco") {
             e = "must be crowsnest or falco";
             return false;
         }
         o.output_format = v;
         return true;
     }},
    {"output-rotate-bytes", 0, "output_rotate_bytes", Kind::Value, "N",
     "rotate the output file past N bytes: FILE.1, FILE.2...\n(default 0: never; SIGUSR1 reopens FILE, for logrotate)",
     nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         uint64_t n;
         if (!number(v, 0, 1ul << 40, n, e)) return false;
         if (n && n < 4096) {
             e = "must be 0 (never) or at least 4096";
             return false;
         }
         o.output_rotate_bytes = n;
         return true;
     }},
    {"output-keep", 0, "output_keep", Kind::Value, "N", "rotated files kept (default 5)", nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         uint64_t n;
         return number(v, 1, 1000, n, e) && (o.output_keep = unsigned(n), true);
     }},

    {"host-root", 0, "host_root", Kind::Value, "DIR",
     "the host's root filesystem as this process sees it\n(default /; in a container, where the host's / is mounted)",
     nullptr,
     [](Options &o, const std::string &v, std::string &e) { return not_empty(v, e) && (o.host_root = v, true); }},
    {"node-name", 0, "node_name", Kind::Value, "NAME",
     "the node's name in every verdict (default: $NODE_NAME, which\nthe DaemonSet sets, then the hostname)", nullptr,
     [](Options &o, const std::string &v, std::string &e) { return not_empty(v, e) && (o.node_name = v, true); }},
    {"ready-file", 0, "ready_file", Kind::Value, "PATH",
     "write PATH (with the pid) once the programs are attached,\nthe rules loaded and gRPC served; removed at exit",
     nullptr,
     [](Options &o, const std::string &v, std::string &e) { return not_empty(v, e) && (o.ready_file = v, true); }},
    {"verbose", 'v', "verbose", Kind::Flag, nullptr, "libbpf debug output on stderr", nullptr,
     [](Options &o, const std::string &v, std::string &e) { return flag(v, o.sensor.verbose, e); }},
    {"help", 'h', nullptr, Kind::Flag, nullptr, "this text", nullptr,
     [](Options &o, const std::string &v, std::string &e) { return flag(v, o.help, e); }},
    {"version", 0, nullptr, Kind::Flag, nullptr, "print the version", nullptr,
     [](Options &o, const std::string &v, std::string &e) { return flag(v, o.version, e); }},

    {"containerd-state", 0, "runtimes.containerd_state", Kind::Value, "DIR",
     "containerd's --state (default /run/containerd)",
     "Container runtimes' state, read for each container's name, image and pod (each\n"
     "under --host-root unless given):",
     [](Options &o, const std::string &v, std::string &e) { return not_empty(v, e) && (o.containerd_state = v, true); }},
    {"docker-root", 0, "runtimes.docker_root", Kind::Value, "DIR", "dockerd's --data-root (default /var/lib/docker)",
     nullptr,
     [](Options &o, const std::string &v, std::string &e) { return not_empty(v, e) && (o.docker_root = v, true); }},
    {"crio-root", 0, "runtimes.crio_root", Kind::Value, "DIR",
     "CRI-O's storage runroot (default /run/containers/storage)", nullptr,
     [](Options &o, const std::string &v, std::string &e) { return not_empty(v, e) && (o.crio_root = v, true); }},
    {"podman-root", 0, "runtimes.podman_root", Kind::Value, "DIR",
     "podman's storage graphroot (default /var/lib/containers/storage)", nullptr,
     [](Options &o, const std::string &v, std::string &e) { return not_empty(v, e) && (o.podman_root = v, true); }},

    {"ringbuf-size", 0, "kernel.ringbuf_size", Kind::Value, "BYTES",
     "kernel ring buffer size, a power of two (default 8388608)", "Kernel side and engine:",
     [](Options &o, const std::string &v, std::string &e) {
         uint64_t n;
         if (!number(v, 4096, 1ul << 30, n, e)) return false;
         if (n & (n - 1)) {
             e = "must be a power of two of at least 4096";
             return false;
         }
         o.sensor.ringbuf_bytes = uint32_t(n);
         return true;
     }},
    {"wakeup-bytes", 0, "kernel.wakeup_bytes", Kind::Value, "BYTES",
     "wake the engine once this much is pending (default 262144)", nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         uint64_t n;
         return number(v, 0, 1ul << 30, n, e) && (o.sensor.wakeup_bytes = uint32_t(n ? n : 1), true);
     }},
    {"poll-ms", 0, "engine.poll_ms", Kind::Value, "MS", "longest wait before pending events are read (default 5)",
     nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         uint64_t n;
         return number(v, 0, 1000, n, e) && (o.poll_ms = int(n), true);
     }},
    {"flood-rate", 0, "kernel.flood_rate", Kind::Value, "N",
     "opens and connects a second one cgroup may send from one CPU,\n"
     "in bursts of a second's worth; the kernel drops the excess\n"
     "and an event_flood verdict names the cgroup (default 50000;\n0: no limit)",
     nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         uint64_t n;
         return number(v, 0, 1000000000, n, e) && (o.sensor.flood_rate = uint32_t(n), true);
     }},
    {"no-prefilter", 0, "kernel.no_prefilter", Kind::Flag, nullptr,
     "send every event from the kernel, not only those a loaded rule\n"
     "could match (costs more; for comparisons and debugging)",
     nullptr, [](Options &o, const std::string &v, std::string &e) { return flag(v, o.sensor.no_prefilter, e); }},
    {"verdict-window", 0, "engine.verdict_window", Kind::Value, "S",
     "identical verdicts (rule, cgroup, executable, and a target\n"
     "already reported or past the first 8) within S seconds are\n"
     "counted into one summary instead of sent (default 10; 0: never)",
     nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         uint64_t n;
         return number(v, 0, 3600, n, e) && (o.verdict_window_s = n, true);
     }},

    {"grpc-socket", 0, "grpc.socket", Kind::Value, "PATH",
     "Unix socket, mode 0600 (default /run/crowsnest/crowsnest.sock;\n\"none\" for no socket)",
     "gRPC (service crowsnest.v1.Sensor, plus grpc.health.v1.Health and reflection):",
     [](Options &o, const std::string &v, std::string &e) {
         return not_empty(v, e) && (o.server.socket = path_or_none(v), true);
     }},
    {"listen", 0, "grpc.listen", Kind::Value, "HOST:PORT", "also serve TCP with mutual TLS; needs the three below",
     nullptr,
     [](Options &o, const std::string &v, std::string &e) { return not_empty(v, e) && (o.server.listen = v, true); }},
    {"tls-cert", 0, "grpc.tls_cert", Kind::Value, "FILE", "server certificate chain (PEM)", nullptr,
     [](Options &o, const std::string &v, std::string &e) { return not_empty(v, e) && (o.server.tls_cert = v, true); }},
    {"tls-key", 0, "grpc.tls_key", Kind::Value, "FILE", "server private key (PEM)", nullptr,
     [](Options &o, const std::string &v, std::string &e) { return not_empty(v, e) && (o.server.tls_key = v, true); }},
    {"tls-client-ca", 0, "grpc.tls_client_ca", Kind::Value, "FILE",
     "CA that client certificates must be signed by (PEM)", nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         return not_empty(v, e) && (o.server.tls_client_ca = v, true);
     }},
    {"insecure-listen", 0, "grpc.insecure_listen", Kind::Value, "HOST:PORT",
     "also serve plaintext TCP (no authentication)", nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         return not_empty(v, e) && (o.server.insecure_listen = v, true);
     }},
    {"keep-verdicts", 0, "grpc.keep_verdicts", Kind::Value, "N", "verdicts kept for clients that resume (default 4096)",
     nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         uint64_t n;
         return number(v, 0, 10000000, n, e) && (o.keep_verdicts = n, true);
     }},
    {"subscriber-queue", 0, "grpc.subscriber_queue", Kind::Value, "N",
     "messages queued per subscriber before it drops (default 4096)", nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         uint64_t n;
         return number(v, 2, 10000000, n, e) && (o.subscriber_queue = n, true);
     }},
    {"journal", 0, "journal.path", Kind::Value, "PATH",
     "the verdict journal: a restarted sensor goes on numbering\n"
     "and keeps what it kept, so clients resume without loss\n"
     "(default: verdicts.journal beside the gRPC socket; \"none\")",
     nullptr,
     [](Options &o, const std::string &v, std::string &e) { return not_empty(v, e) && (o.journal_path = v, true); }},
    {"journal-bytes", 0, "journal.bytes", Kind::Value, "N", "the journal's cap on disk (default 67108864)", nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         uint64_t n;
         return number(v, 1u << 20, 1ul << 40, n, e) && (o.journal_bytes = n, true);
     }},

    {"http-listen", 0, "http.listen", Kind::Value, "HOST:PORT",
     "serve /healthz, /readyz and /metrics (Prometheus) over plain HTTP\n(default: off; the Kubernetes manifest turns it on)",
     "Health, readiness and metrics:",
     [](Options &o, const std::string &v, std::string &e) { return not_empty(v, e) && (o.http.listen = v, true); }},
    {"health-stall", 0, "health.stall_seconds", Kind::Value, "S",
     "/healthz fails once the engine loop has not turned for S seconds (default 10)", nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         uint64_t n;
         return number(v, 1, 3600, n, e) && (o.readiness.stall_seconds = unsigned(n), true);
     }},
    {"ready-ring-fill", 0, "health.ready_ring_fill", Kind::Value, "PERCENT",
     "/readyz fails while the ring buffer is fuller than this when the\nengine reads it (default 90)", nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         uint64_t n;
         return number(v, 1, 100, n, e) && (o.readiness.max_ring_fill_pct = unsigned(n), true);
     }},
    {"ready-drop-seconds", 0, "health.ready_drop_seconds", Kind::Value, "S",
     "/readyz fails once the ring buffer lost events in each of the last\nS seconds: the engine is not keeping up (default 3)",
     nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         uint64_t n;
         return number(v, 1, 60, n, e) && (o.readiness.drop_seconds = unsigned(n), true);
     }},

    {"syslog-output", 0, "outputs.syslog", Kind::Value, "T",
     "RFC 5424 syslog to unix:PATH (e.g. unix:/dev/log),\nudp:HOST:PORT or tcp:HOST:PORT (octet counting)",
     "Alert outputs (each with its own queue and thread; a dead one delays no other):",
     [](Options &o, const std::string &v, std::string &e) {
         return parse_syslog_target(v, e) && (o.syslog_output = v, true);
     }},
    {"http-output", 0, "outputs.http.url", Kind::Value, "URL", "POST verdicts to URL (http or https)", nullptr,
     [](Options &o, const std::string &v, std::string &e) { return not_empty(v, e) && (o.http_output.url = v, true); }},
    {"http-format", 0, "outputs.http.format", Kind::Value, "F",
     "falco (one alert per POST, for Falcosidekick; default),\njson (NDJSON batches) or elasticsearch (_bulk batches)",
     nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         const auto f = parse_http_format(v);
         if (!f || *f == HttpFormat::Slack) {
             e = "must be falco, json or elasticsearch";
             return false;
         }
         o.http_output.format = *f;
         return true;
     }},
    {"http-header", 0, "outputs.http.headers", Kind::List, "H", "an extra header, \"Name: value\" (repeatable)", nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         if (v.find(':') == std::string::npos || v.find_first_of("\r\n") != std::string::npos) {
             e = "must be \"Name: value\" on one line";
             return false;
         }
         o.http_output.headers.push_back(v);
         return true;
     }},
    {"http-ca", 0, "outputs.http.ca", Kind::Value, "FILE", "CA to verify the server with (default: the system's)",
     nullptr,
     [](Options &o, const std::string &v, std::string &e) { return not_empty(v, e) && (o.http_output.ca_file = v, true); }},
    {"http-cert", 0, "outputs.http.cert", Kind::Value, "FILE", "client certificate (PEM), with --http-key FILE", nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         return not_empty(v, e) && (o.http_output.cert_file = v, true);
     }},
    {"http-key", 0, "outputs.http.key", Kind::Value, "FILE", "the client certificate's key (PEM)", nullptr,
     [](Options &o, const std::string &v, std::string &e) { return not_empty(v, e) && (o.http_output.key_file = v, true); }},
    {"http-index", 0, "outputs.http.index", Kind::Value, "PATTERN",
     "elasticsearch index, strftime on the verdict's UTC time\n(default crowsnest-%Y.%m.%d)", nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         return not_empty(v, e) && (o.http_output.index_pattern = v, true);
     }},
    {"slack-webhook", 0, "outputs.slack.webhook", Kind::Value, "URL",
     "a Slack incoming webhook (flood control on by default:\n--rate 1 --burst 10 --dedup-window 60)", nullptr,
     [](Options &o, const std::string &v, std::string &e) { return not_empty(v, e) && (o.slack_webhook = v, true); }},
    {"rate", 0, "outputs.rate", Kind::Value, "N",
     "verdicts per second an alert output sends, on average\n(token bucket; default: no limit)", nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         uint64_t n;
         return number(v, 0, 1000000, n, e) && (o.flood.rate = double(n), o.flood_given = true, true);
     }},
    {"burst", 0, "outputs.burst", Kind::Value, "N", "the bucket's size (default: N of --rate)", nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         uint64_t n;
         return number(v, 0, 1000000, n, e) && (o.flood.burst = double(n), o.flood_given = true, true);
     }},
    {"syslog-rate", 0, "outputs.syslog_rate", Kind::Value, "N", "--rate for the syslog output alone", nullptr,
     output_rate<&Options::syslog_rate, &Options::RateOverride::rate>},
    {"syslog-burst", 0, "outputs.syslog_burst", Kind::Value, "N", "--burst for the syslog output alone", nullptr,
     output_rate<&Options::syslog_rate, &Options::RateOverride::burst>},
    {"http-rate", 0, "outputs.http.rate", Kind::Value, "N", "--rate for the HTTP output alone", nullptr,
     output_rate<&Options::http_rate, &Options::RateOverride::rate>},
    {"http-burst", 0, "outputs.http.burst", Kind::Value, "N", "--burst for the HTTP output alone", nullptr,
     output_rate<&Options::http_rate, &Options::RateOverride::burst>},
    {"slack-rate", 0, "outputs.slack.rate", Kind::Value, "N", "--rate for Slack alone (default 1)", nullptr,
     output_rate<&Options::slack_rate, &Options::RateOverride::rate>},
    {"slack-burst", 0, "outputs.slack.burst", Kind::Value, "N", "--burst for Slack alone (default 10)", nullptr,
     output_rate<&Options::slack_rate, &Options::RateOverride::burst>},
    {"dedup-window", 0, "outputs.dedup_window", Kind::Value, "S",
     "identical verdicts (rule, container, executable) within S\n"
     "seconds: the first is sent, the rest counted into one\nsummary (default 0: off)",
     nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         uint64_t n;
         return number(v, 0, 86400, n, e) && (o.flood.window = std::chrono::seconds(n), o.flood_given = true, true);
     }},

    {"profiles", 0, "profiles.path", Kind::Value, "PATH",
     "learn a profile of each workload and report what it never did\n"
     "before (category anomaly); PATH is their SQLite database, e.g.\n"
     "/var/lib/crowsnest/profiles.db (default none: off)",
     "Learned profiles:",
     [](Options &o, const std::string &v, std::string &e) { return not_empty(v, e) && (o.profiles_path = path_or_none(v), true); }},
    {"profile-learning", 0, "profiles.learning", Kind::Value, "DURATION",
     "how long a new profile learns at least (default 24h)", nullptr,
     [](Options &o, const std::string &v, std::string &e) { return duration(v, o.profiles.learning_ns, e); }},
    {"profile-quiet", 0, "profiles.quiet", Kind::Value, "DURATION",
     "then how long nothing new must come before it locks (default 1h)", nullptr,
     [](Options &o, const std::string &v, std::string &e) { return duration(v, o.profiles.quiet_ns, e); }},
    {"profile-ipv4-prefix", 0, "profiles.ipv4_prefix", Kind::Value, "BITS",
     "destinations are kept as their network of this size\n(default 24; 32: the exact address)", nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         uint64_t n;
         return number(v, 8, 32, n, e) && (o.profiles.entries.ipv4_prefix = unsigned(n), true);
     }},
    {"profile-ipv6-prefix", 0, "profiles.ipv6_prefix", Kind::Value, "BITS",
     "the same for IPv6 (default 64; 128: the exact address)", nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         uint64_t n;
         return number(v, 16, 128, n, e) && (o.profiles.entries.ipv6_prefix = unsigned(n), true);
     }},
    {"profile-write-depth", 0, "profiles.write_depth", Kind::Value, "N",
     "directories kept of a written path (default 3:\n/var/lib/app/x/y is /var/lib/app)", nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         uint64_t n;
         return number(v, 1, 32, n, e) && (o.profiles.entries.write_depth = unsigned(n), true);
     }},
    {"profile-key-label", 0, "profiles.key_label", Kind::Value, "LABEL",
     "a pod label whose value names the workload in the profile\nkey instead of the pod's owner (e.g. app.kubernetes.io/name)",
     nullptr,
     [](Options &o, const std::string &v, std::string &e) { return not_empty(v, e) && (o.profiles.owner_label = v, true); }},
    {"profile-max-entries", 0, "profiles.max_entries", Kind::Value, "N",
     "entries of each kind a profile holds; past them it is\nin overflow, reported once (default 512)", nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         uint64_t n;
         return number(v, 1, 1000000, n, e) && (o.profiles.max_entries = n, true);
     }},
    {"profile-max-total", 0, "profiles.max_total_entries", Kind::Value, "N",
     "entries of all profiles together, and novelties remembered\nas reported (default 200000)", nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         uint64_t n;
         return number(v, 1, 100000000, n, e) && (o.profiles.max_total_entries = n, true);
     }},
    {"profile-max-profiles", 0, "profiles.max_profiles", Kind::Value, "N",
     "profiles held; workloads past them are not profiled,\nand counted (default 10000)", nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         uint64_t n;
         return number(v, 1, 10000000, n, e) && (o.profiles.max_profiles = n, true);
     }},
    {"profile-window", 0, "profiles.window", Kind::Value, "DURATION",
     "the window rates are counted in: execs, distinct\ndestinations, failed connects, writes (default 1m)", nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         uint64_t ns;
         if (!duration(v, ns, e)) return false;
         if (ns < 1000000000ull) {
             e = "must be at least 1s";
             return false;
         }
         o.profiles.rates.window_ns = ns;
         return true;
     }},
    {"profile-rate-threshold", 0, "profiles.rate_threshold", Kind::Value, "SCORE",
     "a locked profile's window this far above its median\n(in robust deviations) is an anomaly (default 6)", nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         uint64_t n;
         return number(v, 1, 1000, n, e) && (o.profiles.rates.threshold = double(n), true);
     }},
    {"profile-rate-min-windows", 0, "profiles.rate_min_windows", Kind::Value, "N",
     "learned windows a profile needs before its rates are\nchecked (default 10)", nullptr,
     [](Options &o, const std::string &v, std::string &e) {
         uint64_t n;
         return number(v, 1, 100000, n, e) && (o.profiles.rates.min_windows = n, true);
     }},
};

}  // namespace

const std::vector<OptionSpec> &option_table() { return kTable; }

const OptionSpec *find_flag(const std::string &name) {
    for (const auto &s : kTable)
        if (s.flag && name == s.flag) return &s;
    return nullptr;
}

const OptionSpec *find_key(const std::string &key) {
    for (const auto &s : kTable)
        if (s.key && key == s.key) return &s;
    return nullptr;
}

std::string option_name(const OptionSpec &spec) { return spec.flag ? std::string("--") + spec.flag : spec.key; }

std::string options_help() {
    constexpr size_t kColumn = 28;
    std::string out;
    for (const auto &s : kTable) {
        if (s.section) out += std::string(s.section) + "\n";
        std::string left = "  ";
        left += s.short_flag ? std::string("-") + s.short_flag + ", " : "    ";
        left += s.flag ? std::string("--") + s.flag : std::string("(config only)");
        if (s.arg) left += std::string(" ") + s.arg;
        left += left.size() < kColumn ? std::string(kColumn - left.size(), ' ') : "  ";
        std::string help = s.help;
        if (s.key) help += std::string(" [") + s.key + "]";
        size_t start = 0;
        for (bool first = true; start <= help.size(); first = false) {
            const size_t nl = help.find('\n', start);
            const std::string line = help.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
            out += (first ? left : std::string(kColumn, ' ')) + line + "\n";
            if (nl == std::string::npos) break;
            start = nl + 1;
        }
    }
    return out;
}

}  // namespace crowsnest
