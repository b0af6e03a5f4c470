// The engine runs on this thread alone; gRPC threads reach it only through
// the subscriber hubs, the rule store, the status board and the task queue
// (the profile RPCs).
#include "app/daemon.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <limits>
#include <memory>

#include "api/grpc_server.h"
#include "app/capabilities.h"
#include "app/host_sources.h"
#include "app/instance_lock.h"
#include "app/rule_watch.h"
#include "api/hub_output.h"
#include "api/rule_store.h"
#include "api/status_board.h"
#include "api/verdict_journal.h"
#include "engine/counter_table.h"
#include "engine/engine.h"
#include "rules/prefilter_summary.h"
#include "profile/profile_db.h"
#include "profile/profile_writer.h"
#include "profile/profiler.h"
#include "outputs/http_sink.h"
#include "outputs/json_lines_worker.h"
#include "outputs/output_worker.h"
#include "outputs/syslog_sink.h"
#include "enrich/cgroup_resolver.h"
#include "enrich/host_files.h"
#include "enrich/host_mounts.h"
#include "enrich/process_table.h"
#include "http/http_server.h"
#include "sensor/bpf_sensor.h"
#include "util/clocks.h"
#include "util/task_queue.h"
#include "workload/workload_resolver.h"

namespace crowsnest {

namespace {

volatile std::sig_atomic_t stop_requested = 0;
volatile std::sig_atomic_t reload_requested = 0;
volatile std::sig_atomic_t reopen_requested = 0;

void on_stop_signal(int) { stop_requested = 1; }
void on_reload_signal(int) { reload_requested = 1; }
void on_reopen_signal(int) { reopen_requested = 1; }

// Installed before anything is attached, so that a signal during start-up
// is never lost to the default action.
void install_signal_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    sa.sa_handler = on_reload_signal;
    sigaction(SIGHUP, &sa, nullptr);
    sa.sa_handler = on_reopen_signal;
    sigaction(SIGUSR1, &sa, nullptr);
    signal(SIGPIPE, SIG_IGN);
}

// --node-name, else NODE_NAME (a DaemonSet sets it from spec.nodeName),
// else the hostname.
std::string node_name(const Options &o) {
    if (!o.node_name.empty()) return o.node_name;
    if (const char *env = std::getenv("NODE_NAME"); env && *env) return env;
    char host[256] = {};
    gethostname(host, sizeof(host) - 1);
    return host;
}

// n random bytes, in hex: this run's identity.
std::string random_hex(size_t n) {
    std::random_device rd;
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < n; i++) {
        const unsigned b = rd() & 0xff;
        out += hex[b >> 4];
        out += hex[b & 0xf];
    }
    return out;
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
    explicit Daemon(const Options &o) : opts(o), rule_store(o.rule_paths), readiness(o.readiness) {}

    int load();
    int start();
    void loop();
    void shutdown();

    std::vector<CounterRow> counters() const {
        std::vector<OutputCounters> outputs;
        if (json) {
            const JsonLinesStats j = json->stats();
            outputs.push_back({"json", j.written, j.lost, j.errors});
        }
        if (journal) outputs.push_back({"journal", journal->written(), journal->lost(), journal->errors()});
        for (const auto &o : alert_outputs) {
            const OutputStats s = o->stats();
            outputs.push_back({s.name, s.sent, s.failed + s.dropped, s.failed, s.suppressed, s.queued});
        }
        return counter_table(sensor->counters(), engine->counters(), rules->threshold_evictions(), outputs,
                             profile_writer ? profile_writer->counters() : ProfileWriterCounters{});
    }
    void watch_output();
    void publish_status();
    void reload_rules(const char *why);
    void take_new_rules();

    int open_journal(VerdictJournal::Recovered &recovered);
    int open_profiles();
    void start_alert_outputs();
    void install_prefilter();
    void tell_prefilter();
    void tell_host_files();

