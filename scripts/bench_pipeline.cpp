// bench_pipeline: the whole userspace pipeline at full speed, built as the
// daemon builds it: ring-buffer records -> decoder -> engine (cgroup,
// runtime-state and process resolution, host files, the rules) -> the
// subscriber hubs -> the JSON lines writer.
//
//   bench_pipeline record --out FILE --seconds N
//     Loads the BPF programs with no prefilter and no rate limit (every
//     event is sent) and writes every record as received, each after its
//     length (4 bytes), while bench-pipeline.sh runs a workload.
//   bench_pipeline replay --records FILE [--rules PATH]... [--repeat N] [--cpu N]
//     Replays the records, the engine thread pinned to one CPU, in passes
//     that alternate between decoding only (the baseline) and the pipeline
//     as shipped (verdicts written as JSON lines); then in passes with
//     --events (every event also built, published and written). Each pass
//     moves the records' times on, as if the workload ran again. The lines
//     go to /dev/null: formatted and written, not stored.
#include <signal.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "api/hub_output.h"
#include "api/subscriber_hub.h"
#include "app/host_sources.h"
#include "engine/engine.h"
#include "engine/line_file.h"
#include "enrich/cgroup_resolver.h"
#include "enrich/host_mounts.h"
#include "enrich/process_table.h"
#include "bench_replay.h"
#include "outputs/json_lines_worker.h"
#include "sensor/bpf_sensor.h"
#include "sensor/decoder.h"
#include "util/clocks.h"

extern "C" {
#include "events.h"
}

void die(const std::string &msg) {
    std::fprintf(stderr, "bench_pipeline: %s\n", msg.c_str());
    std::exit(1);
}

