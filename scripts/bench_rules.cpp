// bench_rules: replays recorded events (the JSON lines of `crowsnest --events`)
// through the rule engine on one pinned core, and through a matcher that
// matches nothing as a baseline; prints events/s (CPU and wall time),
// allocations per event and the detections the mix fired, as Markdown; and
// the rules with learned profiles on (each workload's profile learned in the
// first pass, then locked), as a ratio to the rules alone in the same run.
// Usage: bench_rules --events FILE [--rules PATH]... [--repeat N] [--cpu N]
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <fstream>
#include <map>
#include <new>
#include <string>
#include <vector>

#include "crowsnest.pb.h"
#include "event/event_context.h"
#include "event/event_format.h"
#include "profile/profiler.h"
#include "bench_replay.h"
#include "rules/detection.h"

// ---- every heap allocation of the process is counted -----------------------

static std::atomic<uint64_t> g_allocs{0};

static void *counted_alloc(size_t n, size_t align, bool nothrow) {
    g_allocs.fetch_add(1, std::memory_order_relaxed);
    void *p = nullptr;
    if (align <= alignof(std::max_align_t)) p = std::malloc(n ? n : 1);
    else if (posix_memalign(&p, align, n ? n : 1) != 0) p = nullptr;
    if (!p && !nothrow) throw std::bad_alloc();
    return p;
}

void *operator new(size_t n) { return counted_alloc(n, 0, false); }
void *operator new[](size_t n) { return counted_alloc(n, 0, false); }
void *operator new(size_t n, const std::nothrow_t &) noexcept { return counted_alloc(n, 0, true); }
void *operator new[](size_t n, const std::nothrow_t &) noexcept { return counted_alloc(n, 0, true); }
void *operator new(size_t n, std::align_val_t a) { return counted_alloc(n, size_t(a), false); }
void *operator new[](size_t n, std::align_val_t a) { return counted_alloc(n, size_t(a), false); }
void *operator new(size_t n, std::align_val_t a, const std::nothrow_t &) noexcept { return counted_alloc(n, size_t(a), true); }
void *operator new[](size_t n, std::align_val_t a, const std::nothrow_t &) noexcept { return counted_alloc(n, size_t(a), true); }
void operator delete(void *p) noexcept { std::free(p); }
void operator delete[](void *p) noexcept { std::free(p); }
void operator delete(void *p, size_t) noexcept { std::free(p); }
void operator delete[](void *p, size_t) noexcept { std::free(p); }
void operator delete(void *p, const std::nothrow_t &) noexcept { std::free(p); }
void operator delete[](void *p, const std::nothrow_t &) noexcept { std::free(p); }
void operator delete(void *p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void *p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void *p, size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void *p, size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void *p, std::align_val_t, const std::nothrow_t &) noexcept { std::free(p); }
void operator delete[](void *p, std::align_val_t, const std::nothrow_t &) noexcept { std::free(p); }

void die(const std::string &msg) {
    std::fprintf(stderr, "bench_rules: %s\n", msg.c_str());
    std::exit(1);
}