    const Options &opts;
    const std::string instance_id = random_hex(16);
    InstanceLock lock;
    RuleStore rule_store;
    std::shared_ptr<const RuleSet> rules;
    std::vector<std::string> rule_files;
    std::string cgroup_mount;
    int out_fd = -1;                          // stdout, or -1 (none)
    std::unique_ptr<OutputFile> output_file;  // or --output FILE
    uint64_t reported_output_errors = 0;
    std::chrono::steady_clock::time_point next_output_report{};
    std::unique_ptr<CgroupResolver> cgroups;
    std::unique_ptr<WorkloadResolver> workloads;
    ProcessTable processes;
    std::unique_ptr<HostFiles> host_files;
    std::unique_ptr<HostMounts> host_mounts;
    const char *host_mountinfo = "";  // the host's mount table, as the sensor reads it
    std::unique_ptr<VerdictHub> verdict_hub;
    std::unique_ptr<EventHub> event_hub;
    std::unique_ptr<JsonLinesWorker> json;    // none with --output none; after the hubs: it reads them
    std::unique_ptr<VerdictJournal> journal;  // after the hubs: its writer reads the verdict hub
    std::vector<std::unique_ptr<OutputWorker>> alert_outputs;  // after the hubs too: each subscribes to one
    std::unique_ptr<HubOutput> output;
    // learned profiles (--profiles): the database, its writer, the profiler
    std::unique_ptr<ProfileDb> profile_db;
    std::unique_ptr<ProfileWriter> profile_writer;
    std::unique_ptr<Profiler> profiler;
    TaskQueue engine_tasks;  // run between two events
    std::unique_ptr<Engine> engine;
    std::unique_ptr<BpfSensor> sensor;
    StatusBoard status;
    ReadinessTracker readiness;
    uint32_t host_pid_ns = 0;
    double ring_fill_seen = 0;  // the fullest the ring buffer was found since the last status update
    std::unique_ptr<RuleWatch> rule_watch;
    std::unique_ptr<GrpcServer> server;
    std::unique_ptr<HttpServer> http;  // last: its handlers read the hubs, the rule store and the board
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
    cgroup_mount = host_cgroup2_mount(opts.host_root, host_mountinfo);
    if (cgroup_mount.empty()) {
        std::fprintf(stderr, "crowsnest: no cgroup2 filesystem is mounted (see %s)\n", host_mountinfo);
        return 1;
    }
    std::string error;
    if (opts.output_path == "none") {
        out_fd = -1;
    } else if (opts.output_path.empty()) {
        out_fd = STDOUT_FILENO;
    } else if (!(output_file = OutputFile::open(opts.output_path, opts.output_rotate_bytes, opts.output_keep, error))) {
        std::fprintf(stderr, "crowsnest: %s\n", error.c_str());
        return 1;
    }
    return 0;
}

// The verdict journal (--journal; by default beside the socket), and what
// the last run left in it.
int Daemon::open_journal(VerdictJournal::Recovered &recovered) {
    std::string path = opts.journal_path;
    if (path.empty() && !opts.server.socket.empty())
        path = std::filesystem::path(opts.server.socket).parent_path() / "verdicts.journal";
    if (path.empty() || path == "none") return 0;
    std::string error;
    journal = VerdictJournal::open(path, opts.journal_bytes, opts.keep_verdicts, recovered, error);
    if (!journal) {
        std::fprintf(stderr, "crowsnest: %s\n", error.c_str());
        return 1;
    }
    std::fprintf(stderr, "crowsnest: verdict journal %s: %zu verdicts kept, numbering goes on after %llu%s\n",
                 path.c_str(), recovered.kept.size(), (unsigned long long)recovered.reserved,
                 recovered.reserved > recovered.last_sequence
                     ? (" (" + std::to_string(recovered.reserved - recovered.last_sequence) +
                        " numbers after the last journaled verdict may be lost: the last run stopped abruptly)")
                           .c_str()
                     : "");
    if (recovered.cut_bytes)
        std::fprintf(stderr, "crowsnest: verdict journal: a torn end of %llu bytes was cut\n",
                     (unsigned long long)recovered.cut_bytes);
    return 0;
}