namespace {

using namespace crowsnest;
using bench::now;
using bench::si;

// ---- record -----------------------------------------------------------------

struct Recorder {
    std::FILE *out = nullptr;
    uint64_t records = 0, bytes = 0;
};

int record(const std::string &path, double seconds) {
    Recorder rec;
    rec.out = std::fopen(path.c_str(), "we");
    if (!rec.out) die("cannot write " + path + ": " + std::strerror(errno));
    SensorOptions opts;
    opts.flood_rate = 0;  // a recording keeps every event
    std::string error;
    auto sensor = BpfSensor::start(opts, [](void *, const Event &) {}, nullptr, error);
    if (!sensor) die(error);
    sensor->set_record_tap(
        [](void *ctx, const void *data, size_t len) {
            auto *r = static_cast<Recorder *>(ctx);
            const uint32_t n = uint32_t(len);
            std::fwrite(&n, sizeof(n), 1, r->out);
            std::fwrite(data, 1, len, r->out);
            r->records++;
            r->bytes += len;
        },
        &rec);
    std::fprintf(stderr, "bench_pipeline: recording\n");  // the script starts its workload on this line
    const double end = now(CLOCK_MONOTONIC) + seconds;
    while (now(CLOCK_MONOTONIC) < end) {
        sensor->wait(100);
        if (sensor->consume() < 0) die("the ring buffer could not be read");
    }
    sensor->consume();
    const SensorCounters c = sensor->counters();
    uint64_t lost = 0;
    for (size_t t = 0; t < kEventTypeCount; t++) lost += c.ringbuf_full[t] + c.ring_reserved[t];
    if (std::fclose(rec.out) != 0) die("cannot write " + path);
    std::fprintf(stderr, "bench_pipeline: recorded %lu records (%lu bytes) in %.0f s; %lu lost in the kernel\n",
                 rec.records, rec.bytes, seconds, lost);
    return 0;
}

// ---- replay -----------------------------------------------------------------

struct Records {
    std::vector<uint8_t> bytes;                      // as recorded, length prefixes included
    std::vector<std::pair<size_t, uint32_t>> spans;  // each record's offset and length
    uint64_t first_ns = UINT64_MAX, last_ns = 0;     // boot-time span of the recording
};

Records load(const std::string &path) {
    Records r;
    std::ifstream in(path, std::ios::binary);
    if (!in) die("cannot read " + path);
    r.bytes.assign(std::istreambuf_iterator<char>(in), {});
    for (size_t off = 0; off < r.bytes.size();) {
        uint32_t len = 0;
        if (r.bytes.size() - off < sizeof(len)) die(path + ": cut after " + std::to_string(r.spans.size()) + " records");
        std::memcpy(&len, &r.bytes[off], sizeof(len));
        off += sizeof(len);
        if (len < sizeof(event_header) || len > r.bytes.size() - off)
            die(path + ": record " + std::to_string(r.spans.size() + 1) + " has a bad length");
        event_header h;
        std::memcpy(&h, &r.bytes[off], sizeof(h));
        r.first_ns = std::min<uint64_t>(r.first_ns, h.ts_boot_ns);
        r.last_ns = std::max<uint64_t>(r.last_ns, h.ts_boot_ns);
        r.spans.emplace_back(off, len);
        off += len;
    }
    if (r.spans.empty()) die(path + " holds no records");
    return r;
}

// Every record's time later by `ns`, in place.
void shift_time(Records &r, uint64_t ns) {
    for (auto [off, len] : r.spans) {
        uint64_t t;
        std::memcpy(&t, &r.bytes[off + offsetof(event_header, ts_boot_ns)], sizeof(t));
        t += ns;
        std::memcpy(&r.bytes[off + offsetof(event_header, ts_boot_ns)], &t, sizeof(t));
    }
}

// One pipeline, as Daemon::start builds it; `events`: --events (every event
// printed as well as the verdicts).
struct Pipeline {
    Pipeline(const RuleSet &rules, const std::string &cgroup_mount, int out_fd, bool events)
        : cgroups(cgroup_mount), workloads(make_workload_resolver(Options{})), host_mounts("/proc/self/mountinfo"),
          verdict_hub(HubLimits{}), event_hub(HubLimits{}),
          json(LineFile(out_fd), JsonLinesWorker::Format::Crowsnest, verdict_hub, events ? &event_hub : nullptr),
          output(verdict_hub, event_hub), engine(rules, cgroups, *workloads, processes, host_mounts, output, config()) {
        processes.seed();
        host_mounts.refresh();
    }
    static EngineConfig config() {
        EngineConfig c;
        struct stat st{};
        c.host_pid_ns = stat("/proc/self/ns/pid", &st) == 0 ? uint32_t(st.st_ino) : 0;
        c.node_name = "bench";
        return c;
    }
    // What the writer did, once everything published has reached it.
    JsonLinesStats finish() {
        verdict_hub.wait_dispatched();
        event_hub.wait_dispatched();
        json.finish();
        return json.stats();
    }

    CgroupResolver cgroups;
    std::unique_ptr<WorkloadResolver> workloads;
    ProcessTable processes;
    HostMounts host_mounts;
    VerdictHub verdict_hub;
    EventHub event_hub;
    JsonLinesWorker json;
    HubOutput output;
    Engine engine;
};

struct Totals {
    double thread_cpu_s = 0, process_cpu_s = 0, wall_s = 0;
    uint64_t records = 0, malformed = 0;
};

// One pass over every record: decoded, and handed to `engine` unless null,
// in batches as the daemon's poll loop hands them.
#if defined(__clang__)
#define BENCH_OPAQUE [[gnu::noinline]]
#else
#define BENCH_OPAQUE [[gnu::noipa]]
#endif
BENCH_OPAQUE void replay(const Records &r, Engine *engine, Totals &t) {
    constexpr size_t kBatch = 256;
    Decoder decoder(Decoder::current_boot_to_wall_ns());
    Event e;
    const double thread0 = now(CLOCK_THREAD_CPUTIME_ID), process0 = now(CLOCK_PROCESS_CPUTIME_ID),
                 wall0 = now(CLOCK_MONOTONIC);
    for (size_t i = 0; i < r.spans.size(); i++) {
        const auto [off, len] = r.spans[i];
        if (decoder.decode(&r.bytes[off], len, e) != DecodeStatus::Ok) {
            t.malformed++;
            continue;
        }
        if (!engine) continue;
        if (i % kBatch == 0) engine->start_batch(e.boot_ns);
        engine->handle_event(e);
        if (i % kBatch == kBatch - 1) engine->tick(e.boot_ns, e.time_ns);
    }
    t.thread_cpu_s += now(CLOCK_THREAD_CPUTIME_ID) - thread0;
    t.process_cpu_s += now(CLOCK_PROCESS_CPUTIME_ID) - process0;
    t.wall_s += now(CLOCK_MONOTONIC) - wall0;
    t.records += r.spans.size();
}

// A line of /proc/self/status, in MiB ("VmRSS", "VmHWM").
double status_mib(const char *key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(std::string(key) + ":", 0) == 0) return std::atof(line.c_str() + std::strlen(key) + 1) / 1024.0;
    return 0;
}

