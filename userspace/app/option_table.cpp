#include "app/option_table.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

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

bool not_empty(const std::string &v, std::string &error) {
    if (v.empty()) error = "must not be empty";
    return !v.empty();
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