namespace {

// The common limits, with one output's own rate and burst over them.
FloodLimits with_own_rate(FloodLimits limits, Options::RateOverride own) {
    if (own.rate >= 0) limits.rate = own.rate;
    if (own.burst >= 0) limits.burst = own.burst;
    return limits;
}

}  // namespace

// Syslog, HTTP and Slack: each a subscriber of the verdict hub, with its
// own thread and flood control (options.h).
void Daemon::start_alert_outputs() {
    std::string error;
    if (!opts.syslog_output.empty())
        alert_outputs.push_back(std::make_unique<OutputWorker>(
            "syslog", std::make_unique<SyslogSink>(*parse_syslog_target(opts.syslog_output, error)), *verdict_hub,
            with_own_rate(opts.flood, opts.syslog_rate)));
    if (!opts.http_output.url.empty())
        alert_outputs.push_back(std::make_unique<OutputWorker>("http", std::make_unique<HttpSink>(opts.http_output),
                                                               *verdict_hub, with_own_rate(opts.flood, opts.http_rate)));
    if (!opts.slack_webhook.empty()) {
        HttpOutputConfig slack;
        slack.url = opts.slack_webhook;
        slack.format = HttpFormat::Slack;
        // a channel read by people: a loop must not become ten thousand messages
        const FloodLimits people{1, 10, std::chrono::seconds(60)};
        alert_outputs.push_back(std::make_unique<OutputWorker>(
            "slack", std::make_unique<HttpSink>(slack), *verdict_hub,
            with_own_rate(opts.flood_given ? opts.flood : people, opts.slack_rate)));
    }
}

// Learned profiles (--profiles PATH): what the last runs learned, and a
// writer that keeps what this one learns. A damaged database is moved
// aside and started anew; one that cannot be opened stops the start.
int Daemon::open_profiles() {
    if (opts.profiles_path.empty()) return 0;
    std::string error, notice;
    const std::filesystem::path dir = std::filesystem::path(opts.profiles_path).parent_path();
    std::error_code ec;
    if (!dir.empty() && !std::filesystem::exists(dir, ec)) {
        std::filesystem::create_directories(dir, ec);
        std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
    }
    profile_db = ProfileDb::open(opts.profiles_path, error, notice);
    if (!notice.empty()) std::fprintf(stderr, "crowsnest: %s\n", notice.c_str());
    std::vector<Profile> kept;
    if (!profile_db || !profile_db->load(kept, error)) {
        std::fprintf(stderr, "crowsnest: %s\n", error.c_str());
        return 1;
    }
    std::fprintf(stderr, "crowsnest: profiles database %s: %zu profiles\n", opts.profiles_path.c_str(), kept.size());
    profile_writer = std::make_unique<ProfileWriter>(*profile_db, std::chrono::seconds(1));
    profiler = std::make_unique<Profiler>(opts.profiles, profile_writer.get());
    profiler->restore(std::move(kept));
    return 0;
}

