#include "engine/messages.h"

#include <sys/socket.h>
#include <sys/sysmacros.h>

#include "event/event_format.h"
#include "util/text_escape.h"

namespace crowsnest {

void fill_time(uint64_t ns, google::protobuf::Timestamp &t) {
    t.set_seconds(int64_t(ns / 1000000000ULL));
    t.set_nanos(int32_t(ns % 1000000000ULL));
}

namespace {

// Every byte that a watched process chose goes out as valid UTF-8
// (util/text_escape.h): a raw byte would break every client.
void text(std::string_view raw, std::string *out) { assign_utf8_escaped(raw, *out); }

void fill_labels(const Labels &labels, google::protobuf::Map<std::string, std::string> &out) {
    std::string k, v;
    for (const auto &[key, value] : labels) {
        text(key, &k);
        text(value, &v);
        out[k] = v;
    }
}

void fill_container(const CgroupEntry *cgroup, const WorkloadInfo *w, std::string_view node, v1::Container &c) {
    text(node, c.mutable_node());
    if (!cgroup) return;
    text(cgroup->container.id, c.mutable_id());
    text(cgroup->container.runtime, c.mutable_runtime());
    text(cgroup->container.pod_uid, c.mutable_pod_uid());
    text(cgroup->path, c.mutable_cgroup_path());
    if (!w) return;
    // kubelet's cgroupfs paths name no runtime: the one whose state had the container does
    if (cgroup->container.runtime == "cri") text(w->runtime, c.mutable_runtime());
    if (c.pod_uid().empty()) text(w->pod_uid, c.mutable_pod_uid());
    text(w->name, c.mutable_name());
    text(w->image, c.mutable_image());
    text(w->image_repository, c.mutable_image_repository());
    text(w->image_tag, c.mutable_image_tag());
    text(w->image_digest, c.mutable_image_digest());
    text(w->pod_name, c.mutable_pod_name());
    text(w->pod_namespace, c.mutable_namespace_());
    if (w->privileged != WorkloadInfo::Privileged::Unknown)
        c.set_privileged(w->privileged == WorkloadInfo::Privileged::Yes);
    c.set_sandbox(w->sandbox);
    fill_labels(w->labels, *c.mutable_labels());
    fill_labels(w->pod_labels, *c.mutable_pod_labels());
}

void fill_process(const EventContext &ctx, v1::Process &p) {
    const Event &e = *ctx.event;
    p.set_pid(e.pid);
    p.set_tid(e.tid);
    p.set_ppid(e.ppid);
    p.set_uid(e.uid);
    p.set_gid(e.gid);
    text(e.comm, p.mutable_comm());
    p.set_mnt_ns(e.mnt_ns);
    p.set_pid_ns(e.pid_ns);
    if (ctx.process) {
        text(ctx.process->exe, p.mutable_exe());
        for (const auto &a : ctx.process->args) text(a, p.add_args());
    }
    if (ctx.parent) {
        text(ctx.parent->comm, p.mutable_pname());
        text(ctx.parent->exe, p.mutable_pexe());
    }
}

void fill_stdio(const Event &e, v1::Syscall &s) {
    for (size_t i = 0; i < e.stdio.size(); i++) {
        const StdioFd &fd = e.stdio[i];
        v1::Stdio &m = *s.add_stdio();
        m.set_fd(uint32_t(i));
        m.set_type(stdio_type_name(fd));
        m.set_ino(fd.ino);
        m.set_dev_major(major(fd.dev));
        m.set_dev_minor(minor(fd.dev));
        if (fd.kind != StdioKind::Socket || (fd.family != AF_INET && fd.family != AF_INET6)) continue;
        if (const char *proto = l4proto_name(fd.protocol)) m.set_l4proto(proto);
        append_address(fd.family, fd.local_addr, *m.mutable_local_ip());
        m.set_local_port(fd.local_port);
        append_address(fd.family, fd.remote_addr, *m.mutable_remote_ip());
        m.set_remote_port(fd.remote_port);
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
        text(e.filename, s.mutable_filename());
        for (const auto &a : e.argv) text(a, s.add_argv());
        s.set_argv_truncated(e.argv_truncated);
        s.set_exe_upper_layer(e.exe_upper_layer);
        s.set_path_truncated(e.path_truncated);
        if (e.has_stdio) fill_stdio(e, s);
        break;
    case EventType::Open:
        text(e.path, s.mutable_path());
        text(ctx.resolved_path, s.mutable_resolved_path());
        s.set_flags(open_flags_string(e.open_flags));
        s.set_mode(e.mode);
        s.set_dirfd(e.dirfd);
        text(ctx.host_path, s.mutable_host_path());
        s.set_mnt_id(e.mnt_id);
        s.set_path_truncated(e.path_truncated);
        break;
    case EventType::Connect:
        s.set_family(family_name(e.family));
        s.set_fd(e.fd);
        s.set_dst_ip(ip_string(e));
        if (e.family != AF_UNIX) s.set_dst_port(e.port);
        text(unix_path_string(e), s.mutable_unix_path());
        s.set_path_truncated(e.path_truncated);
        break;
    case EventType::Syscall:
        for (int64_t a : e.args) s.add_args(a);
        text(e.path, s.mutable_path());
        text(e.path2, s.mutable_path2());
        text(e.name, s.mutable_name());
        s.set_path_truncated(e.path_truncated);
        if (e.has_socket) {
            s.set_family(family_name(e.family));
            s.set_fd(e.fd);
            s.set_dst_ip(ip_string(e));
            if (e.family != AF_UNIX) s.set_dst_port(e.port);
            s.set_src_ip(local_ip_string(e));
            if (e.family != AF_UNIX) s.set_src_port(e.local_port);
        }
        break;
    case EventType::ConnectResult:
        s.set_family(family_name(e.family));
        s.set_dst_ip(ip_string(e));
        s.set_dst_port(e.port);
        s.set_src_ip(local_ip_string(e));
        s.set_src_port(e.local_port);
        s.set_outcome(connect_outcome_name(e.outcome));
        s.set_duration_ns(e.boot_ns > e.connect_boot_ns ? e.boot_ns - e.connect_boot_ns : 0);
        break;
    case EventType::Exit:
        s.set_exit_code(e.exit_code);
        break;
    case EventType::Flood:       // a verdict of its own (fill_flood_verdict)
    case EventType::CgroupPath:  // never sent: the engine learns from it
        break;
    }
}

// What event_flood verdicts say: not a rule of the files, a fact of the
// sensor's own. Medium: busy software can hit the limit too, but a
// container that does is also one whose events went unseen.
const RuleInfo kFloodRule{
    "event_flood",
    "A cgroup went over its rate of open, connect and other syscall events, and the kernel side dropped the excess "
    "so that the sensor keeps seeing every other container. Its own events went partly unseen meanwhile: flooding "
    "is also a way to blind a sensor.",
    "evasion", "medium", {"T1562.001"}, "Warning"};


// Clear(), keeping the parts every fill sets again: a heap message's
// Clear() deletes its sub-messages, and each fill then allocated them and
// every string in them anew (a third of the engine's time under a flood of
// verdicts). Cleared parts keep their strings' storage.
template <typename Msg>
void clear_for_refill(Msg &m) {
    auto *time = m.release_time();
    auto *container = m.release_container();
    auto *process = m.release_process();
    auto *event = m.release_event();
    m.Clear();
    if (time) time->Clear(), m.set_allocated_time(time);
    if (container) container->Clear(), m.set_allocated_container(container);
    if (process) process->Clear(), m.set_allocated_process(process);
    if (event) event->Clear(), m.set_allocated_event(event);
}

}  // namespace

void fill_event_message(const EventContext &ctx, v1::Event &out) {
    clear_for_refill(out);
    fill_time(ctx.event->time_ns, *out.mutable_time());
    out.set_cgroup_id(ctx.event->cgroup_id);
    fill_container(ctx.cgroup, ctx.workload, ctx.node, *out.mutable_container());
    fill_process(ctx, *out.mutable_process());
    fill_syscall(ctx, *out.mutable_event());
}

void fill_verdict_message(const EventContext &ctx, const Detection &d, v1::Verdict &out) {
    clear_for_refill(out);
    fill_time(ctx.event->time_ns, *out.mutable_time());
    // rule files are the operator's, yet bytes are bytes: escaped too
    text(d.rule->name, out.mutable_rule());
    text(d.rule->category, out.mutable_category());
    out.set_severity(d.rule->severity);
    out.set_priority(d.rule->priority);
    for (const auto &t : d.rule->tags) text(t, out.add_tags());
    text(d.output, out.mutable_output());
    std::string key, value;
    for (const auto &[name, v] : d.fields) {
        text(name, &key);
        text(v, &value);
        (*out.mutable_output_fields())[key] = value;
    }
    out.set_cgroup_id(ctx.event->cgroup_id);
    fill_container(ctx.cgroup, ctx.workload, ctx.node, *out.mutable_container());
    fill_process(ctx, *out.mutable_process());
    fill_syscall(ctx, *out.mutable_event());
}

void fill_flood_verdict(const CgroupEntry *cgroup, const WorkloadInfo *workload, std::string_view node,
                        uint64_t cgroup_id,
                        const std::array<uint64_t, kEventTypeCount> &dropped, bool first, uint64_t window_seconds,
                        uint64_t wall_ns, v1::Verdict &out) {
    out.Clear();
    fill_time(wall_ns, *out.mutable_time());
    out.set_rule(kFloodRule.name);
    out.set_category(kFloodRule.category);
    out.set_severity(kFloodRule.severity);
    out.set_priority(kFloodRule.priority);
    for (const auto &t : kFloodRule.tags) out.add_tags(t);
    out.set_cgroup_id(cgroup_id);
    fill_container(cgroup, workload, node, *out.mutable_container());
    auto &s = *out.mutable_event();
    s.set_type("flood");
    s.set_syscall("flood");
    std::string counts;
    for (size_t t = 1; t < dropped.size(); t++) {
        if (!dropped[t]) continue;
        const char *type = event_type_name(EventType(t));
        (*s.mutable_dropped())[type] = dropped[t];
        counts += (counts.empty() ? "" : ", ") + std::to_string(dropped[t]) + " " + type;
    }
    std::string who = cgroup && !cgroup->container.id.empty() ? "container " + cgroup->container.id
                      : cgroup                                 ? "cgroup " + cgroup->path
                                                               : "cgroup " + std::to_string(cgroup_id);
    text((first ? "Event flood from " + who + ": the kernel side drops its excess events (" + counts + " so far)"
                : "Event flood from " + who + " goes on: " + counts + " events dropped in the last " +
                      std::to_string(window_seconds) + " s"),
         out.mutable_output());
}

}  // namespace crowsnest
