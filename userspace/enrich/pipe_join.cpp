#include "enrich/pipe_join.h"

#include <signal.h>
#include <sys/socket.h>

#include <cerrno>

#include "util/path_util.h"

namespace crowsnest {

namespace {

bool is_pipe(const StdioFd &fd) { return fd.kind == StdioKind::Pipe && fd.ino != 0; }

}  // namespace

void PipeJoin::on_exec(const Event &exec, const ProcessInfo &p) {
    if (exec.ret != 0) return;
    erase(exec.pid);  // the old image's pipes and connects are not the new program's
    if (!exec.has_stdio) return;
    const StdioFd &in = exec.stdio[0], &out = exec.stdio[1];
    if (!is_pipe(in) && !is_pipe(out)) return;
    if (procs_.size() >= capacity_) {
        // an arbitrary victim, counted: the table must stay bounded whatever a container forks
        erase(procs_.begin()->first);
        evictions_++;
    }
    Entry &e = procs_[exec.pid];
    e.peer.pid = exec.pid;
    const std::string_view argv0 = p.args.empty() ? std::string_view() : std::string_view(p.args[0]);
    e.peer.names = {p.comm, std::string(base_name(argv0).substr(0, kMaxPipePeerText)), std::string(base_name(p.exe))};
    e.peer.exe = p.exe;
    for (size_t i = 1; i < p.args.size() && e.peer.args.size() < kMaxPipePeerText; i++) {
        if (i > 1) e.peer.args += ' ';
        e.peer.args.append(p.args[i], 0, kMaxPipePeerText - e.peer.args.size());
    }
    if (is_pipe(in)) {
        e.in = {in.dev, in.ino};
        readers_.emplace(e.in, exec.pid);
    }
    if (is_pipe(out)) {
        e.out = {out.dev, out.ino};
        writers_.emplace(e.out, exec.pid);
    }
}

void PipeJoin::on_connection(const Event &e, uint32_t PipePeer::*count) {
    if (e.family != AF_INET && e.family != AF_INET6) return;
    auto it = procs_.find(e.pid);
    if (it != procs_.end() && it->second.peer.*count != UINT32_MAX) (it->second.peer.*count)++;
}

void PipeJoin::on_exit(uint32_t pid) {
    auto it = procs_.find(pid);
    if (it == procs_.end()) return;
    if (it->second.out) it->second.peer.ended = true;  // its output may still wait in the pipe
    else erase(pid);
}

void PipeJoin::prune() {
    const bool check_running = procs_.size() >= capacity_ / 2;
    for (auto it = procs_.begin(); it != procs_.end();) {
        Entry &e = (it++)->second;
        const uint32_t pid = e.peer.pid;
        if (e.peer.ended ? e.stale : check_running && kill(pid_t(pid), 0) != 0 && errno == ESRCH) erase(pid);
        else e.stale = e.peer.ended;
    }
}

void PipeJoin::erase(uint32_t pid) {
    auto it = procs_.find(pid);
    if (it == procs_.end()) return;
    if (it->second.in) unindex(readers_, it->second.in, pid);
    if (it->second.out) unindex(writers_, it->second.out, pid);
    procs_.erase(it);
}

void PipeJoin::unindex(Index &index, const PipeKey &key, uint32_t pid) {
    auto [first, last] = index.equal_range(key);
    for (auto it = first; it != last; ++it)
        if (it->second == pid) {
            index.erase(it);
            return;
        }
}

void PipeJoin::peers(const Index &index, const PipeKey &key, uint32_t self, bool ended_too,
                     std::vector<const PipePeer *> &out) const {
    out.clear();
    if (!key) return;
    auto [first, last] = index.equal_range(key);
    for (auto it = first; it != last && out.size() < kMaxPeers; ++it) {
        if (it->second == self) continue;
        const PipePeer &p = procs_.at(it->second).peer;
        if (ended_too || !p.ended) out.push_back(&p);
    }
}

void PipeJoin::join(EventContext &ctx) {
    const Event &e = *ctx.event;
    ctx.pipe_self = nullptr;
    ctx.stdin_writers.clear();
    ctx.stdout_readers.clear();
    if (e.type == EventType::Exec) {
        if (e.ret != 0 || !ctx.process) return;
        on_exec(e, *ctx.process);
    } else if (e.type == EventType::Connect) {
        on_connection(e, &PipePeer::connects);
    } else if (e.type == EventType::Syscall && is_accept(e.syscall)) {
        on_connection(e, &PipePeer::accepts);
    } else {
        return;
    }
    auto it = procs_.find(e.pid);
    if (it == procs_.end()) return;
    ctx.pipe_self = &it->second.peer;
    peers(writers_, it->second.in, e.pid, true, ctx.stdin_writers);
    // a reader that ended runs nothing more of what the pipe brings
    peers(readers_, it->second.out, e.pid, false, ctx.stdout_readers);
}

}  // namespace crowsnest