// The pipeline, the kernel side, then the gRPC server; ready once all run.
// One sensor per socket: the lock beside it comes before anything else.
int Daemon::start() {
    std::string error;
    if (!opts.server.socket.empty() && !lock.acquire(opts.server.socket + ".lock", error)) {
        std::fprintf(stderr, "crowsnest: %s\n", error.c_str());
        return 1;
    }
    VerdictJournal::Recovered recovered;
    if (int rc = open_journal(recovered)) return rc;
    cgroups = std::make_unique<CgroupResolver>(cgroup_mount);
    workloads = make_workload_resolver(opts);
    if (!workloads->watch(error))
        std::fprintf(stderr, "crowsnest: runtime state is read at each container's first event only (%s)\n",
                     error.c_str());
    host_files = std::make_unique<HostFiles>(opts.host_root, rules->protected_host_paths());
    host_mounts = std::make_unique<HostMounts>(host_mountinfo);
    host_mounts->refresh();
    for (const auto &problem : host_mounts->problems())
        std::fprintf(stderr, "crowsnest: the host's mount table: %s (host.path is unset for its files)\n",
                     problem.c_str());
    const HubLimits limits{opts.keep_verdicts, opts.subscriber_queue};
    // verdicts are numbered in the journal's space, events in this run's
    verdict_hub = std::make_unique<VerdictHub>(limits, journal ? recovered.space : instance_id);
    event_hub = std::make_unique<EventHub>(limits, instance_id);
    if (output_file || out_fd >= 0)
        json = std::make_unique<JsonLinesWorker>(
            output_file ? LineFile(output_file.get()) : LineFile(out_fd),
            opts.output_format == "falco" ? JsonLinesWorker::Format::Falco : JsonLinesWorker::Format::Crowsnest,
            *verdict_hub, opts.print_events ? event_hub.get() : nullptr);
    EngineConfig cfg;
    if (journal) {
        const bool lost = recovered.reserved > recovered.last_sequence;
        verdict_hub->restore(std::move(recovered.kept), lost ? recovered.last_sequence : 0,
                             lost ? recovered.reserved : 0);
        journal->start(*verdict_hub);
        cfg.last_verdict_sequence = recovered.reserved;
        cfg.sequences = journal.get();
    }
    start_alert_outputs();
    output = std::make_unique<HubOutput>(*verdict_hub, *event_hub);
    // the sensor runs in the host's pid namespace (hostPID in Kubernetes)
    cfg.host_pid_ns = host_pid_ns = namespace_inode("/proc/self/ns/pid");
    cfg.verdict_window_ns = opts.verdict_window_s * 1000000000ull;
    cfg.node_name = node_name(opts);
    if (int rc = open_profiles()) return rc;
    cfg.profiler = profiler.get();
    engine = std::make_unique<Engine>(*rules, *cgroups, *workloads, processes, *host_mounts, *output, cfg);
    // probes answer while the programs load: alive, not ready yet
    if (!opts.http.listen.empty() &&
        !(http = HttpServer::start(opts.http, {status, *verdict_hub, *event_hub, rule_store, opts.readiness}, error))) {
        std::fprintf(stderr, "crowsnest: %s\n", error.c_str());
        return 1;
    }

    sensor = BpfSensor::start(
        opts.sensor, [](void *e, const Event &event) { static_cast<Engine *>(e)->handle_event(event); }, engine.get(),
        error);
    if (!sensor) {
        std::fprintf(stderr, "crowsnest: %s\n", error.c_str());
        return 1;
    }
    install_prefilter();
    const size_t seeded = processes.seed();
    const size_t file_count = rule_files.size();
    rule_store.set_initial(rules, std::move(rule_files));
    if (opts.rules_watch_s) rule_watch = std::make_unique<RuleWatch>(opts.rule_paths);
    publish_status();
    server = GrpcServer::start(
        opts.server, {*verdict_hub, *event_hub, rule_store, status, instance_id, profiler.get(), &engine_tasks}, error);
    if (!server) {
        std::fprintf(stderr, "crowsnest: %s\n", error.c_str());
        return 1;
    }
    if (!opts.ready_file.empty() && !write_ready_file(opts.ready_file, error)) {
        std::fprintf(stderr, "crowsnest: %s\n", error.c_str());
        return 1;
    }
    std::fprintf(stderr, "crowsnest %s: %zu rules from %zu files, cgroup2 at %s, %zu processes, watching%s%s\n",
                 CROWSNEST_VERSION, rules->rule_count(), file_count, cgroup_mount.c_str(), seeded,
                 http ? "; HTTP on " : "", http ? opts.http.listen.c_str() : "");
    return 0;
}

