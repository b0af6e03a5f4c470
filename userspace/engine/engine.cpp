#include "engine/engine.h"

#include <functional>

#include "engine/anomaly_verdict.h"
#include "engine/messages.h"
#include "util/clocks.h"
#include "util/path_util.h"

namespace crowsnest {

namespace {

uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ull + (h >> 29); }
uint64_t hash_text(std::string_view s) { return std::hash<std::string_view>{}(s); }

// What the event was about, for telling identical verdicts apart: the file,
// the destination, or the program and its arguments.
uint64_t target_hash(const EventContext &ctx) {
    const Event &e = *ctx.event;
    switch (e.type) {
    case EventType::Exec: {
        uint64_t h = hash_text(e.filename);
        for (const auto &a : e.argv) h = mix(h, hash_text(a));
        return h;
    }
    case EventType::Open: return hash_text(ctx.resolved_path.empty() ? e.path : ctx.resolved_path);
    case EventType::Connect:
    case EventType::ConnectResult: {
        uint64_t h = mix(e.family, e.port);
        for (uint8_t b : e.addr) h = mix(h, b);
        return mix(h, hash_text(e.unix_path));
    }
    case EventType::Syscall: {
        uint64_t h = mix(mix(hash_text(e.path), hash_text(e.path2)), hash_text(e.name));
        for (int64_t a : e.args) h = mix(h, uint64_t(a));
        for (uint8_t b : e.addr) h = mix(h, b);
        return mix(h, e.port);
    }
    case EventType::Exit:
    case EventType::Flood:
    case EventType::CgroupPath: return 0;  // never matched (handle_event)
    }
    return 0;
}

// True when `full` continues `cut`: the same arguments, the last of `cut`
// possibly a prefix of its own (the kernel's copy ends mid-argument).
bool continues(const std::vector<std::string> &full, const std::vector<std::string> &cut) {
    if (full.size() < cut.size()) return false;
    for (size_t i = 0; i < cut.size(); i++) {
        const bool last = i + 1 == cut.size();
        if (last ? full[i].compare(0, cut[i].size(), cut[i]) != 0 : full[i] != cut[i]) return false;
    }
    return true;
}

}  // namespace

Engine::Engine(const Matcher &matcher, CgroupResolver &cgroups, WorkloadResolver &workloads, ProcessTable &processes,
               HostMounts &host_mounts, Output &output, EngineConfig config)
    : matcher_(&matcher), cgroups_(cgroups), workloads_(workloads), processes_(processes), host_mounts_(host_mounts),
      output_(output), config_(std::move(config)), aggregator_(config_.verdict_window_ns),
      floods_(config_.flood_window_ns), verdict_sequence_(config_.last_verdict_sequence) {
    ctx_.node = config_.node_name;
}

// The absolute path an open named, in the process's own view of the
// filesystem: a relative path is joined to the directory the kernel side
// read for it (working directory or dirfd).
void Engine::resolve_open_path(const Event &e, EventContext &ctx) const {
    if (!e.path.empty() && e.path[0] == '/')
        normalize_path_into(e.path, "/", ctx.resolved_path);
    else if (!e.base_dir.empty())
        normalize_path_into(e.path, e.base_dir, ctx.resolved_path);
}

// An exec whose argument area was longer than the kernel side copies gets
// the rest from /proc/<pid>/cmdline, while the process still runs that
// program (it must continue what the kernel copied); rules see all of it.
const Event &Engine::complete_argv(const Event &e) {
    if (e.type != EventType::Exec || e.ret != 0 || !e.argv_truncated) return e;
    std::vector<std::string> args;
    bool cut = false;
    if (!processes_.read_cmdline(e.pid, args, cut) || !continues(args, e.argv)) return e;
    full_exec_ = e;
    full_exec_.argv = std::move(args);
    full_exec_.argv_truncated = cut;
    return full_exec_;
}

