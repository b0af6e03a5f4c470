// Builds EventContexts by hand, the way Engine::handle_event fills them:
// a Scene owns the Event, cgroup and processes that the context points to.
#pragma once

#include <sys/socket.h>
#include <arpa/inet.h>

#include <catch2/catch.hpp>
#include <array>
#include <string>
#include <vector>

#include "event/event_context.h"
#include "util/path_util.h"
#include "enrich/process_table.h"

namespace crowsnest::test {

inline const std::string kContainerId = "3f4e5d6c7b8a99887766554433221100ffeeddccbbaa00112233445566778899";

struct Scene {
    Event event;
    CgroupEntry cgroup;
    WorkloadInfo workload;  // what the runtime recorded: only with has_workload
    ProcessInfo process;
    ProcessInfo parent;
    bool has_cgroup = true;
    bool has_workload = false;
    bool has_process = true;
    bool has_parent = true;
    bool host_pid_ns = false;
    std::string resolved_path;
    std::string host_path;
    bool host_path_named = false;
    std::string_view profile_state, profile_new_kind;
    // what the pipe join (enrich/pipe_join.h) answers for the process
    bool has_pipe_self = false;
    PipePeer pipe_self;
    std::vector<PipePeer> stdin_writers, stdout_readers;

    Scene() {
        event.pid = event.tid = 4321;
        event.ppid = 4300;
        event.uid = 0;
        event.cgroup_id = 9876;
        parent = {4300, 1, "sh", "/bin/sh", {"sh", "-c", "entrypoint"}};
        in_container();
    }

    Scene &in_container() {
        cgroup = {"/system.slice/docker-" + kContainerId + ".scope", {kContainerId, "docker", ""}};
        has_cgroup = true;
        return *this;
    }
    Scene &on_host() {
        cgroup = {"/system.slice/ssh.service", {}};
        has_cgroup = true;
        return *this;
    }
    Scene &with_host_pid_ns(bool v = true) {
        host_pid_ns = v;
        return *this;
    }
    // The process behind a connect or an open.
    Scene &by(const std::string &exe, std::vector<std::string> args) {
        process.exe = exe;
        process.args = std::move(args);
        process.comm = std::string(base_name(exe)).substr(0, 15);
        event.comm = process.comm;
        return *this;
    }

