// Fan-out from the engine thread to stream subscribers.
//
// The engine publishes each message once: the hub keeps the last N in a ring
// (for resuming clients) and appends a shared pointer to the bounded queue of
// every subscriber whose filter it passes. A full queue drops the message for
// that subscriber only, counts it, and later puts one gap marker in its place,
// so a slow client never slows the engine or anyone else. One mutex guards
// everything; publish holds it for a few pointer pushes per subscriber.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "crowsnest.pb.h"
#include "api/stream_filter.h"

namespace crowsnest {

struct SubscriberStats {
    uint64_t id = 0;
    std::string peer;
    uint64_t sent = 0, dropped = 0, queued = 0;
};

// Msg is v1::Verdict or v1::Event: both carry `sequence` and `gap`.
template <typename Msg>
class SubscriberHub {
    struct Queue;

public:
    using Ptr = std::shared_ptr<const Msg>;

    SubscriberHub(size_t ring_capacity, size_t queue_capacity)
        : ring_capacity_(ring_capacity), queue_capacity_(std::max<size_t>(queue_capacity, 2)) {}

    // A subscription; unsubscribes when destroyed.
    class Subscription {
    public:
        ~Subscription() { hub_.unsubscribe(q_); }
        // Waits up to `timeout` for the next message or gap marker; nullptr
        // when none came or the hub is closed.
        Ptr next(std::chrono::milliseconds timeout) {
            std::vector<Ptr> one;
            return hub_.pop(*q_, one, 1, timeout) ? one[0] : nullptr;
        }
        // Up to `max` at once (one lock for all), waiting up to `timeout` for
        // the first; false when none came or the hub is closed.
        bool next_batch(std::vector<Ptr> &out, size_t max, std::chrono::milliseconds timeout) {
            return hub_.pop(*q_, out, max, timeout);
        }
        bool closed() const { return hub_.is_closed(); }
        uint64_t id() const { return q_->stats.id; }

    private:
        friend class SubscriberHub;
        Subscription(SubscriberHub &hub, std::shared_ptr<Queue> q) : hub_(hub), q_(std::move(q)) {}
        SubscriberHub &hub_;
        std::shared_ptr<Queue> q_;
    };

    // Engine thread. `m.sequence()` must be greater than any published before.
    void publish(const Msg &m) {
        std::lock_guard lock(mu_);
        last_sequence_ = m.sequence();
        // copying only when someone can read it: the ring or a subscriber
        if (ring_capacity_ == 0 && queues_.empty()) return;
        auto p = std::make_shared<const Msg>(m);
        if (ring_capacity_ > 0) {
            if (ring_.size() == ring_capacity_) ring_.pop_front();
            ring_.push_back(p);
        }
        for (auto &q : queues_) {
            if (!q->filter.matches(m)) continue;
            push(*q, p);
        }
    }

    // Registers a subscriber. With `after`, the kept messages after that
    // sequence (that pass the filter) come first, preceded by a gap marker
    // for those no longer kept; registration and backlog are one step, so
    // nothing is missed or repeated in between.
    std::unique_ptr<Subscription> subscribe(StreamFilter filter, std::optional<uint64_t> after, std::string peer) {
        auto q = std::make_shared<Queue>(std::move(filter));
        std::lock_guard lock(mu_);
        q->stats.id = ++next_id_;
        q->stats.peer = std::move(peer);
        if (after) {
            const uint64_t oldest = ring_.empty() ? last_sequence_ + 1 : ring_.front()->sequence();
            if (*after + 1 < oldest) {
                auto gap = std::make_shared<Msg>();
                gap->mutable_gap()->set_reason(v1::Gap::RESUME_TOO_OLD);
                gap->mutable_gap()->set_missed(oldest - *after - 1);
                gap->mutable_gap()->set_first_sequence(*after + 1);
                gap->mutable_gap()->set_last_sequence(oldest - 1);
                q->backlog.push_back(std::move(gap));
            }
            for (const auto &m : ring_)
                if (m->sequence() > *after && q->filter.matches(*m)) q->backlog.push_back(m);
        }
        queues_.push_back(q);
        count_ = queues_.size();
        return std::unique_ptr<Subscription>(new Subscription(*this, std::move(q)));
    }