namespace {

using namespace crowsnest;
using bench::now;
using bench::si;

// ---- recorded JSON -> the engine's view of the event -----------------------

// The recorded events, and the cgroups and processes they point to, kept at
// stable addresses (deque and map never move their elements).
struct Recording {
    std::deque<Event> events;
    std::map<uint64_t, CgroupEntry> cgroups;
    std::map<std::string, ProcessInfo> processes;  // by pid, comm, exe and args
    std::vector<EventContext> contexts;
    std::map<std::string, uint64_t> live_verdicts;  // verdict lines in the file, by rule
};

uint32_t open_flags(const std::string &names) {
    static const std::map<std::string, uint32_t> bits = {
        {"O_RDONLY", O_RDONLY}, {"O_WRONLY", O_WRONLY}, {"O_RDWR", O_RDWR}, {"O_TMPFILE", O_TMPFILE},
        {"O_DIRECTORY", O_DIRECTORY}, {"O_CREAT", O_CREAT}, {"O_EXCL", O_EXCL}, {"O_NOCTTY", O_NOCTTY},
        {"O_TRUNC", O_TRUNC}, {"O_APPEND", O_APPEND}, {"O_NONBLOCK", O_NONBLOCK}, {"O_SYNC", O_SYNC},
        {"O_DSYNC", O_DSYNC}, {"O_DIRECT", O_DIRECT}, {"O_NOFOLLOW", O_NOFOLLOW}, {"O_NOATIME", O_NOATIME},
        {"O_CLOEXEC", O_CLOEXEC}, {"O_PATH", O_PATH}};  // O_LARGEFILE is 0 in glibc: dropped
    uint32_t flags = 0;
    size_t start = 0;
    while (start <= names.size()) {
        size_t end = names.find('|', start);
        if (end == std::string::npos) end = names.size();
        auto it = bits.find(names.substr(start, end - start));
        if (it != bits.end()) flags |= it->second;
        start = end + 1;
    }
    return flags;
}

Syscall syscall_code(const std::string &name) {
    static const std::map<std::string, Syscall> codes = {
        {"execve", Syscall::Execve}, {"execveat", Syscall::Execveat},
        {"connect", Syscall::Connect}, {"io_uring_connect", Syscall::IoUringConnect},
        {"open", Syscall::Open}, {"openat", Syscall::Openat}, {"openat2", Syscall::Openat2},
        {"io_uring_openat", Syscall::IoUringOpenat}, {"io_uring_openat2", Syscall::IoUringOpenat2},
        {"exit", Syscall::ProcessExit}};
    auto it = codes.find(name);
    if (it != codes.end()) return it->second;
    // the other calls (EventType::Syscall), by the names events print
    for (size_t i = 0; i < kOtherSyscallCount; i++) {
        Event e;
        e.syscall = Syscall(size_t(kFirstOtherSyscall) + i);
        if (name == syscall_name(e)) return e.syscall;
    }
    return Syscall::None;
}

uint16_t family_code(const std::string &name) {
    static const std::map<std::string, uint16_t> codes = {
        {"inet", AF_INET}, {"inet6", AF_INET6}, {"unix", AF_UNIX},
        {"netlink", AF_NETLINK}, {"packet", AF_PACKET}, {"unspec", AF_UNSPEC}};
    auto it = codes.find(name);
    return it == codes.end() ? AF_MAX : it->second;
}

void fill_event(const v1::Event &m, Event &e) {
    const v1::Process &p = m.process();
    const v1::Syscall &s = m.event();
    static const std::map<std::string, EventType> types = {
        {"exec", EventType::Exec}, {"open", EventType::Open}, {"connect", EventType::Connect}, {"exit", EventType::Exit},
        {"syscall", EventType::Syscall}};
    auto type = types.find(s.type());
    if (type == types.end()) die("unknown event type '" + s.type() + "'");
    e.type = type->second;
    e.time_ns = uint64_t(m.time().seconds()) * 1000000000ULL + uint64_t(m.time().nanos());
    e.boot_ns = e.time_ns;  // only differences matter (port-scan windows)
    e.cgroup_id = m.cgroup_id();
    e.pid = p.pid(), e.tid = p.tid(), e.ppid = p.ppid(), e.uid = p.uid(), e.gid = p.gid();
    e.mnt_ns = p.mnt_ns(), e.pid_ns = p.pid_ns();
    e.comm = p.comm();
    e.ret = s.ret();
    e.syscall = syscall_code(s.syscall());
    e.path_truncated = s.path_truncated();
    switch (e.type) {
    case EventType::Exec:
        e.filename = s.filename();
        e.argv.assign(s.argv().begin(), s.argv().end());
        e.argv_truncated = s.argv_truncated();
        e.exe_upper_layer = s.exe_upper_layer();
        break;
    case EventType::Open:
        e.path = s.path();
        e.open_flags = open_flags(s.flags());
        e.mode = s.mode();
        e.dirfd = s.dirfd();
        e.mnt_id = s.mnt_id();
        break;
    case EventType::Connect:
        e.family = family_code(s.family());
        e.fd = s.fd();
        e.port = uint16_t(s.dst_port());
        if (!s.dst_ip().empty()) inet_pton(e.family, s.dst_ip().c_str(), e.addr.data());
        e.unix_abstract = !s.unix_path().empty() && s.unix_path()[0] == '@';
        e.unix_path = s.unix_path().substr(e.unix_abstract ? 1 : 0);
        break;
    case EventType::Syscall:
        for (int i = 0; i < s.args_size() && i < int(e.args.size()); i++) e.args[size_t(i)] = s.args(i);
        e.path = s.path();
        e.path2 = s.path2();
        e.name = s.name();
        e.has_socket = !s.family().empty();  // printed for a dup or socket of a socket
        e.family = e.has_socket ? family_code(s.family()) : 0;
        e.fd = s.fd();
        e.port = uint16_t(s.dst_port());
        if (!s.dst_ip().empty()) inet_pton(e.family, s.dst_ip().c_str(), e.addr.data());
        break;
    case EventType::Exit:
        e.exit_code = s.exit_code();
        break;
    case EventType::Flood:       // never printed as events
    case EventType::CgroupPath:
    case EventType::ConnectResult:  // not replayed (load_recording)
        break;
    }
}

// The process as the engine's table knew it: interned, so that events of one
// process share one ProcessInfo as they do in the sensor.
const ProcessInfo *intern_process(Recording &r, uint32_t pid, uint32_t ppid, const std::string &comm,
                                  const std::string &exe, const std::vector<std::string> &args) {
    std::string key = std::to_string(pid) + '\0' + comm + '\0' + exe;
    for (const auto &a : args) key += '\0' + a;
    return &r.processes.try_emplace(key, ProcessInfo{pid, ppid, comm, exe, args}).first->second;
}

void add_event(Recording &r, const v1::Event &m, uint32_t host_pid_ns) {
    Event &e = r.events.emplace_back();
    fill_event(m, e);
    EventContext ctx;
    ctx.event = &e;
    if (m.has_container() && !m.container().cgroup_path().empty()) {
        CgroupEntry &c = r.cgroups[e.cgroup_id];
        c.path = m.container().cgroup_path();
        c.container = {m.container().id(), m.container().runtime(), m.container().pod_uid()};
        ctx.cgroup = &c;
    }
    const v1::Process &p = m.process();
    if (!p.exe().empty() || p.args_size() > 0)
        ctx.process = intern_process(r, e.pid, e.ppid, e.comm, p.exe(), {p.args().begin(), p.args().end()});
    if (!p.pname().empty() || !p.pexe().empty())
        ctx.parent = intern_process(r, e.ppid, 0, p.pname(), p.pexe(), {});
    ctx.host_pid_ns = e.pid_ns == host_pid_ns;
    if (e.type == EventType::Open) {
        const std::string &resolved = m.event().resolved_path();
        ctx.resolved_path = !resolved.empty() ? resolved : e.path.starts_with('/') ? e.path : "";
        ctx.host_path = m.event().host_path();
    }
    r.contexts.push_back(std::move(ctx));
}

void load_recording(const std::string &file, Recording &r) {
    std::ifstream in(file);
    if (!in) die("cannot read " + file);
    struct stat st{};
    const uint32_t host_pid_ns = stat("/proc/self/ns/pid", &st) == 0 ? uint32_t(st.st_ino) : 0;
    google::protobuf::util::JsonParseOptions strict;  // a Verdict line does not parse as an Event
    std::string line;
    for (size_t n = 1; std::getline(in, line); n++) {
        v1::Event event;
        v1::Verdict verdict;
        if (JsonStringToMessage(line, &event, strict).ok()) {
            // a connect's outcome is never matched by the engine: not replayed
            if (!event.has_gap() && event.event().type() != "connect_result") add_event(r, event, host_pid_ns);
        } else if (JsonStringToMessage(line, &verdict, strict).ok()) {
            r.live_verdicts[verdict.rule()]++;
        } else {
            die(file + ":" + std::to_string(n) + ": neither an Event nor a Verdict");
        }
    }
    if (r.contexts.empty()) die(file + " holds no events");
}

// ---- the replay -------------------------------------------------------------

class EmptyMatcher final : public Matcher {
public:
    void match(const EventContext &, std::vector<Detection> &) const override {}
    void render_output(Detection &) const override {}
    size_t rule_count() const override { return 0; }
    bool names_host_path(std::string_view) const override { return false; }
};

struct Totals {
    double cpu_s = 0, wall_s = 0;
    uint64_t events = 0, events_hit = 0;  // hit: the event produced a detection
    uint64_t allocs_hit = 0, allocs_miss = 0;
    uint64_t allocs_by_type[kEventTypeCount] = {};  // by EventType
};

// One pass over every event, as the engine calls the matcher. Kept out of
// line and opaque (noipa, or noinline where clang has no noipa): the
// compiler sees neither which matcher runs nor what the loop computes.
#if defined(__clang__)
#define BENCH_OPAQUE [[gnu::noinline]]
#else
#define BENCH_OPAQUE [[gnu::noipa]]
#endif
BENCH_OPAQUE void replay(const Matcher &m, Profiler *profiler, const std::vector<EventContext> &contexts,
                           std::vector<Detection> &out, Totals &t) {
    std::vector<Novelty> novelties;
    const double cpu0 = now(CLOCK_THREAD_CPUTIME_ID), wall0 = now(CLOCK_MONOTONIC);
    for (const auto &ctx : contexts) {
        const uint64_t a0 = g_allocs.load(std::memory_order_relaxed);
        out.clear();
        m.match(ctx, out);
        for (auto &d : out) m.render_output(d);  // as the engine does for what it sends
        if (profiler) {  // as Engine::check_profile
            novelties.clear();
            profiler->observe(ctx, novelties);
        }
        const uint64_t allocs = g_allocs.load(std::memory_order_relaxed) - a0;
        if (allocs) t.allocs_by_type[size_t(ctx.event->type)] += allocs;  // the event stays untouched
        if (out.empty()) {
            t.allocs_miss += allocs;
        } else {
            t.allocs_hit += allocs;
            t.events_hit++;
        }
    }
    t.cpu_s += now(CLOCK_THREAD_CPUTIME_ID) - cpu0;
    t.wall_s += now(CLOCK_MONOTONIC) - wall0;
    t.events += contexts.size();
}

// Moves every event later by `ns`: each pass continues in time where the last
// one ended, as if the recorded workload ran again (port-scan windows).
void shift_time(Recording &r, uint64_t ns) {
    for (auto &e : r.events) e.boot_ns += ns, e.time_ns += ns;
}

std::string fixed(double v, int decimals) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
    return buf;
}

}  // namespace

