// crowsnest: load the rules, start the BPF sensor and the gRPC server, feed
// every ring-buffer record to the engine until SIGINT/SIGTERM, then print the
// counters. The engine runs on this thread alone; gRPC threads reach it only
// through the subscriber hubs, the rule store and the status board.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>

#include "bpf_sensor.h"
#include "cli_watch.h"
#include "cgroup_resolver.h"
#include "engine.h"
#include "grpc_server.h"
#include "host_files.h"
#include "hub_output.h"
#include "options.h"
#include "process_table.h"
#include "rule_store.h"
#include "rules_command.h"
#include "status_board.h"

using namespace crowsnest;

namespace {

volatile std::sig_atomic_t stop_requested = 0;
volatile std::sig_atomic_t reload_requested = 0;

void on_stop_signal(int) { stop_requested = 1; }
void on_reload_signal(int) { reload_requested = 1; }

void print_counters(const Counters &c, const KernelLosses &k, size_t rules) {
    std::fprintf(stderr, "crowsnest: counters\n");
    for (auto type : {EventType::Exec, EventType::Connect, EventType::Open, EventType::Exit})
        std::fprintf(stderr, "  events.%s %llu\n", event_type_name(type), (unsigned long long)c.events[size_t(type)]);
    for (const auto &[cat, n] : c.verdicts) std::fprintf(stderr, "  verdicts.%s %llu\n", cat.c_str(), (unsigned long long)n);
    for (const auto &[why, n] : c.malformed) std::fprintf(stderr, "  malformed.%s %llu\n", why.c_str(), (unsigned long long)n);
    std::fprintf(stderr, "  ringbuf_drops %llu\n", (unsigned long long)k.ringbuf_full);
    std::fprintf(stderr, "  inflight_drops %llu\n", (unsigned long long)k.inflight_full);
    std::fprintf(stderr, "  exit_without_enter %llu\n", (unsigned long long)k.exit_without_enter);
    std::fprintf(stderr, "  unresolved_cgroups %llu\n", (unsigned long long)c.unresolved_cgroups);
    std::fprintf(stderr, "  truncated %llu\n", (unsigned long long)c.truncated);
    std::fprintf(stderr, "  threshold_evictions %llu\n", (unsigned long long)c.threshold_evictions);
    std::fprintf(stderr, "  rules %zu\n", rules);
}

// The engine's counters and the running rules' own.
Counters counters_with(const Engine &engine, const RuleSet &rules) {
    Counters c = engine.counters();
    c.threshold_evictions = rules.threshold_evictions();
    return c;
}

uint32_t namespace_inode(const std::string &path) {
    struct stat st{};
    return stat(path.c_str(), &st) == 0 ? uint32_t(st.st_ino) : 0;
}

}  // namespace