    EventContext ctx() const {
        EventContext c;
        c.event = &event;
        c.cgroup = has_cgroup ? &cgroup : nullptr;
        c.workload = has_workload ? &workload : nullptr;
        c.process = has_process ? &process : nullptr;
        c.parent = has_parent ? &parent : nullptr;
        c.host_pid_ns = host_pid_ns;
        c.resolved_path = resolved_path;
        c.host_path = host_path;
        c.host_path_named = host_path_named;
        c.profile_state = profile_state;
        c.profile_new_kind = profile_new_kind;
        c.pipe_self = has_pipe_self ? &pipe_self : nullptr;
        for (const auto &w : stdin_writers) c.stdin_writers.push_back(&w);
        for (const auto &r : stdout_readers) c.stdout_readers.push_back(&r);
        return c;
    }
};

// An execve that returned `ret`; on success the process table holds the new image.
inline Scene exec_scene(const std::string &filename, std::vector<std::string> argv, int64_t ret = 0) {
    Scene s;
    s.event.type = EventType::Exec;
    s.event.filename = filename;
    s.event.argv = argv;
    s.event.ret = ret;
    s.event.syscall = Syscall::Execve;
    s.by(normalize_path(filename), std::move(argv));
    return s;
}

inline Scene connect_inet_scene(const std::string &ip, uint16_t port, int64_t ret = 0) {
    Scene s;
    s.event.type = EventType::Connect;
    s.event.family = ip.find(':') != std::string::npos ? AF_INET6 : AF_INET;
    REQUIRE(inet_pton(s.event.family, ip.c_str(), s.event.addr.data()) == 1);
    s.event.port = port;
    s.event.ret = ret;
    s.event.fd = 3;
    s.by("/usr/bin/curl", {"curl", "http://" + ip});
    return s;
}

// A TCP connect attempt's outcome, as the kernel reports it after the call
// (ret: 0 established, -errno failed, -ECONNABORTED abandoned).
inline Scene connect_outcome_scene(const std::string &ip, uint16_t port, ConnectOutcome outcome, int64_t ret = 0) {
    Scene s = connect_inet_scene(ip, port, ret);
    s.event.type = EventType::ConnectResult;
    s.event.outcome = outcome;
    s.event.fd = -1;
    s.event.has_socket = true;
    s.event.protocol = 6;  // IPPROTO_TCP
    return s;
}

inline Scene connect_unix_scene(const std::string &path, bool abstract = false, int64_t ret = 0) {
    Scene s;
    s.event.type = EventType::Connect;
    s.event.family = AF_UNIX;
    s.event.unix_path = path;
    s.event.unix_abstract = abstract;
    s.event.ret = ret;
    s.event.fd = 3;
    s.by("/usr/bin/docker", {"docker", "ps"});
    return s;
}

// An open that succeeded; an absolute path is also the resolved path.
inline Scene open_scene(const std::string &path, int64_t ret = 3) {
    Scene s;
    s.event.type = EventType::Open;
    s.event.path = path;
    s.event.ret = ret;
    s.event.syscall = Syscall::Openat;
    s.event.has_file_identity = ret >= 0;
    if (!path.empty() && path[0] == '/') s.resolved_path = normalize_path(path);
    s.by("/usr/bin/cat", {"cat", path});
    return s;
}

// One of the other calls (EventType::Syscall): its integer arguments in
// the record's order (bpf/events.h, enum syscall_id) and its paths.
inline Scene syscall_scene(Syscall call, std::array<int64_t, 4> args, int64_t ret = 0, const std::string &path = "",
                           const std::string &path2 = "", const std::string &name = "") {
    Scene s;
    s.event.type = EventType::Syscall;
    s.event.syscall = call;
    s.event.args = args;
    s.event.ret = ret;
    s.event.path = path;
    s.event.path2 = path2;
    s.event.name = name;
    s.by("/usr/bin/strace", {"strace", "-p", "1"});
    return s;
}

// A dup, socket or accept whose fd is an inet socket from `local` to `remote`.
inline Scene socket_scene(Syscall call, std::array<int64_t, 4> args, int64_t ret, const std::string &local,
                          uint16_t local_port, const std::string &remote, uint16_t remote_port, uint16_t protocol) {
    Scene s = syscall_scene(call, args, ret);
    s.event.has_socket = true;
    s.event.family = remote.find(':') != std::string::npos ? AF_INET6 : AF_INET;
    REQUIRE(inet_pton(s.event.family, local.c_str(), s.event.local_addr.data()) == 1);
    REQUIRE(inet_pton(s.event.family, remote.c_str(), s.event.addr.data()) == 1);
    s.event.local_port = local_port;
    s.event.port = remote_port;
    s.event.protocol = protocol;
    const bool makes_fd = call == Syscall::Socket || crowsnest::is_accept(call);
    s.event.fd = int32_t(makes_fd ? ret : args[0]);
    s.by("/bin/sh", {"sh", "-i"});
    return s;
}

// Records a process in `table` as its exec event would (for ancestors).
inline void add_process(ProcessTable &table, uint32_t pid, uint32_t ppid, const std::string &comm,
                        const std::string &exe) {
    Event e;
    e.type = EventType::Exec;
    e.pid = e.tid = pid;
    e.ppid = ppid;
    e.comm = comm;
    e.filename = exe;
    e.argv = {comm};
    e.ret = 0;
    table.on_exec(e);
}

}  // namespace crowsnest::test