uint64_t handled(const Engine &engine) {
    uint64_t n = 0;
    for (uint64_t c : engine.counters().events) n += c;
    return n;
}

uint64_t verdict_count(const EngineCounters &c) {
    uint64_t n = 0;
    for (const auto &[category, count] : c.verdicts) n += count;
    return n;
}

int replay_all(const std::string &path, const std::vector<std::string> &rule_paths, long repeat, long cpu) {
    size_t file_count = 0;
    const auto rules = bench::load_rules(rule_paths, file_count);
    const char *mountinfo = "";
    const std::string cgroup_mount = host_cgroup2_mount("/", mountinfo);
    if (cgroup_mount.empty()) die(std::string("no cgroup2 mount in ") + mountinfo);

    Records rec = load(path);
    const size_t n = rec.spans.size();
    if (repeat <= 0) repeat = std::max<long>(3, long(2000000 / n));  // about 2 M records per variant
    const double rss_loaded = status_mib("VmRSS");
    const int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (devnull < 0) die("cannot open /dev/null");
    // started before the pinning: the other threads (hub dispatchers, the writer) may use any CPU
    Pipeline shipped(*rules, cgroup_mount, devnull, false);
    Pipeline printing(*rules, cgroup_mount, devnull, true);
    cpu = bench::pin_to_cpu(cpu);

    Totals warm, base, full, events;
    replay(rec, &shipped.engine, warm);  // the caches fill, as on a running node
    const uint64_t span = rec.last_ns - rec.first_ns + 1000000;
    const uint64_t handled0 = handled(shipped.engine);
    double next_upkeep = now(CLOCK_MONOTONIC) + 10;
    for (long pass = 0; pass < repeat; pass++) {
        shift_time(rec, span);
        replay(rec, nullptr, base);
        replay(rec, &shipped.engine, full);
        if (now(CLOCK_MONOTONIC) >= next_upkeep) {  // as the daemon does every 10 s
            shipped.engine.maintain();
            next_upkeep = now(CLOCK_MONOTONIC) + 10;
        }
    }
    // after, not alternating: its writer, behind, would run beside the others' passes
    replay(rec, &printing.engine, warm);
    const uint64_t printed0 = handled(printing.engine);
    for (long pass = 0; pass < repeat; pass++) {
        shift_time(rec, span);
        replay(rec, &printing.engine, events);
        if (now(CLOCK_MONOTONIC) >= next_upkeep) {
            printing.engine.maintain();
            next_upkeep = now(CLOCK_MONOTONIC) + 10;
        }
    }
    const uint64_t shipped_handled = handled(shipped.engine) - handled0;
    const uint64_t printed_handled = handled(printing.engine) - printed0;
    const uint64_t shipped_lost = shipped.finish().lost;
    const double printing_started = now(CLOCK_MONOTONIC) - events.wall_s;
    const JsonLinesStats printed = printing.finish();
    const double writer_rate = double(printed.written) / (now(CLOCK_MONOTONIC) - printing_started);
    const double rss = status_mib("VmRSS"), hwm = status_mib("VmHWM");
    const EngineCounters c = shipped.engine.counters();

    uint64_t mix[kEventTypeCount] = {};
    {
        Decoder d;
        Event e;
        for (auto [off, len] : rec.spans)
            if (d.decode(&rec.bytes[off], len, e) == DecodeStatus::Ok) mix[size_t(e.type)]++;
    }
    std::printf("Recording: %zu records, %.1f MiB, over %.1f s: exec %lu, open %lu, connect %lu, exit %lu, "
                "syscall %lu, connect_result %lu, cgroup %lu. Rules: %zu from %zu files. Replayed %ld times per variant, the "
                "engine on CPU %ld.\n\n",
                n, double(rec.bytes.size()) / 1048576.0, double(rec.last_ns - rec.first_ns) * 1e-9,
                mix[size_t(EventType::Exec)], mix[size_t(EventType::Open)], mix[size_t(EventType::Connect)],
                mix[size_t(EventType::Exit)], mix[size_t(EventType::Syscall)], mix[size_t(EventType::ConnectResult)],
                mix[size_t(EventType::CgroupPath)], rules->rule_count(), file_count, repeat, cpu);
    std::printf("| variant | records/s, engine thread CPU | records/s, wall | ns/record, engine thread | "
                "ns/record, all threads | x decode only | lost |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    const auto row = [&](const char *name, const Totals &t, const std::string &lost) {
        const double ns = t.thread_cpu_s * 1e9 / double(t.records);
        std::printf("| %s | %s | %s | %.0f | %.0f | %.1fx | %s |\n", name, si(double(t.records) / t.thread_cpu_s).c_str(),
                    si(double(t.records) / t.wall_s).c_str(), ns, t.process_cpu_s * 1e9 / double(t.records),
                    ns / (base.thread_cpu_s * 1e9 / double(base.records)), lost.c_str());
    };
    row("decode only (baseline)", base, std::to_string(base.malformed) + " malformed");
    row("decode, enrich, match, verdicts written", full,
        std::to_string(full.records - shipped_handled - full.malformed) + " not handled, " +
            std::to_string(shipped_lost) + " lines lost");
    row("the same with --events (every event written)", events,
        std::to_string(events.records - printed_handled - events.malformed) + " not handled, " +
            std::to_string(printed.lost) + " lines lost (the writer's queue full: it wrote " + si(writer_rate) +
            " lines/s)");
    std::printf("\nRSS: %.1f MiB with the recording loaded, %.1f MiB after the replay (peak %.1f MiB) with both "
                "pipelines; the engine held %lu processes, %lu cgroups, %lu workloads; %lu verdicts.\n",
                rss_loaded, rss, hwm, c.processes, c.cgroups, c.workloads,
                verdict_count(c));
    const double rate = double(full.records) / full.thread_cpu_s;
    const bool lossless = full.records == shipped_handled + full.malformed && shipped_lost == 0;
    std::printf("Target: >= 1 M records/s on one core with nothing lost: %s.\n",
                rate >= 1e6 && lossless ? "met" : "NOT met");
    return 0;
}

}  // namespace

int main(int argc, char **argv) {
    const std::string usage =
        "usage: bench_pipeline record --out FILE --seconds N\n"
        "       bench_pipeline replay --records FILE [--rules PATH]... [--repeat N] [--cpu N]";
    if (argc < 2) die(usage);
    const std::string mode = argv[1];
    std::string out, records;
    std::vector<std::string> rules;
    double seconds = 5;
    long repeat = 0, cpu = -1;
    for (int i = 2; i < argc; i++) {
        const std::string a = argv[i];
        if (i + 1 >= argc) die(usage);
        if (a == "--out") out = argv[++i];
        else if (a == "--seconds") seconds = std::atof(argv[++i]);
        else if (a == "--records") records = argv[++i];
        else if (a == "--rules") rules.push_back(argv[++i]);
        else if (a == "--repeat") repeat = std::atol(argv[++i]);
        else if (a == "--cpu") cpu = std::atol(argv[++i]);
        else die("unknown argument " + a + "\n" + usage);
    }
    signal(SIGPIPE, SIG_IGN);
    if (mode == "record" && !out.empty() && seconds > 0) return record(out, seconds);
    if (mode == "replay" && !records.empty()) return replay_all(records, rules, repeat, cpu);
    die(usage);
}