int main(int argc, char **argv) {
    // client commands: the rest of the arguments are theirs
    if (argc > 1 && !std::strcmp(argv[1], "watch")) return run_watch(argc - 1, argv + 1);
    if (argc > 1 && !std::strcmp(argv[1], "status")) return run_status(argc - 1, argv + 1);
    if (argc > 1 && !std::strcmp(argv[1], "rules")) return run_rules_command(argc - 1, argv + 1);
    Options opts;
    std::string error;
    if (!parse_options(argc, argv, opts, error)) {
        std::fprintf(stderr, "crowsnest: %s\n%s", error.c_str(), usage_text());
        return 2;
    }
    if (opts.help) {
        std::fputs(usage_text(), stdout);
        return 0;
    }
    if (opts.version) {
        std::printf("crowsnest %s\n", CROWSNEST_VERSION);
        return 0;
    }

    RuleStore rule_store(opts.rule_paths);
    std::vector<std::string> rule_files, errors, warnings;
    auto rules = rule_store.compile(rule_files, errors, warnings);
    for (const auto &w : warnings) std::fprintf(stderr, "%s\n", w.c_str());
    if (!rules) {
        for (const auto &e : errors) std::fprintf(stderr, "%s\n", e.c_str());
        std::fprintf(stderr, "crowsnest: invalid rules, not starting\n");
        return 2;
    }

    std::ifstream mountinfo("/proc/self/mountinfo");
    const std::string cgroup_mount = find_cgroup2_mount(mountinfo);
    if (cgroup_mount.empty()) {
        std::fprintf(stderr, "crowsnest: no cgroup2 filesystem is mounted (see /proc/self/mountinfo)\n");
        return 1;
    }

    FILE *out = opts.output_path == "none" ? nullptr : stdout;
    if (out && !opts.output_path.empty() && !(out = std::fopen(opts.output_path.c_str(), "a"))) {
        std::fprintf(stderr, "crowsnest: cannot open %s: %s\n", opts.output_path.c_str(), std::strerror(errno));
        return 1;
    }

    CgroupResolver cgroups(cgroup_mount);
    ProcessTable processes;
    HostFiles host_files(opts.host_root, rules->protected_host_paths());
    JsonLinesOutput json(out, opts.print_events);
    VerdictHub verdict_hub(opts.keep_verdicts, opts.subscriber_queue);
    EventHub event_hub(opts.keep_verdicts, opts.subscriber_queue);
    HubOutput output(json, verdict_hub, event_hub);
    EngineConfig cfg;
    cfg.boot_to_wall_ns = Decoder::current_boot_to_wall_ns();
    // the sensor runs in the host's pid namespace (hostPID in Kubernetes)
    cfg.host_pid_ns = namespace_inode("/proc/self/ns/pid");
    Engine engine(*rules, cgroups, processes, host_files, output, cfg);

    auto sensor = BpfSensor::start(
        opts.sensor, [](void *e, const void *data, size_t len) { static_cast<Engine *>(e)->handle(data, len); },
        &engine, error);
    if (!sensor) {
        std::fprintf(stderr, "crowsnest: %s\n", error.c_str());
        return 1;
    }
    const size_t seeded = processes.seed();
    StatusBoard status;
    const size_t rule_file_count = rule_files.size();
    rule_store.set_initial(rules, std::move(rule_files));
    auto server = GrpcServer::start(opts, {verdict_hub, event_hub, rule_store, status}, error);
    if (!server) {
        std::fprintf(stderr, "crowsnest: %s\n", error.c_str());
        return 1;
    }
    std::fprintf(stderr, "crowsnest %s: %zu rules from %zu files, cgroup2 at %s, %zu processes, watching\n",
                 CROWSNEST_VERSION, rules->rule_count(), rule_file_count, cgroup_mount.c_str(), seeded);

    struct sigaction sa{};
    sa.sa_handler = on_stop_signal;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    sa.sa_handler = on_reload_signal;
    sigaction(SIGHUP, &sa, nullptr);
    signal(SIGPIPE, SIG_IGN);

    auto next_upkeep = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    auto next_status = std::chrono::steady_clock::now();
    while (!stop_requested) {
        int n = sensor->poll(opts.poll_ms);
        if (n < 0 && n != -EINTR) {
            std::fprintf(stderr, "crowsnest: ring buffer poll failed: %s\n", std::strerror(-n));
            break;
        }
        json.flush();
        if (reload_requested) {
            reload_requested = 0;
            const auto r = rule_store.reload(false);
            for (const auto &e : r.errors()) std::fprintf(stderr, "%s\n", e.c_str());
            std::fprintf(stderr, r.ok() ? "crowsnest: SIGHUP: %llu rules loaded\n"
                                        : "crowsnest: SIGHUP: invalid rules, the running rules stay (%llu)\n",
                         (unsigned long long)(r.ok() ? r.rules_loaded() : rules->rule_count()));
        }
        if (auto fresh = rule_store.take_pending()) {
            engine.set_matcher(*fresh);
            host_files.set_paths(fresh->protected_host_paths());
            rules = std::move(fresh);  // the old rules are no longer used: freed here
        }
        const auto now = std::chrono::steady_clock::now();
        if (now >= next_status) {
            status.update(counters_with(engine, *rules), sensor->losses());
            next_status = now + std::chrono::milliseconds(50);
        }
        if (now >= next_upkeep) {
            engine.maintain();
            next_upkeep = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        }
    }
    sensor->poll(0);  // what is already in the ring buffer
    json.flush();
    server.reset();  // ends the streams
    const KernelLosses losses = sensor->losses();
    sensor.reset();  // detach before printing: nothing more is watched
    print_counters(counters_with(engine, *rules), losses, rules->rule_count());
    return 0;
}