// The kernel sends only what the loaded rules could match, unless
// --no-prefilter. A reload installs the new rules' prefilter right after
// the engine takes them: events the old one dropped meanwhile are counted.
void Daemon::install_prefilter() {
    if (opts.sensor.no_prefilter) return;
    const PrefilterSummary summary = summarise_for_prefilter(*rules);
    for (const auto &line : describe_prefilter(summary)) std::fprintf(stderr, "crowsnest: %s\n", line.c_str());
    tell_prefilter();  // first: a consumer of every event never misses one
    tell_host_files();
    if (!sensor->prefilter().install(summary, host_pid_ns))
        std::fprintf(stderr, "crowsnest: the prefilter could not be written: every event is sent\n");
}

// The protected host files' identities, as last read.
void Daemon::tell_host_files() {
    sensor->prefilter().set_host_files(host_files->files(), host_files->dirs());
}

// Between two batches: the host cgroups the engine resolved, and whether a
// consumer of every event (--events, StreamEvents, learned profiles) needs
// them all now.
void Daemon::tell_prefilter() {
    if (opts.sensor.no_prefilter) return;
    for (uint64_t id : cgroups->take_new_host_cgroups()) sensor->prefilter().mark_host_cgroup(id);
    const bool every_event = output->wants_events() || profiler;
    constexpr uint32_t kFiltered = 1u << unsigned(EventType::Open) | 1u << unsigned(EventType::Connect) |
                                   1u << unsigned(EventType::ConnectResult);
    sensor->prefilter().hold_open(every_event ? kFiltered : 0);
}

// `why`: SIGHUP, or a rule file that changed.
void Daemon::reload_rules(const char *why) {
    const auto r = rule_store.reload(false);
    for (const auto &e : r.errors()) std::fprintf(stderr, "%s\n", e.c_str());
    std::fprintf(stderr,
                 r.ok() ? "crowsnest: %s: %llu rules loaded\n"
                        : "crowsnest: %s: invalid rules, the running rules stay (%llu)\n",
                 why, (unsigned long long)(r.ok() ? r.rules_loaded() : rules->rule_count()));
}

// Between two events: the engine matches with the new rules from now on.
void Daemon::take_new_rules() {
    if (auto fresh = rule_store.take_pending()) {
        engine->set_matcher(*fresh);
        host_files->set_paths(fresh->protected_host_paths());
        rules = std::move(fresh);  // the old rules are no longer used: freed here
        install_prefilter();
    }
}

// A failing output is logged at most once every 10 s (readiness reports it too).
void Daemon::watch_output() {
    if (!json) return;
    const JsonLinesStats f = json->stats();
    const auto now = std::chrono::steady_clock::now();
    if ((f.errors + f.lost) > reported_output_errors && now >= next_output_report) {
        std::fprintf(stderr, "crowsnest: output: %llu lines lost so far (%s)\n", (unsigned long long)f.lost,
                     f.last_error.empty() ? "its queue overflowed: stdout or the file is too slow" : f.last_error.c_str());
        next_output_report = now + std::chrono::seconds(10);
        reported_output_errors = f.errors + f.lost;
    }
}

