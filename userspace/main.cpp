// crowsnest: load the rules, start the BPF sensor, feed every ring-buffer
// record to the engine until SIGINT/SIGTERM, then print the counters.
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
#include "cgroup_resolver.h"
#include "engine.h"
#include "first_rules.h"
#include "host_files.h"
#include "options.h"
#include "process_table.h"

using namespace crowsnest;

namespace {

volatile std::sig_atomic_t stop_requested = 0;

void on_stop_signal(int) { stop_requested = 1; }

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
    std::fprintf(stderr, "  rules %zu\n", rules);
}

uint32_t namespace_inode(const std::string &path) {
    struct stat st{};
    return stat(path.c_str(), &st) == 0 ? uint32_t(st.st_ino) : 0;
}

}  // namespace

int main(int argc, char **argv) {
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

    std::vector<std::string> rule_files, errors;
    if (!expand_rule_paths(opts.rule_paths, rule_files, error)) {
        std::fprintf(stderr, "crowsnest: %s\n", error.c_str());
        return 2;
    }
    auto rules = FirstRules::load(rule_files, errors);
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

    FILE *out = stdout;
    if (!opts.output_path.empty() && !(out = std::fopen(opts.output_path.c_str(), "a"))) {
        std::fprintf(stderr, "crowsnest: cannot open %s: %s\n", opts.output_path.c_str(), std::strerror(errno));
        return 1;
    }

    CgroupResolver cgroups(cgroup_mount);
    ProcessTable processes;
    HostFiles host_files(opts.host_root, rules->protected_host_paths());
    JsonLinesOutput output(out, opts.print_events);
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
    std::fprintf(stderr, "crowsnest %s: %zu rules from %zu files, cgroup2 at %s, %zu processes, watching\n",
                 CROWSNEST_VERSION, rules->rule_count(), rule_files.size(), cgroup_mount.c_str(), seeded);

    struct sigaction sa{};
    sa.sa_handler = on_stop_signal;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    signal(SIGPIPE, SIG_IGN);

    auto next_upkeep = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!stop_requested) {
        int n = sensor->poll(opts.poll_ms);
        if (n < 0 && n != -EINTR) {
            std::fprintf(stderr, "crowsnest: ring buffer poll failed: %s\n", std::strerror(-n));
            break;
        }
        output.flush();
        if (std::chrono::steady_clock::now() >= next_upkeep) {
            engine.maintain();
            next_upkeep = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        }
    }
    sensor->poll(0);  // what is already in the ring buffer
    output.flush();
    const KernelLosses losses = sensor->losses();
    sensor.reset();  // detach before printing: nothing more is watched
    print_counters(engine.counters(), losses, rules->rule_count());
    return 0;
}