    // Wakes every subscriber; next() returns nullptr from now on.
    void close() {
        std::lock_guard lock(mu_);
        closed_ = true;
        for (auto &q : queues_) q->ready.notify_all();
    }

    std::vector<SubscriberStats> stats() const {
        std::lock_guard lock(mu_);
        std::vector<SubscriberStats> out;
        for (const auto &q : queues_) {
            out.push_back(q->stats);
            out.back().queued = q->items.size() + q->backlog.size();
        }
        return out;
    }
    uint64_t last_sequence() const {
        std::lock_guard lock(mu_);
        return last_sequence_;
    }
    uint64_t oldest_kept() const {
        std::lock_guard lock(mu_);
        return ring_.empty() ? 0 : ring_.front()->sequence();
    }
    // Lock-free: the engine asks before building every event.
    size_t subscriber_count() const { return count_.load(std::memory_order_relaxed); }

private:
    struct Queue {
        explicit Queue(StreamFilter f) : filter(std::move(f)) {}
        StreamFilter filter;
        std::deque<Ptr> backlog;  // resume: not bounded by the queue capacity
        std::deque<Ptr> items;
        uint64_t pending_drops = 0;  // dropped since the last gap marker
        SubscriberStats stats;
        std::condition_variable ready;
    };

    static Ptr drop_marker(uint64_t missed) {
        auto gap = std::make_shared<Msg>();
        gap->mutable_gap()->set_reason(v1::Gap::SLOW_SUBSCRIBER);
        gap->mutable_gap()->set_missed(missed);
        return gap;
    }

    // The marker needs its own slot before the next message, so a queue
    // that has dropped accepts again only when two slots are free.
    void push(Queue &q, const Ptr &p) {
        const size_t need = q.pending_drops ? 2 : 1;
        if (q.items.size() + need > queue_capacity_) {
            q.pending_drops++;
            q.stats.dropped++;
            return;
        }
        if (q.pending_drops) {
            q.items.push_back(drop_marker(q.pending_drops));
            q.pending_drops = 0;
        }
        q.items.push_back(p);
        q.ready.notify_one();
    }

    bool pop(Queue &q, std::vector<Ptr> &out, size_t max, std::chrono::milliseconds timeout) {
        out.clear();
        std::unique_lock lock(mu_);
        auto has_work = [&] { return closed_ || !q.backlog.empty() || !q.items.empty() || q.pending_drops; };
        if (!q.ready.wait_for(lock, timeout, has_work) || closed_) return false;
        while (out.size() < max) {
            Ptr p;
            if (!q.backlog.empty()) {
                p = std::move(q.backlog.front());
                q.backlog.pop_front();
            } else if (!q.items.empty()) {
                p = std::move(q.items.front());
                q.items.pop_front();
            } else if (q.pending_drops) {
                p = drop_marker(q.pending_drops);
                q.pending_drops = 0;
            } else {
                break;
            }
            if (!p->has_gap()) q.stats.sent++;
            out.push_back(std::move(p));
        }
        return true;
    }

    void unsubscribe(const std::shared_ptr<Queue> &q) {
        std::lock_guard lock(mu_);
        queues_.erase(std::remove(queues_.begin(), queues_.end(), q), queues_.end());
        count_ = queues_.size();
    }

    bool is_closed() const {
        std::lock_guard lock(mu_);
        return closed_;
    }

    const size_t ring_capacity_, queue_capacity_;
    mutable std::mutex mu_;
    std::deque<Ptr> ring_;
    std::vector<std::shared_ptr<Queue>> queues_;
    std::atomic<size_t> count_{0};
    uint64_t last_sequence_ = 0;
    uint64_t next_id_ = 0;
    bool closed_ = false;
};

using VerdictHub = SubscriberHub<v1::Verdict>;
using EventHub = SubscriberHub<v1::Event>;

}  // namespace crowsnest
