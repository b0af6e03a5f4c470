#include "engine/messages.h"

#include <sys/socket.h>

#include "event/event_format.h"

namespace crowsnest {
namespace {

void fill_time(uint64_t ns, google::protobuf::Timestamp &t) {
    t.set_seconds(int64_t(ns / 1000000000ULL));
    t.set_nanos(int32_t(ns % 1000000000ULL));
}

void fill_container(const EventContext &ctx, v1::Container &c) {
    if (!ctx.cgroup) return;
    c.set_id(ctx.cgroup->container.id);
    c.set_runtime(ctx.cgroup->container.runtime);
    c.set_pod_uid(ctx.cgroup->container.pod_uid);
    c.set_cgroup_path(ctx.cgroup->path);
}

void fill_process(const EventContext &ctx, v1::Process &p) {
    const Event &e = *ctx.event;
    p.set_pid(e.pid);
    p.set_tid(e.tid);
    p.set_ppid(e.ppid);
    p.set_uid(e.uid);
    p.set_gid(e.gid);
    p.set_comm(e.comm);
    p.set_mnt_ns(e.mnt_ns);
    p.set_pid_ns(e.pid_ns);
    if (ctx.process) {
        p.set_exe(ctx.process->exe);
        for (const auto &a : ctx.process->args) p.add_args(a);
    }
    if (ctx.parent) {
        p.set_pname(ctx.parent->comm);
        p.set_pexe(ctx.parent->exe);
    }
}

void fill_syscall(const EventContext &ctx, v1::Syscall &s) {
    const Event &e = *ctx.event;
    s.set_type(event_type_name(e.type));
    s.set_syscall(syscall_name(e));
    if (e.type != EventType::Exit) {
        s.set_ret(int32_t(e.ret));
        s.set_error(errno_name(e.ret));
    }
    switch (e.type) {
    case EventType::Exec:
        s.set_filename(e.filename);
        for (const auto &a : e.argv) s.add_argv(a);
        s.set_argv_truncated(e.argv_truncated);
        s.set_exe_upper_layer(e.exe_upper_layer);
        s.set_path_truncated(e.path_truncated);
        break;
    case EventType::Open:
        s.set_path(e.path);
        s.set_resolved_path(ctx.resolved_path);
        s.set_flags(open_flags_string(e.open_flags));
        s.set_mode(e.mode);
        s.set_dirfd(e.dirfd);
        s.set_host_path(ctx.host_path);
        s.set_mnt_id(e.mnt_id);
        s.set_path_truncated(e.path_truncated);
        break;
    case EventType::Connect:
        s.set_family(family_name(e.family));
        s.set_fd(e.fd);
        s.set_dst_ip(ip_string(e));
        if (e.family != AF_UNIX) s.set_dst_port(e.port);
        s.set_unix_path(unix_path_string(e));
        s.set_path_truncated(e.path_truncated);
        break;
    case EventType::Exit:
        s.set_exit_code(e.exit_code);
        break;
    }
}

}  // namespace

void fill_event_message(const EventContext &ctx, v1::Event &out) {
    out.Clear();
    fill_time(ctx.event->time_ns, *out.mutable_time());
    out.set_cgroup_id(ctx.event->cgroup_id);
    fill_container(ctx, *out.mutable_container());
    fill_process(ctx, *out.mutable_process());
    fill_syscall(ctx, *out.mutable_event());
}

void fill_verdict_message(const EventContext &ctx, const Detection &d, v1::Verdict &out) {
    out.Clear();
    fill_time(ctx.event->time_ns, *out.mutable_time());
    out.set_rule(d.rule->name);
    out.set_category(d.rule->category);
    out.set_severity(d.rule->severity);
    for (const auto &t : d.rule->tags) out.add_tags(t);
    out.set_output(d.output);
    out.set_cgroup_id(ctx.event->cgroup_id);
    fill_container(ctx, *out.mutable_container());
    fill_process(ctx, *out.mutable_process());
    fill_syscall(ctx, *out.mutable_event());
}

}  // namespace crowsnest
