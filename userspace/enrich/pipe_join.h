// Joins the two ends of a pipe between processes. At every successful exec
// the kernel side records fds 0, 1 and 2 of the new program (a pipe's inode
// is the same at both ends); for each live process whose stdin or stdout
// was a pipe or FIFO then, this remembers its names and how many inet
// connects and accepts it has made since, and indexes the pipe to its
// writers (stdout) and readers (stdin). So in `curl … | sh`, whichever of
// the two the shell forked execs first, the later one's events can name the
// other.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "event/event_context.h"

namespace crowsnest {

class PipeJoin {
public:
    explicit PipeJoin(size_t capacity = 16384) : capacity_(capacity) {}

    // Before the rules match an event: a successful exec (ctx.process: the
    // new image) forgets the old image's entry and remembers the new one if
    // its stdin or stdout is a pipe; a connect attempt, whatever its result
    // (refused, in progress), is counted for an inet destination, loopback
    // included (a pod's own proxy or tunnel forwards a download just as
    // well); an accepted inbound inet connection is counted too (a
    // listener's: nc -l | sh). All three then get their own entry and their
    // pipes' other ends in ctx (pipe_self, stdin_writers, stdout_readers);
    // other events none.
    void join(EventContext &ctx);
    // The process ended. A writer is kept until the second prune() from
    // now (10 to 20 s): a download that fits in the pipe's buffer can end
    // before its reader execs.
    void on_exit(uint32_t pid);
    // Forgets writers that ended before the last prune(), and when half full
    // the processes no longer running (their exit events were lost). Called
    // between events (every 10 s).
    void prune();

    // Up to kMaxPeers processes at the other end of a pipe: a hostile
    // container may hang thousands on one.
    static constexpr size_t kMaxPeers = 8;

    size_t size() const { return procs_.size(); }
    // Entries dropped to make room at capacity (so a rule may miss a join).
    uint64_t evictions() const { return evictions_; }

private:
    // A pipe or FIFO: pipes share pipefs, so the device tells FIFOs of
    // different filesystems apart.
    struct PipeKey {
        uint64_t dev = 0, ino = 0;
        bool operator==(const PipeKey &) const = default;
        explicit operator bool() const { return ino != 0; }
    };
    struct KeyHash {
        size_t operator()(const PipeKey &k) const { return k.ino * 0x9e3779b97f4a7c15ull ^ k.dev; }
    };
    struct Entry {
        PipePeer peer;
        PipeKey in, out;  // zero: not a pipe
        bool stale = false;  // ended before the last prune()
    };
    using Index = std::unordered_multimap<PipeKey, uint32_t, KeyHash>;

    void on_exec(const Event &exec, const ProcessInfo &p);
    // counts an inet connect or accept of a process it keeps in `count`
    void on_connection(const Event &e, uint32_t PipePeer::*count);
    void erase(uint32_t pid);
    static void unindex(Index &index, const PipeKey &key, uint32_t pid);
    void peers(const Index &index, const PipeKey &key, uint32_t self, bool ended_too,
               std::vector<const PipePeer *> &out) const;

    size_t capacity_;
    uint64_t evictions_ = 0;
    std::unordered_map<uint32_t, Entry> procs_;
    Index writers_, readers_;  // pipe -> pid
};

}  // namespace crowsnest
