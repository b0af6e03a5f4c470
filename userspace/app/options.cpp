#include "app/options.h"

#include <getopt.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "outputs/syslog_target.h"

namespace crowsnest {

const char *usage_text() {
    return R"(Usage: crowsnest [options]
       crowsnest watch [filters] [connection]   (see crowsnest watch --help)
       crowsnest status [-o json] [connection]
       crowsnest rules validate FILE|DIR...   (crowsnest rules fields: the fields)

Watches execve, connect and open(at) on this host through eBPF, resolves the
container of every event, and prints a JSON line for every rule that fires.

Options:
  -r, --rules PATH          rule file or directory of *.yaml (repeatable;
                            default: the shipped rules in )" CROWSNEST_DEFAULT_RULES R"()
  -e, --events              print every event as a JSON line too
  -o, --output FILE         write JSON lines to FILE instead of stdout
                            ("none": no JSON lines, gRPC subscribers only)
      --output-format F     crowsnest (the protobuf JSON mapping, default) or falco
                            (Falco's alert JSON) for verdicts on stdout or the file
      --output-rotate-bytes N  rotate the output file past N bytes: FILE.1, FILE.2...
                            (default 0: never; SIGUSR1 reopens FILE, for logrotate)
      --output-keep N       rotated files kept (default 5)
Alert outputs (each with its own queue and thread; a dead one delays no other):
      --syslog-output T     RFC 5424 syslog to unix:PATH (e.g. unix:/dev/log),
                            udp:HOST:PORT or tcp:HOST:PORT (octet counting)
      --http-output URL     POST verdicts to URL (http or https)
      --http-format F       falco (one alert per POST, for Falcosidekick; default),
                            json (NDJSON batches) or elasticsearch (_bulk batches)
      --http-header H       an extra header, "Name: value" (repeatable)
      --http-ca FILE        CA to verify the server with (default: the system's)
      --http-cert FILE      client certificate (PEM), with --http-key FILE
      --http-index PATTERN  elasticsearch index, strftime on the verdict's UTC time
                            (default crowsnest-%Y.%m.%d)
      --slack-webhook URL   a Slack incoming webhook (flood control on by default:
                            --rate 1 --burst 10 --dedup-window 60)
      --rate N              verdicts per second an alert output sends, on average
                            (token bucket; default: no limit)
      --burst N             the bucket's size (default: N of --rate)
      --dedup-window S      identical verdicts (rule, container, executable) within S
                            seconds: the first is sent, the rest counted into one
                            summary (default 0: off)
      --host-root DIR       the host's root filesystem as this process sees it
                            (default /; in a container, where the host's / is mounted)
      --node-name NAME      the node's name in every verdict (default: $NODE_NAME, which
                            the DaemonSet sets, then the hostname)
Container runtimes' state, read for each container's name, image and pod (each
under --host-root unless given):
      --containerd-state DIR  containerd's --state (default /run/containerd)
      --docker-root DIR     dockerd's --data-root (default /var/lib/docker)
      --crio-root DIR       CRI-O's storage runroot (default /run/containers/storage)
      --podman-root DIR     podman's storage graphroot (default /var/lib/containers/storage)
Kernel side and engine:
      --ringbuf-size BYTES  kernel ring buffer size, a power of two (default 8388608)
      --wakeup-bytes BYTES  wake the engine once this much is pending (default 262144)
      --poll-ms MS          longest wait before pending events are read (default 5)
      --flood-rate N        opens and connects a second one cgroup may send from one CPU,
                            in bursts of a second's worth; the kernel drops the excess
                            and an event_flood verdict names the cgroup (default 50000;
                            0: no limit)
      --verdict-window S    identical verdicts (rule, cgroup, executable, and a target
                            already reported or past the first 8) within S seconds are
                            counted into one summary instead of sent (default 10; 0: never)
gRPC (service crowsnest.v1.Sensor, plus grpc.health.v1.Health and reflection):
      --grpc-socket PATH    Unix socket, mode 0600 (default /run/crowsnest/crowsnest.sock;
                            "none" for no socket)
      --listen HOST:PORT    also serve TCP with mutual TLS; needs the three below
      --tls-cert FILE       server certificate chain (PEM)
      --tls-key FILE        server private key (PEM)
      --tls-client-ca FILE  CA that client certificates must be signed by (PEM)
      --insecure-listen HOST:PORT  also serve plaintext TCP (no authentication)
      --keep-verdicts N     verdicts kept for clients that resume (default 4096)
      --journal PATH        the verdict journal: a restarted sensor goes on numbering
                            and keeps what it kept, so clients resume without loss
                            (default: verdicts.journal beside the gRPC socket; "none")
      --journal-bytes N     the journal's cap on disk (default 67108864)
      --subscriber-queue N  messages queued per subscriber before it drops (default 4096)
      --ready-file PATH     write PATH (with the pid) once the programs are attached,
                            the rules loaded and gRPC served; removed at exit
  -v, --verbose             libbpf debug output on stderr
  -h, --help                this text
      --version             print the version

Logs and the final counters go to stderr. SIGINT or SIGTERM stops cleanly;
SIGHUP reloads the rule files (a bad file keeps the running rules).
)";
}

namespace {

bool parse_number(const char *text, const char *what, unsigned long max, unsigned long &out, std::string &error) {
    char *end = nullptr;
    errno = 0;
    out = std::strtoul(text, &end, 10);
    if (!*text || *end || errno || out > max) {
        error = std::string("invalid ") + what + " '" + text + "'";
        return false;
    }
    return true;
}

// The option that getopt rejected as the user typed it. optopt is the letter
// of an unknown "-x", also inside a group like "-xe" where optind still points
// at the group; for a long option it is 0 (or, for a value given to an option
// that takes none, that option's own letter), and optind has moved past it.
std::string rejected_option(char **argv, const char *shortopts) {
    if (optopt > 0 && optopt < 256 && !std::strchr(shortopts, optopt)) return std::string("-") + char(optopt);
    return argv[optind - 1];
}

}  // namespace

bool parse_options(int argc, char **argv, Options &out, std::string &error) {
    enum { OPT_HOST_ROOT = 256, OPT_RINGBUF, OPT_WAKEUP, OPT_POLL, OPT_VERSION, OPT_SOCKET, OPT_LISTEN, OPT_CERT, OPT_KEY,
           OPT_CLIENT_CA, OPT_INSECURE, OPT_KEEP, OPT_QUEUE, OPT_READY, OPT_FLOOD_RATE, OPT_VERDICT_WINDOW,
           OPT_JOURNAL, OPT_JOURNAL_BYTES, OPT_NODE_NAME, OPT_CONTAINERD_STATE, OPT_DOCKER_ROOT, OPT_CRIO_ROOT,
           OPT_PODMAN_ROOT, OPT_OUTPUT_FORMAT, OPT_SYSLOG, OPT_HTTP, OPT_HTTP_FORMAT, OPT_HTTP_HEADER, OPT_HTTP_CA,
           OPT_HTTP_CERT, OPT_HTTP_KEY, OPT_HTTP_INDEX, OPT_SLACK, OPT_RATE, OPT_BURST, OPT_DEDUP, OPT_ROTATE,
           OPT_KEEP_FILES };
    static const option longopts[] = {
        {"rules", required_argument, nullptr, 'r'},
        {"events", no_argument, nullptr, 'e'},
        {"output", required_argument, nullptr, 'o'},
        {"host-root", required_argument, nullptr, OPT_HOST_ROOT},
        {"ringbuf-size", required_argument, nullptr, OPT_RINGBUF},
        {"wakeup-bytes", required_argument, nullptr, OPT_WAKEUP},
        {"poll-ms", required_argument, nullptr, OPT_POLL},
        {"verbose", no_argument, nullptr, 'v'},
        {"help", no_argument, nullptr, 'h'},
        {"version", no_argument, nullptr, OPT_VERSION},
        {"grpc-socket", required_argument, nullptr, OPT_SOCKET},
        {"listen", required_argument, nullptr, OPT_LISTEN},
        {"tls-cert", required_argument, nullptr, OPT_CERT},
        {"tls-key", required_argument, nullptr, OPT_KEY},
        {"tls-client-ca", required_argument, nullptr, OPT_CLIENT_CA},
        {"insecure-listen", required_argument, nullptr, OPT_INSECURE},
        {"keep-verdicts", required_argument, nullptr, OPT_KEEP},
        {"subscriber-queue", required_argument, nullptr, OPT_QUEUE},
        {"ready-file", required_argument, nullptr, OPT_READY},
        {"flood-rate", required_argument, nullptr, OPT_FLOOD_RATE},
        {"verdict-window", required_argument, nullptr, OPT_VERDICT_WINDOW},
        {"journal", required_argument, nullptr, OPT_JOURNAL},
        {"journal-bytes", required_argument, nullptr, OPT_JOURNAL_BYTES},
        {"node-name", required_argument, nullptr, OPT_NODE_NAME},
        {"containerd-state", required_argument, nullptr, OPT_CONTAINERD_STATE},
        {"docker-root", required_argument, nullptr, OPT_DOCKER_ROOT},
        {"crio-root", required_argument, nullptr, OPT_CRIO_ROOT},
        {"podman-root", required_argument, nullptr, OPT_PODMAN_ROOT},
        {"output-format", required_argument, nullptr, OPT_OUTPUT_FORMAT},
        {"output-rotate-bytes", required_argument, nullptr, OPT_ROTATE},
        {"output-keep", required_argument, nullptr, OPT_KEEP_FILES},
        {"syslog-output", required_argument, nullptr, OPT_SYSLOG},
        {"http-output", required_argument, nullptr, OPT_HTTP},
        {"http-format", required_argument, nullptr, OPT_HTTP_FORMAT},
        {"http-header", required_argument, nullptr, OPT_HTTP_HEADER},
        {"http-ca", required_argument, nullptr, OPT_HTTP_CA},
        {"http-cert", required_argument, nullptr, OPT_HTTP_CERT},
        {"http-key", required_argument, nullptr, OPT_HTTP_KEY},
        {"http-index", required_argument, nullptr, OPT_HTTP_INDEX},
        {"slack-webhook", required_argument, nullptr, OPT_SLACK},
        {"rate", required_argument, nullptr, OPT_RATE},
        {"burst", required_argument, nullptr, OPT_BURST},
        {"dedup-window", required_argument, nullptr, OPT_DEDUP},
        {nullptr, 0, nullptr, 0},
    };
    static const char shortopts[] = ":r:eo:vh";
    // 0 rather than 1 makes glibc forget everything of an earlier parse,
    // including its position inside a group of short flags
    optind = 0;
    opterr = 0;
    int c;
    unsigned long n;
    while ((c = getopt_long(argc, argv, shortopts, longopts, nullptr)) != -1) {
        switch (c) {
        case 'r': out.rule_paths.push_back(optarg); break;
        case 'e': out.print_events = true; break;
        case 'o': out.output_path = optarg; break;
        case 'v': out.sensor.verbose = true; break;
        case 'h': out.help = true; break;
        case OPT_VERSION: out.version = true; break;
        case OPT_HOST_ROOT: out.host_root = optarg; break;
        case OPT_NODE_NAME: out.node_name = optarg; break;
        case OPT_CONTAINERD_STATE: out.containerd_state = optarg; break;
        case OPT_DOCKER_ROOT: out.docker_root = optarg; break;
        case OPT_CRIO_ROOT: out.crio_root = optarg; break;
        case OPT_PODMAN_ROOT: out.podman_root = optarg; break;
        case OPT_RINGBUF:
            if (!parse_number(optarg, "--ringbuf-size", 1ul << 30, n, error)) return false;
            if (n < 4096 || (n & (n - 1))) {
                error = "--ringbuf-size must be a power of two of at least 4096";
                return false;
            }
            out.sensor.ringbuf_bytes = uint32_t(n);
            break;
        case OPT_WAKEUP:
            if (!parse_number(optarg, "--wakeup-bytes", 1ul << 30, n, error)) return false;
            out.sensor.wakeup_bytes = uint32_t(std::max(1ul, n));
            break;
        case OPT_POLL:
            if (!parse_number(optarg, "--poll-ms", 1000, n, error)) return false;
            out.poll_ms = int(n);
            break;
        case OPT_SOCKET: out.server.socket = std::strcmp(optarg, "none") ? optarg : ""; break;
        case OPT_LISTEN: out.server.listen = optarg; break;
        case OPT_CERT: out.server.tls_cert = optarg; break;
        case OPT_KEY: out.server.tls_key = optarg; break;
        case OPT_CLIENT_CA: out.server.tls_client_ca = optarg; break;
        case OPT_INSECURE: out.server.insecure_listen = optarg; break;
        case OPT_KEEP:
            if (!parse_number(optarg, "--keep-verdicts", 10000000, n, error)) return false;
            out.keep_verdicts = n;
            break;
        case OPT_QUEUE:
            if (!parse_number(optarg, "--subscriber-queue", 10000000, n, error)) return false;
            if (n < 2) {
                error = "--subscriber-queue must be at least 2";
                return false;
            }
            out.subscriber_queue = n;
            break;
        case OPT_READY: out.ready_file = optarg; break;
        case OPT_FLOOD_RATE:
            if (!parse_number(optarg, "--flood-rate", 1000000000, n, error)) return false;
            out.sensor.flood_rate = uint32_t(n);
            break;
        case OPT_JOURNAL: out.journal_path = optarg; break;
        case OPT_JOURNAL_BYTES:
            if (!parse_number(optarg, "--journal-bytes", 1ul << 40, n, error)) return false;
            if (n < (1u << 20)) {
                error = "--journal-bytes must be at least 1048576";
                return false;
            }
            out.journal_bytes = n;
            break;
        case OPT_OUTPUT_FORMAT:
            if (std::strcmp(optarg, "crowsnest") && std::strcmp(optarg, "falco")) {
                error = std::string("--output-format: '") + optarg + "' is not crowsnest or falco";
                return false;
            }
            out.output_format = optarg;
            break;
        case OPT_ROTATE:
            if (!parse_number(optarg, "--output-rotate-bytes", 1ul << 40, n, error)) return false;
            if (n && n < 4096) {
                error = "--output-rotate-bytes must be 0 (never) or at least 4096";
                return false;
            }
            out.output_rotate_bytes = n;
            break;
        case OPT_KEEP_FILES:
            if (!parse_number(optarg, "--output-keep", 1000, n, error)) return false;
            if (n < 1) {
                error = "--output-keep must be at least 1";
                return false;
            }
            out.output_keep = unsigned(n);
            break;
        case OPT_SYSLOG:
            if (!parse_syslog_target(optarg, error)) return false;
            out.syslog_output = optarg;
            break;
        case OPT_HTTP: out.http.url = optarg; break;
        case OPT_HTTP_FORMAT: {
            const auto f = parse_http_format(optarg);
            if (!f || *f == HttpFormat::Slack) {
                error = std::string("--http-format: '") + optarg + "' is not falco, json or elasticsearch";
                return false;
            }
            out.http.format = *f;
            break;
        }
        case OPT_HTTP_HEADER:
            if (!std::strchr(optarg, ':') || std::strpbrk(optarg, "\r\n")) {
                error = std::string("--http-header: '") + optarg + "' is not \"Name: value\" on one line";
                return false;
            }
            out.http.headers.push_back(optarg);
            break;
        case OPT_HTTP_CA: out.http.ca_file = optarg; break;
        case OPT_HTTP_CERT: out.http.cert_file = optarg; break;
        case OPT_HTTP_KEY: out.http.key_file = optarg; break;
        case OPT_HTTP_INDEX: out.http.index_pattern = optarg; break;
        case OPT_SLACK: out.slack_webhook = optarg; break;
        case OPT_RATE:
        case OPT_BURST:
            if (!parse_number(optarg, c == OPT_RATE ? "--rate" : "--burst", 1000000, n, error)) return false;
            (c == OPT_RATE ? out.flood.rate : out.flood.burst) = double(n);
            out.flood_given = true;
            break;
        case OPT_DEDUP:
            if (!parse_number(optarg, "--dedup-window", 86400, n, error)) return false;
            out.flood.window = std::chrono::seconds(n);
            out.flood_given = true;
            break;
        case OPT_VERDICT_WINDOW:
            if (!parse_number(optarg, "--verdict-window", 3600, n, error)) return false;
            out.verdict_window_s = n;
            break;
        case ':': error = std::string("option ") + argv[optind - 1] + " needs a value"; return false;
        default: error = "unknown option " + rejected_option(argv, shortopts); return false;
        }
    }
    if (optind < argc) {
        error = std::string("unexpected argument '") + argv[optind] + "'";
        return false;
    }
    const bool any_tls = !out.server.tls_cert.empty() || !out.server.tls_key.empty() || !out.server.tls_client_ca.empty();
    if (!out.server.listen.empty() && (out.server.tls_cert.empty() || out.server.tls_key.empty() || out.server.tls_client_ca.empty())) {
        error = "--listen serves mutual TLS: it needs --tls-cert, --tls-key and --tls-client-ca "
                "(plaintext TCP only with --insecure-listen)";
        return false;
    }
    if (out.server.listen.empty() && any_tls) {
        error = "--tls-cert, --tls-key and --tls-client-ca apply to --listen, which is not given";
        return false;
    }
    const bool any_http = !out.http.ca_file.empty() || !out.http.cert_file.empty() || !out.http.key_file.empty() ||
                          !out.http.headers.empty();
    if (out.http.url.empty() && any_http) {
        error = "--http-header, --http-ca, --http-cert and --http-key apply to --http-output, which is not given";
        return false;
    }
    if (out.http.cert_file.empty() != out.http.key_file.empty()) {
        error = "--http-cert and --http-key go together";
        return false;
    }
    if (out.flood.rate > 0 && out.flood.burst == 0) out.flood.burst = out.flood.rate;
    if (out.rule_paths.empty()) out.rule_paths.push_back(CROWSNEST_DEFAULT_RULES);
    return true;
}

}  // namespace crowsnest
