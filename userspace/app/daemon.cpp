// The engine runs on this thread alone; gRPC threads reach it only through
// the subscriber hubs, the rule store and the status board.
#include "app/daemon.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>

#include "api/grpc_server.h"
#include "api/hub_output.h"
#include "api/rule_store.h"
#include "api/status_board.h"
#include "engine/counter_table.h"
#include "engine/engine.h"
#include "engine/json_lines.h"
#include "enrich/cgroup_resolver.h"
#include "enrich/host_files.h"
#include "enrich/process_table.h"
#include "sensor/bpf_sensor.h"

namespace crowsnest {

namespace {

volatile std::sig_atomic_t stop_requested = 0;
volatile std::sig_atomic_t reload_requested = 0;

void on_stop_signal(int) { stop_requested = 1; }
void on_reload_signal(int) { reload_requested = 1; }

// Installed before anything is attached, so that a signal during start-up
// is never lost to the default action.
void install_signal_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    sa.sa_handler = on_reload_signal;
    sigaction(SIGHUP, &sa, nullptr);
    signal(SIGPIPE, SIG_IGN);
}

uint32_t namespace_inode(const std::string &path) {
    struct stat st {};
    return stat(path.c_str(), &st) == 0 ? uint32_t(st.st_ino) : 0;
}

// Written whole under a temporary name, then renamed: a reader that sees
// the file sees its content.
bool write_ready_file(const std::string &path, std::string &error) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << getpid() << "\n";
        if (!out) {
            error = "cannot write " + tmp + ": " + std::strerror(errno);
            return false;
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        error = "cannot rename " + tmp + " to " + path + ": " + std::strerror(errno);
        return false;
    }
    return true;
}

// Everything the daemon runs, in the order it is built and the reverse of
// the order it is torn down.
struct Daemon {
    explicit Daemon(const Options &o) : opts(o), rule_store(o.rule_paths) {}

    int load();
    int start();
    void loop();
    void shutdown();

    std::vector<CounterRow> counters() const {
        return counter_table(sensor->counters(), engine->counters(), rules->threshold_evictions());
    }
    void reload_on_signal();
    void take_new_rules();

    const Options &opts;
    RuleStore rule_store;
    std::shared_ptr<const RuleSet> rules;
    std::vector<std::string> rule_files;
    std::string cgroup_mount;
    FILE *out = nullptr;
    std::unique_ptr<CgroupResolver> cgroups;
    ProcessTable processes;
    std::unique_ptr<HostFiles> host_files;
    std::unique_ptr<JsonLinesOutput> json;
    std::unique_ptr<VerdictHub> verdict_hub;
    std::unique_ptr<EventHub> event_hub;
    std::unique_ptr<HubOutput> output;
    std::unique_ptr<Engine> engine;
    std::unique_ptr<BpfSensor> sensor;
    StatusBoard status;
    std::unique_ptr<GrpcServer> server;
};

// The rules, the cgroup2 mount and the output: everything that can be wrong
// before anything is loaded into the kernel.
int Daemon::load() {
    std::vector<std::string> errors, warnings;
    rules = rule_store.compile(rule_files, errors, warnings);
    for (const auto &w : warnings) std::fprintf(stderr, "%s\n", w.c_str());
    if (!rules) {
        for (const auto &e : errors) std::fprintf(stderr, "%s\n", e.c_str());
        std::fprintf(stderr, "crowsnest: invalid rules, not starting\n");
        return 2;
    }
    std::ifstream mountinfo("/proc/self/mountinfo");
    cgroup_mount = find_cgroup2_mount(mountinfo);
    if (cgroup_mount.empty()) {
        std::fprintf(stderr, "crowsnest: no cgroup2 filesystem is mounted (see /proc/self/mountinfo)\n");
        return 1;
    }
    out = opts.output_path == "none" ? nullptr : stdout;
    if (out && !opts.output_path.empty() && !(out = std::fopen(opts.output_path.c_str(), "a"))) {
        std::fprintf(stderr, "crowsnest: cannot open %s: %s\n", opts.output_path.c_str(), std::strerror(errno));
        return 1;
    }
    return 0;
}

