#include "engine/engine.h"

#include "engine/messages.h"
#include "util/path_util.h"

namespace crowsnest {

Engine::Engine(const Matcher &matcher, CgroupResolver &cgroups, ProcessTable &processes, HostFiles &host_files,
               Output &output, EngineConfig config)
    : matcher_(&matcher), cgroups_(cgroups), processes_(processes), host_files_(host_files), output_(output),
      config_(config) {}

// The absolute path an open named, in the process's own view of the
// filesystem: a relative path is joined to the directory the kernel side
// read for it (working directory or dirfd).
void Engine::resolve_open_path(const Event &e, EventContext &ctx) const {
    if (!e.path.empty() && e.path[0] == '/')
        normalize_path_into(e.path, "/", ctx.resolved_path);
    else if (!e.base_dir.empty())
        normalize_path_into(e.path, e.base_dir, ctx.resolved_path);
}

void Engine::handle_event(const Event &e) {
    counters_.events[size_t(e.type)]++;
    if (e.path_truncated || e.argv_truncated) counters_.truncated++;

    EventContext &ctx = ctx_;  // reused: its strings keep their capacity
    ctx.event = &e;
    ctx.resolved_path.clear();
    ctx.host_path.clear();
    ctx.cgroup = cgroups_.resolve(e.cgroup_id);
    if (!ctx.cgroup) counters_.unresolved_cgroups++;
    ctx.host_pid_ns = e.pid_ns == config_.host_pid_ns;

    if (e.type == EventType::Exec) processes_.on_exec(e);
    ctx.process = processes_.find(e.pid);
    ctx.parent = processes_.find(e.ppid);
    ctx.processes = &processes_;

    if (e.type == EventType::Open) {
        resolve_open_path(e, ctx);
        if (e.has_file_identity && ctx.in_container())
            ctx.host_path = host_files_.match(e.dev, e.ino, e.parent_ino, ctx.resolved_path.empty() ? e.path : ctx.resolved_path);
    }

    if (output_.wants_events()) {
        fill_event_message(ctx, event_msg_);
        event_msg_.set_sequence(++event_sequence_);
        output_.on_event(event_msg_);
    }
    detections_.clear();
    matcher_->match(ctx, detections_);
    for (const auto &d : detections_) {
        counters_.verdicts[d.rule->category]++;
        fill_verdict_message(ctx, d, verdict_msg_);
        verdict_msg_.set_sequence(++verdict_sequence_);
        output_.on_verdict(verdict_msg_);
    }
    if (e.type == EventType::Exit) processes_.on_exit(e.pid);
}

void Engine::maintain() {
    host_files_.refresh();
    cgroups_.forget_removed();
    processes_.prune();
}

}  // namespace crowsnest