// The counter table and gauges for GetStatus and /metrics, and readiness for
// /readyz and the gRPC health service, which it switches before the counters
// that explain it are visible.
void Daemon::publish_status() {
    auto rows = counters();
    PipelineSample sample;
    sample.attached = sensor != nullptr;
    sample.rules_enabled = rules->rule_count();
    sample.ring_fill = ring_fill_seen;
    ring_fill_seen = 0;
    for (const auto &r : rows)
        if (r.name == "ringbuf_drops") sample.ringbuf_drops = r.value;
    const uint64_t journal_errors = journal ? journal->errors() : 0;
    const JsonLinesStats lines = json ? json->stats() : JsonLinesStats{};
    sample.output_errors = lines.errors + journal_errors;
    sample.output_error = lines.errors ? "json: " + lines.last_error : "";
    if (journal_errors) sample.output_error += std::string(sample.output_error.empty() ? "" : "; ") + "the verdict journal";
    const uint64_t now_s = uint64_t(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
    Readiness ready = readiness.sample(sample, now_s);
    if (server && server->serving() != ready.ready) server->set_serving(ready.ready);
    status.set_readiness(std::move(ready));
    const EngineCounters ec = engine->counters();
    status.update(std::move(rows), {ec.verdicts_by_rule, ec.lag, readiness.recent_ring_fill(), sensor->ring_bytes(),
                                    uint64_t(rules->rule_count())});
}

void Daemon::loop() {
    auto next_upkeep = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    auto next_status = std::chrono::steady_clock::now();
    auto next_flood_read = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    auto next_rules_check = std::chrono::steady_clock::now() + std::chrono::seconds(opts.rules_watch_s);
    while (!stop_requested) {
        int n = sensor->wait(opts.poll_ms);
        if (n < 0 && n != -EINTR) {
            std::fprintf(stderr, "crowsnest: ring buffer poll failed: %s\n", std::strerror(-n));
            break;
        }
        // how far behind the engine is, seen just before it catches up
        ring_fill_seen = std::max(ring_fill_seen, sensor->ring_fill());
        engine->start_batch(boot_clock_ns());
        if ((n = sensor->consume()) < 0) {
            std::fprintf(stderr, "crowsnest: ring buffer read failed: %s\n", std::strerror(-n));
            break;
        }
        status.beat();
        tell_prefilter();
        const auto now = std::chrono::steady_clock::now();
        if (now >= next_flood_read) {
            sensor->read_flood_counts();
            next_flood_read = now + std::chrono::seconds(1);
        }
        engine->tick(boot_clock_ns(), wall_clock_ns());
        watch_output();
        if (reload_requested) {
            reload_requested = 0;
            reload_rules("SIGHUP");
        }
        if (reopen_requested) {  // logrotate moved the output file
            reopen_requested = 0;
            if (json) json->reopen();
        }
        if (rule_watch && now >= next_rules_check) {
            if (rule_watch->changed()) reload_rules("rule files changed");
            next_rules_check = now + std::chrono::seconds(opts.rules_watch_s);
        }
        take_new_rules();
        engine_tasks.run_pending();
        if (now >= next_status) {
            publish_status();
            next_status = now + std::chrono::milliseconds(50);
        }
        if (now >= next_upkeep) {
            sensor->resync_clock();
            engine->maintain();
            host_files->refresh();
            if (!opts.sensor.no_prefilter) tell_host_files();
            next_upkeep = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        }
    }
}

// What is already in the ring buffer is handled, and what was aggregated
// reported; the streams end; the programs are detached before the counters
// are printed.
void Daemon::shutdown() {
    engine_tasks.close();  // a profile RPC still waiting is told the engine stopped
    sensor->consume();
    // every aggregation window and flood report closes now: nothing counted is left unsaid
    engine->tick(std::numeric_limits<uint64_t>::max(), wall_clock_ns());
    if (journal) journal->finish(engine->last_verdict_sequence());
    if (profile_writer) profile_writer->flush();
    verdict_hub->wait_dispatched();
    event_hub->wait_dispatched();
    if (json) json->finish();                   // every line queued is written
    for (auto &o : alert_outputs) o->finish();  // each delivers what it holds, its flood summaries too
    http.reset();
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
    if (const std::string missing = missing_capabilities(effective_capabilities()); !missing.empty()) {
        std::fprintf(stderr, "crowsnest: missing capabilities, not starting:\n%s\n", missing.c_str());
        return 1;
    }
    if (int rc = d.start()) return rc;
    d.loop();
    d.shutdown();
    return 0;
}

}  // namespace crowsnest
