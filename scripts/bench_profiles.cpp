// bench_profiles: the bounds of learned profiles under load. N synthetic
// workloads each show M novelties (programs, parent->child pairs,
// destinations, written directories) while learning, then again once
// locked, through the real profiler, writer and SQLite database; prints the
// entries held, the overflows, the RSS and the database's size, as Markdown.
// Usage: bench_profiles --db PATH [--workloads N] [--novelties M]
//                       [--max-entries N] [--max-total N]
#include <sys/socket.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "profile/profile_db.h"
#include "profile/profile_writer.h"
#include "profile/profiler.h"

namespace {

using namespace crowsnest;

[[noreturn]] void die(const std::string &msg) {
    std::fprintf(stderr, "bench_profiles: %s\n", msg.c_str());
    std::exit(1);
}

uint64_t rss_kib() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10);
    return 0;
}

uint64_t file_size(const std::string &path) {
    std::error_code ec;
    const auto n = std::filesystem::file_size(path, ec);
    return ec ? 0 : uint64_t(n);
}

// Workload w's j-th novelty: an exec (and its pair), a connect or a write.
void make_event(size_t w, size_t j, Event &e, ProcessInfo &process) {
    e.cgroup_id = 1000 + w;
    e.time_ns = 1;  // one instant: nothing locks before maintain()
    e.ret = 0;
    switch (j % 3) {
    case 0:
        e.type = EventType::Exec;
        process.exe = e.filename = "/opt/app/bin/tool-" + std::to_string(j);
        break;
    case 1:
        e.type = EventType::Connect;
        e.family = AF_INET;
        e.port = uint16_t(1 + j % 60000);
        e.addr = {10, uint8_t(j >> 16), uint8_t(j >> 8), 1};
        break;
    default:
        e.type = EventType::Open;
        e.open_flags = 01;  // O_WRONLY
        e.path = "/data/part-" + std::to_string(j) + "/file";
        break;
    }
}

}  // namespace

int main(int argc, char **argv) {
    std::string db_path;
    size_t workloads = 1000, novelties = 2000;
    ProfileConfig config;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        const size_t v = std::strtoull(argv[i + 1], nullptr, 10);
        if (a == "--db") db_path = argv[i + 1];
        else if (a == "--workloads") workloads = v;
        else if (a == "--novelties") novelties = v;
        else if (a == "--max-entries") config.max_entries = v;
        else if (a == "--max-total") config.max_total_entries = v;
        else die("unknown argument " + a);
    }
    if (db_path.empty()) die("usage: bench_profiles --db PATH [--workloads N] [--novelties M] [--max-entries N] [--max-total N]");
    std::string error, notice;
    auto db = ProfileDb::open(db_path, error, notice);
    if (!db) die(error);
    const uint64_t rss0 = rss_kib();
    ProfileWriter writer(*db, std::chrono::seconds(1));
    Profiler profiler(config, &writer);

    std::vector<CgroupEntry> cgroups(workloads);
    for (size_t w = 0; w < workloads; w++) cgroups[w].container.id = "workload-" + std::to_string(w);
    const ProcessInfo parent{1, 0, "sh", "/bin/sh", {}};
    Event e;
    ProcessInfo process;
    std::vector<Novelty> out;
    uint64_t reported[2] = {};
    const auto start = std::chrono::steady_clock::now();
    for (int phase = 0; phase < 2; phase++) {  // learning, then locked
        for (size_t j = 0; j < novelties; j++)
            for (size_t w = 0; w < workloads; w++) {
                make_event(w, j + size_t(phase) * novelties, e, process);
                EventContext ctx;
                ctx.event = &e;
                ctx.cgroup = &cgroups[w];
                ctx.process = &process;
                ctx.parent = &parent;
                out.clear();
                profiler.observe(ctx, out);
                reported[phase] += out.size();
            }
        if (phase == 0) profiler.maintain(UINT64_MAX);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    writer.flush();
    const uint64_t rss1 = rss_kib();
    const ProfileCounters c = profiler.counters();
    const ProfileWriterCounters wc = writer.counters();
    const uint64_t events = 2 * workloads * novelties;
    std::printf("%zu workloads x %zu novelties, learning then locked: %lu events in %.1f s (%.0f k/s), caps %zu per "
                "kind and profile, %zu in all.\n\n",
                workloads, novelties, events, seconds, double(events) / seconds / 1e3, config.max_entries,
                config.max_total_entries);
    std::printf("| measure | value |\n| --- | ---: |\n");
    std::printf("| profiles (locked / overflow) | %lu (%lu / %lu) |\n", c.profiles, c.locked, c.overflow);
    std::printf("| entries held | %lu |\n", c.entries);
    std::printf("| verdicts while learning (overflow, once per profile) | %lu |\n", reported[0]);
    std::printf("| verdicts once locked (novelties) | %lu |\n", reported[1]);
    std::printf("| RSS growth | %.1f MiB |\n", double(rss1 - rss0) / 1024);
    std::printf("| database (with WAL) | %.1f MiB |\n",
                double(file_size(db_path) + file_size(db_path + "-wal")) / (1 << 20));
    std::printf("| database writes: batches, changes, lost | %lu, %lu, %lu |\n", wc.batches, wc.written, wc.lost);
    return 0;
}