void Engine::handle_event(const Event &raw) {
    if (++since_clock_ >= kClockEvery) start_batch(boot_clock_ns());
    counters_.lag.observe(now_boot_ns_ > raw.boot_ns ? now_boot_ns_ - raw.boot_ns : 0);
    const Event &e = complete_argv(raw);
    counters_.events[size_t(e.type)]++;
    if (e.type == EventType::Flood) return handle_flood(e);
    if (e.type == EventType::CgroupPath) {
        cgroups_.learn(e.cgroup_id, e.path);
        return;
    }
    if (e.path_truncated || e.argv_truncated) counters_.truncated++;

    EventContext &ctx = ctx_;  // reused: its strings keep their capacity
    ctx.event = &e;
    ctx.resolved_path.clear();
    ctx.host_path.clear();
    ctx.host_path_named = false;
    ctx.cgroup = cgroups_.resolve(e.cgroup_id);
    if (!ctx.cgroup) counters_.unresolved_cgroups++;
    ctx.workload = ctx.cgroup ? workloads_.resolve(ctx.cgroup->container) : nullptr;
    ctx.host_pid_ns = e.pid_ns == config_.host_pid_ns;

    if (e.type == EventType::Exec) processes_.on_exec(e);
    ctx.process = processes_.find(e.pid);
    ctx.parent = processes_.find(e.ppid);
    ctx.processes = &processes_;
    pipes_.join(ctx);

    if (e.type == EventType::Open) {
        resolve_open_path(e, ctx);
        if (ctx.in_container()) host_path_of(e, ctx);
    }

    if (output_.wants_events()) {
        fill_event_message(ctx, event_msg_);
        event_msg_.set_sequence(++event_sequence_);
        output_.on_event(event_msg_);
    }
    ctx.profile_state = ctx.profile_new_kind = {};
    novelties_.clear();
    if (config_.profiler) observe_profile(ctx);
    detections_.clear();
    matcher_->match(ctx, detections_);
    if (!detections_.empty()) {
        const std::string_view exe = ctx.process ? std::string_view(ctx.process->exe) : std::string_view(e.filename);
        const uint64_t target = target_hash(ctx);
        for (auto &d : detections_) {
            // identical verdicts are counted before anything is formatted
            if (!aggregator_.admit(d.rule, e.cgroup_id, exe, target, e.boot_ns)) continue;
            matcher_->render_output(d);
            fill_verdict_message(ctx, d, verdict_msg_);
            aggregator_.sent(verdict_msg_);
            publish(verdict_msg_);
        }
    }
    // after the rules' verdicts: an anomaly's severity says whether a rule fired too
    for (const auto &n : novelties_) {
        fill_anomaly_verdict(ctx, n, !detections_.empty(), anomaly_, verdict_msg_);
        publish(verdict_msg_);
    }
    if (e.type == EventType::Exit) {
        processes_.on_exit(e.pid);
        pipes_.on_exit(e.pid);
    }
}

// Learned profiles: the event teaches its workload's profile, or is what
// the locked profile never saw. Rules see the outcome (profile.* fields).
void Engine::observe_profile(EventContext &ctx) {
    const Profile *p = config_.profiler->observe(ctx, novelties_);
    if (p) ctx.profile_state = profile_state_name(p->state);
    for (const auto &n : novelties_)
        if (n.what == Novelty::What::Entry) {
            ctx.profile_new_kind = entry_kind_name(n.kind);
            break;
        }
}

void Engine::publish(v1::Verdict &v) {
    counters_.verdicts[v.category()]++;
    counters_.verdicts_by_rule[{v.rule(), v.category()}]++;
    if (config_.sequences && verdict_sequence_ + 1 > reserved_sequence_)
        reserved_sequence_ = config_.sequences->reserve(verdict_sequence_ + 1);
    v.set_sequence(++verdict_sequence_);
    output_.on_verdict(v);
}

// A cgroup's events dropped by its rate limit in the kernel: reported at
// once when its flood starts, then once per window.
void Engine::handle_flood(const Event &e) {
    FloodReport::Due due;
    if (floods_.add(e.cgroup_id, e.flood.dropped, e.boot_ns, due)) publish_flood(due, e.time_ns);
}

void Engine::publish_flood(const FloodReport::Due &due, uint64_t wall_ns) {
    const CgroupEntry *cgroup = cgroups_.resolve(due.cgroup_id);
    fill_flood_verdict(cgroup, cgroup ? workloads_.resolve(cgroup->container) : nullptr, config_.node_name,
                       due.cgroup_id, due.dropped, due.first,
                       floods_.window_ns() / 1000000000ull, wall_ns, verdict_msg_);
    publish(verdict_msg_);
}

void Engine::tick(uint64_t boot_ns, uint64_t wall_ns) {
    summaries_.clear();
    aggregator_.close_windows(boot_ns, summaries_);
    for (auto &s : summaries_) publish(s);
    flood_due_.clear();
    floods_.close_windows(boot_ns, flood_due_);
    for (const auto &due : flood_due_) publish_flood(due, wall_ns);
}

// Where the host has the opened file: by its filesystem and its path there,
// which the kernel read; for a refused open, by the mount its path names in
// the process's table. A filesystem the host's table does not name may be a
// volume mounted since it was read: the table is read again, at most once a
// second.
void Engine::host_path_of(const Event &e, EventContext &ctx) {
    uint64_t dev = e.dev;
    const std::string *fs_path = &e.fs_path;
    if (e.fs_path.empty()) {
        if (!e.open_refused || ctx.resolved_path.empty()) return;
        const ProcessMounts::Process p{e.pid, e.mnt_ns, ctx.cgroup ? cgroups_.mount_point() + ctx.cgroup->path : ""};
        if (!process_mounts_.locate(p, ctx.resolved_path, dev, refused_fs_path_)) return;
        fs_path = &refused_fs_path_;
    }
    if (!host_mounts_.knows(dev) && e.boot_ns >= next_mounts_read_ns_) {
        host_mounts_.refresh();
        next_mounts_read_ns_ = e.boot_ns + 1'000'000'000ull;
    }
    host_mounts_.host_path(dev, *fs_path, ctx.host_path);
    // what learned profiles keep: not worth its cost without them
    ctx.host_path_named = config_.profiler && !ctx.host_path.empty() && matcher_->names_host_path(ctx.host_path);
}

void Engine::maintain() {
    host_mounts_.refresh();
    gone_containers_.clear();
    cgroups_.forget_removed(gone_containers_);
    for (const auto &id : gone_containers_) workloads_.forget(id);
    processes_.prune();
    pipes_.prune();
    if (config_.profiler) config_.profiler->maintain(wall_clock_ns());
}

}  // namespace crowsnest