// The pipeline, the kernel side, then the gRPC server; ready once all run.
int Daemon::start() {
    cgroups = std::make_unique<CgroupResolver>(cgroup_mount);
    host_files = std::make_unique<HostFiles>(opts.host_root, rules->protected_host_paths());
    json = std::make_unique<JsonLinesOutput>(out, opts.print_events);
    verdict_hub = std::make_unique<VerdictHub>(opts.keep_verdicts, opts.subscriber_queue);
    event_hub = std::make_unique<EventHub>(opts.keep_verdicts, opts.subscriber_queue);
    output = std::make_unique<HubOutput>(*json, *verdict_hub, *event_hub);
    EngineConfig cfg;
    // the sensor runs in the host's pid namespace (hostPID in Kubernetes)
    cfg.host_pid_ns = namespace_inode("/proc/self/ns/pid");
    engine = std::make_unique<Engine>(*rules, *cgroups, processes, *host_files, *output, cfg);

    std::string error;
    sensor = BpfSensor::start(
        opts.sensor, [](void *e, const Event &event) { static_cast<Engine *>(e)->handle_event(event); }, engine.get(),
        error);
    if (!sensor) {
        std::fprintf(stderr, "crowsnest: %s\n", error.c_str());
        return 1;
    }
    const size_t seeded = processes.seed();
    const size_t file_count = rule_files.size();
    rule_store.set_initial(rules, std::move(rule_files));
    status.update(counters());
    server = GrpcServer::start(opts.server, {*verdict_hub, *event_hub, rule_store, status}, error);
    if (!server) {
        std::fprintf(stderr, "crowsnest: %s\n", error.c_str());
        return 1;
    }
    if (!opts.ready_file.empty() && !write_ready_file(opts.ready_file, error)) {
        std::fprintf(stderr, "crowsnest: %s\n", error.c_str());
        return 1;
    }
    std::fprintf(stderr, "crowsnest %s: %zu rules from %zu files, cgroup2 at %s, %zu processes, watching\n",
                 CROWSNEST_VERSION, rules->rule_count(), file_count, cgroup_mount.c_str(), seeded);
    return 0;
}

void Daemon::reload_on_signal() {
    reload_requested = 0;
    const auto r = rule_store.reload(false);
    for (const auto &e : r.errors()) std::fprintf(stderr, "%s\n", e.c_str());
    std::fprintf(stderr,
                 r.ok() ? "crowsnest: SIGHUP: %llu rules loaded\n"
                        : "crowsnest: SIGHUP: invalid rules, the running rules stay (%llu)\n",
                 (unsigned long long)(r.ok() ? r.rules_loaded() : rules->rule_count()));
}

// Between two events: the engine matches with the new rules from now on.
void Daemon::take_new_rules() {
    if (auto fresh = rule_store.take_pending()) {
        engine->set_matcher(*fresh);
        host_files->set_paths(fresh->protected_host_paths());
        rules = std::move(fresh);  // the old rules are no longer used: freed here
    }
}

void Daemon::loop() {
    auto next_upkeep = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    auto next_status = std::chrono::steady_clock::now();
    while (!stop_requested) {
        int n = sensor->poll(opts.poll_ms);
        if (n < 0 && n != -EINTR) {
            std::fprintf(stderr, "crowsnest: ring buffer poll failed: %s\n", std::strerror(-n));
            break;
        }
        json->flush();
        if (reload_requested) reload_on_signal();
        take_new_rules();
        const auto now = std::chrono::steady_clock::now();
        if (now >= next_status) {
            status.update(counters());
            next_status = now + std::chrono::milliseconds(50);
        }
        if (now >= next_upkeep) {
            sensor->resync_clock();
            engine->maintain();
            next_upkeep = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        }
    }
}

// What is already in the ring buffer is handled; the streams end; the
// programs are detached before the counters are printed.
void Daemon::shutdown() {
    sensor->poll(0);
    json->flush();
    server.reset();
    const auto rows = counters();
    sensor.reset();
    if (!opts.ready_file.empty()) unlink(opts.ready_file.c_str());
    std::fprintf(stderr, "crowsnest: counters\n");
    for (const auto &row : rows) std::fprintf(stderr, "  %s %llu\n", row.name.c_str(), (unsigned long long)row.value);
    std::fprintf(stderr, "crowsnest: stopped with %zu rules\n", rules->rule_count());
}

}  // namespace

int run_daemon(const Options &opts) {
    install_signal_handlers();
    Daemon d(opts);
    if (int rc = d.load()) return rc;
    if (int rc = d.start()) return rc;
    d.loop();
    d.shutdown();
    return 0;
}

}  // namespace crowsnest