int main(int argc, char **argv) {
    std::string events_file;
    std::vector<std::string> rule_paths;
    long repeat = 0, cpu = -1;
    for (int i = 1; i < argc; i++) {
        const std::string a = argv[i];
        if (i + 1 >= argc) die("usage: bench_rules --events FILE [--rules PATH]... [--repeat N] [--cpu N]");
        if (a == "--events") events_file = argv[++i];
        else if (a == "--rules") rule_paths.push_back(argv[++i]);
        else if (a == "--repeat") repeat = std::atol(argv[++i]);
        else if (a == "--cpu") cpu = std::atol(argv[++i]);
        else die("unknown argument " + a);
    }
    if (events_file.empty()) die("--events FILE is required");
    size_t file_count = 0;
    const auto rules = bench::load_rules(rule_paths, file_count);
    const Matcher &shipped = *rules;
    const EmptyMatcher empty;

    Recording rec;
    load_recording(events_file, rec);
    const size_t n = rec.contexts.size();
    if (repeat <= 0) repeat = std::max<long>(5, long(4000000 / n));  // about 4 M events per matcher

    cpu = bench::pin_to_cpu(cpu);

    // The mix.
    uint64_t mix[kEventTypeCount] = {}, in_container = 0, failed = 0;
    for (const auto &ctx : rec.contexts) {
        mix[size_t(ctx.event->type)]++;
        in_container += ctx.in_container();
        failed += ctx.event->type != EventType::Exit && ctx.event->ret < 0;
    }
    const auto [first, last] = std::minmax_element(rec.events.begin(), rec.events.end(),
        [](const Event &a, const Event &b) { return a.boot_ns < b.boot_ns; });
    const uint64_t span_ns = last->boot_ns - first->boot_ns;

    // First pass, not measured: what the mix fires, and the warm-up.
    std::vector<Detection> out;
    std::map<std::string, uint64_t> fired;
    for (const auto &ctx : rec.contexts) {
        out.clear();
        shipped.match(ctx, out);
        for (const auto &d : out) fired[d.rule->name]++;
    }
    Totals warm;
    replay(empty, nullptr, rec.contexts, out, warm);
    // the profiles learn the mix once, then lock: the measured passes check every event against them
    Profiler profiler(ProfileConfig{}, nullptr);
    replay(empty, &profiler, rec.contexts, out, warm);
    profiler.maintain(UINT64_MAX);

    // Measured passes, the matchers alternating so that noise hits each.
    Totals base, full, profiled;
    for (long pass = 0; pass < repeat; pass++) {
        shift_time(rec, span_ns + 1000000);  // + 1 ms
        replay(empty, nullptr, rec.contexts, out, base);
        replay(shipped, nullptr, rec.contexts, out, full);
        replay(shipped, &profiler, rec.contexts, out, profiled);
    }

    std::printf("Mix: %zu events recorded in %.1f s (%s): exec %lu, open %lu, connect %lu, exit %lu, syscall %lu; "
                "%lu in containers, %lu failed syscalls; %zu processes, %zu cgroups.\n",
                n, double(span_ns) * 1e-9, events_file.c_str(), mix[size_t(EventType::Exec)],
                mix[size_t(EventType::Open)], mix[size_t(EventType::Connect)], mix[size_t(EventType::Exit)],
                mix[size_t(EventType::Syscall)], in_container, failed, rec.processes.size(), rec.cgroups.size());
    std::printf("Rules: %zu from %zu files. Replayed %ld times per matcher on CPU %ld.\n\n", shipped.rule_count(),
                file_count, repeat, cpu);

    auto per_event = [](double v, uint64_t events) { return events ? v / double(events) : 0.0; };
    const auto row = [](const char *what, const std::string &b, const std::string &r) {
        std::printf("| %s | %s | %s |\n", what, b.c_str(), r.c_str());
    };
    std::printf("| measure | baseline (empty matcher) | shipped rules |\n| --- | ---: | ---: |\n");
    row("events/s, CPU time, one core", si(double(base.events) / base.cpu_s), si(double(full.events) / full.cpu_s));
    row("events/s, wall time", si(double(base.events) / base.wall_s), si(double(full.events) / full.wall_s));
    row("ns/event, CPU time", fixed(per_event(base.cpu_s * 1e9, base.events), 1),
        fixed(per_event(full.cpu_s * 1e9, full.events), 1));
    row("rules cost per event, ns (CPU, minus baseline)", "",
        fixed(per_event((full.cpu_s - base.cpu_s) * 1e9, full.events), 1));
    const auto allocs = [&](uint64_t count, uint64_t events) {
        return fixed(per_event(double(count), events), 5) + " (" + std::to_string(count) + " in " +
               std::to_string(events) + ")";
    };
    row("allocations/event", allocs(base.allocs_hit + base.allocs_miss, base.events),
        allocs(full.allocs_hit + full.allocs_miss, full.events));
    row("allocations/event, events with a detection", "", allocs(full.allocs_hit, full.events_hit));
    row("allocations/event, events without", allocs(base.allocs_miss, base.events),
        allocs(full.allocs_miss, full.events - full.events_hit));
    const ProfileCounters pc = profiler.counters();
    const double ratio = per_event(profiled.cpu_s, profiled.events) / per_event(full.cpu_s, full.events);
    std::printf("\nWith learned profiles (%lu profiles, %lu entries, locked; %lu novelties): %s events/s, %s ns/event "
                "(CPU), %s allocations/event; profiles on / off: %sx (target: within 2x: %s).\n",
                pc.profiles, pc.entries, pc.novelties, si(double(profiled.events) / profiled.cpu_s).c_str(),
                fixed(per_event(profiled.cpu_s * 1e9, profiled.events), 1).c_str(),
                fixed(per_event(double(profiled.allocs_hit + profiled.allocs_miss), profiled.events), 5).c_str(),
                fixed(ratio, 2).c_str(), ratio <= 2 ? "met" : "NOT met");
    const uint64_t *by_type = full.allocs_by_type;
    std::printf("\nAllocations in the measured passes by event type (shipped rules): exec %lu, open %lu, "
                "connect %lu, exit %lu, syscall %lu.\n", by_type[size_t(EventType::Exec)],
                by_type[size_t(EventType::Open)], by_type[size_t(EventType::Connect)], by_type[size_t(EventType::Exit)],
                by_type[size_t(EventType::Syscall)]);

    const double rate = double(full.events) / full.cpu_s;
    std::printf("Target: >= 2 M events/s on one core: %s; 0 allocations/event: %s.\n",
                rate >= 2e6 ? "met" : "NOT met", full.allocs_hit + full.allocs_miss == 0 ? "met" : "NOT met");

    std::map<std::string, std::pair<uint64_t, uint64_t>> detections;  // replay, live
    for (const auto &[rule, count] : fired) detections[rule].first = count;
    for (const auto &[rule, count] : rec.live_verdicts) detections[rule].second = count;
    std::printf("\nDetections in the mix (false positives, if the workload was benign):\n\n");
    if (detections.empty()) std::printf("none\n");
    else std::printf("| rule | replay (first pass) | live sensor |\n| --- | ---: | ---: |\n");
    for (const auto &[rule, c] : detections) std::printf("| %s | %lu | %lu |\n", rule.c_str(), c.first, c.second);
    return 0;
}
