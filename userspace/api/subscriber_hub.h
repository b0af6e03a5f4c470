// Fan-out from the engine thread to stream subscribers.
//
// The engine only hands each message to the hub's inbox (a copy and a
// pointer push) and goes on: a dispatcher thread of the hub's own keeps the
// last N in a ring (for resuming clients), tests each subscriber's filter,
// and appends a shared pointer to the bounded queue of every subscriber it
// passes. So no client's filter, and no number of clients, costs the engine
// anything. A full queue drops the message for that subscriber only, counts
// it, and later puts one gap marker in its place; when the queued messages
// of all subscribers together pass a byte budget, the oldest of the longest
// queue go first, the same way. A slow client never slows the engine or
// anyone else, and stalled clients cannot take the sensor's memory.
#pragma once

#include <malloc.h>

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
#include <thread>
#include <vector>

#include "api/published.h"
#include "api/stream_filter.h"
#include "crowsnest.pb.h"

namespace crowsnest {

struct SubscriberStats {
    uint64_t id = 0;
    std::string peer;
    uint64_t sent = 0, dropped = 0, queued = 0, queued_bytes = 0;
};

struct HubLimits {
    size_t ring = 4096;            // kept for resuming subscribers
    size_t queue = 4096;           // messages per subscriber, then it drops
    size_t bytes = 64u << 20;      // queued bytes of all subscribers together
    size_t inbox = 8192;           // handed over by the engine, not yet dispatched
};

// What a subscription tells when messages wait in its queue: a writer that
// waits on more than one queue (the JSON lines: verdicts and events).
// wake() is called by the hub's dispatcher, never under the hub's lock.
class HubWaker {
public:
    virtual void wake() = 0;

protected:
    ~HubWaker() = default;
};

// Msg is v1::Verdict or v1::Event: both carry `sequence` and `gap`.
template <typename Msg>
class SubscriberHub {
    struct Queue;

public:
    using Ptr = std::shared_ptr<const Published<Msg>>;

    explicit SubscriberHub(HubLimits limits, std::string sequence_space = "")
        : limits_(normalized(limits)), space_(std::move(sequence_space)), dispatcher_([this] { dispatch_loop(); }) {}
    ~SubscriberHub() {
        {
            std::lock_guard lock(inbox_mu_);
            stopping_ = true;
        }
        inbox_ready_.notify_all();
        dispatcher_.join();
        close();
    }
    SubscriberHub(const SubscriberHub &) = delete;
    SubscriberHub &operator=(const SubscriberHub &) = delete;

    // A subscription; unsubscribes when destroyed.
    class Subscription {
    public:
        ~Subscription() {
            set_waker(nullptr);  // returns once no wake() of it runs any more
            hub_.unsubscribe(q_);
        }
        // From now on `w` is woken whenever messages are queued (and once
        // now, if some already are), and when the hub closes.
        void set_waker(HubWaker *w) {
            {
                std::lock_guard lock(hub_.wake_mu_);
                q_->waker = w;
            }
            if (w) hub_.wake({q_});
        }
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

    // Engine thread: hands a copy to the dispatcher. `m.sequence()` must be
    // greater than any published before. A full inbox loses the message for
    // every subscriber, each of whom gets a gap marker for it.
    void publish(const Msg &m) {
        last_published_.store(m.sequence(), std::memory_order_relaxed);
        // copying only when someone can read it: the ring or a subscriber
        if (limits_.ring == 0 && count_.load(std::memory_order_relaxed) == 0) return;
        auto p = std::make_shared<const Published<Msg>>(m);
        {
            std::lock_guard lock(inbox_mu_);
            if (inbox_.size() >= limits_.inbox) {
                inbox_dropped_++;
                return;
            }
            inbox_.push_back(std::move(p));
        }
        inbox_ready_.notify_one();
    }

    // Returns once everything published so far has been dispatched.
    void wait_dispatched() {
        std::unique_lock lock(inbox_mu_);
        dispatched_.wait(lock, [&] { return inbox_.empty() && !dispatching_; });
    }

    // What a journal kept from an earlier run, in sequence order, before
    // anything is published; `lost_after`..`lost_to`: sequences that run may
    // have sent and the journal does not hold (0, 0: none).
    void restore(std::vector<Msg> kept, uint64_t lost_after, uint64_t lost_to) {
        std::lock_guard lock(mu_);
        for (auto &m : kept) {
            last_sequence_ = std::max(last_sequence_, m.sequence());
            if (limits_.ring == 0) continue;
            if (ring_.size() == limits_.ring) ring_.pop_front();
            ring_.push_back(std::make_shared<const Published<Msg>>(std::move(m)));
        }
        lost_after_ = lost_after;
        lost_to_ = lost_to;
        last_sequence_ = std::max(last_sequence_, lost_to);
    }

    // Registers a subscriber. With `after`, the kept messages after that
    // sequence (that pass the filter) come first, preceded by a gap marker
    // for those no longer kept, or lost to a restart; registration and
    // backlog are one step, so nothing is missed or repeated in between.
    // A subscription of the sensor's own (the verdict journal) has no id
    // and is not listed among the clients in stats(); stats(true) has it.
    // `capacity`: messages its queue holds before it drops (0: the hub's).
    std::unique_ptr<Subscription> subscribe(StreamFilter filter, std::optional<uint64_t> after, std::string peer,
                                            const std::string &client_space = "", bool internal = false,
                                            size_t capacity = 0) {
        auto q = std::make_shared<Queue>(std::move(filter));
        q->capacity = std::max<size_t>(capacity ? capacity : limits_.queue, 2);
        std::lock_guard lock(mu_);
        q->internal = internal;
        q->stats.id = internal ? 0 : ++next_id_;
        q->stats.peer = std::move(peer);
        if (after) {
            uint64_t from = *after;
            // published, perhaps still in the inbox: known to clients of the JSON lines
            const uint64_t known = std::max(last_sequence_, last_published_.load(std::memory_order_relaxed));
            const bool restarted = (!client_space.empty() && client_space != space_) || from > known;
            if (restarted) {
                // a position from another sequence space, or one this space
                // never reached: a client from before a restart gets all
                q->backlog.push_back(gap(v1::Gap::SENSOR_RESTART, 0, 0, 0));
                from = 0;
            }
            // numbers the last run may have used without journaling them
            bool lost_ahead = !restarted && lost_to_ > from;
            const uint64_t lost_first = std::max(from, lost_after_) + 1;
            const uint64_t oldest = ring_.empty() ? last_sequence_ + 1 : ring_.front()->sequence();
            const uint64_t too_old_to = lost_ahead ? std::min(oldest - 1, lost_after_) : oldest - 1;
            if (!restarted && from + 1 <= too_old_to)
                q->backlog.push_back(gap(v1::Gap::RESUME_TOO_OLD, too_old_to - from, from + 1, too_old_to));
            for (const auto &m : ring_) {
                if (m->sequence() <= from) continue;
                if (lost_ahead && m->sequence() > lost_to_) {
                    q->backlog.push_back(gap(v1::Gap::SENSOR_RESTART, lost_to_ - lost_first + 1, lost_first, lost_to_));
                    lost_ahead = false;
                }
                if (wants(*q, *m)) q->backlog.push_back(m);
            }
            if (lost_ahead)
                q->backlog.push_back(gap(v1::Gap::SENSOR_RESTART, lost_to_ - lost_first + 1, lost_first, lost_to_));
            q->skip_through = from;  // and of what the inbox still holds, only what is after
        }
        queues_.push_back(q);
        count_ = queues_.size();
        return std::unique_ptr<Subscription>(new Subscription(*this, std::move(q)));
    }

    // Wakes every subscriber; next() returns nullptr from now on.
    void close() {
        std::vector<std::shared_ptr<Queue>> all;
        {
            std::lock_guard lock(mu_);
            closed_ = true;
            for (auto &q : queues_) q->ready.notify_all();
            all = queues_;
        }
        wake(all);
    }

    std::vector<SubscriberStats> stats(bool internal = false) const {
        std::lock_guard lock(mu_);
        std::vector<SubscriberStats> out;
        for (const auto &q : queues_) {
            if (q->internal != internal) continue;
            out.push_back(q->stats);
            out.back().queued = q->items.size() + q->backlog.size();
            out.back().queued_bytes = q->bytes;
        }
        return out;
    }
    uint64_t last_sequence() const {
        std::lock_guard lock(mu_);
        return std::max(last_sequence_, last_published_.load(std::memory_order_relaxed));
    }
    uint64_t oldest_kept() const {
        std::lock_guard lock(mu_);
        return ring_.empty() ? 0 : ring_.front()->sequence();
    }
    uint64_t queued_bytes() const {
        std::lock_guard lock(mu_);
        return total_bytes_;
    }
    const std::string &sequence_space() const { return space_; }
    // Lock-free: the engine asks before building every event.
    size_t subscriber_count() const { return count_.load(std::memory_order_relaxed); }

private:
    struct Item {
        Ptr message;
        size_t bytes;
    };
    struct Queue {
        explicit Queue(StreamFilter f) : filter(std::move(f)) {}
        StreamFilter filter;
        std::deque<Ptr> backlog;  // resume: not bounded by the queue capacity
        std::deque<Item> items;
        size_t bytes = 0;            // of `items`
        uint64_t skip_through = 0;   // resumed after this: not sent again from the inbox
        uint64_t pending_drops = 0;  // dropped since the last gap marker
        size_t capacity = 0;         // messages queued before it drops
        bool internal = false;       // the sensor's own: not a client
        SubscriberStats stats;
        std::condition_variable ready;
        HubWaker *waker = nullptr;  // under wake_mu_
    };

    static HubLimits normalized(HubLimits l) {
        l.queue = std::max<size_t>(l.queue, 2);
        l.inbox = std::max<size_t>(l.inbox, 1);
        return l;
    }

    static Ptr gap(v1::Gap::Reason reason, uint64_t missed, uint64_t first, uint64_t last) {
        Msg m;
        m.mutable_gap()->set_reason(reason);
        m.mutable_gap()->set_missed(missed);
        m.mutable_gap()->set_first_sequence(first);
        m.mutable_gap()->set_last_sequence(last);
        return std::make_shared<const Published<Msg>>(std::move(m));
    }
    // A message is parsed from its bytes only for a filter that reads it.
    static bool wants(const Queue &q, const Published<Msg> &p) {
        return q.filter.passes_all() || q.filter.matches(p.message());
    }
    static Item drop_marker(uint64_t missed) { return {gap(v1::Gap::SLOW_SUBSCRIBER, missed, 0, 0), 0}; }

    void dispatch_loop() {
        std::vector<Ptr> batch;
        for (;;) {
            uint64_t lost = 0;
            {
                std::unique_lock lock(inbox_mu_);
                // woken by the engine, or once a second to give memory back
                if (!inbox_ready_.wait_for(lock, std::chrono::seconds(1),
                                           [&] { return stopping_ || !inbox_.empty() || inbox_dropped_; })) {
                    lock.unlock();
                    std::lock_guard hub_lock(mu_);
                    give_memory_back();
                    continue;
                }
                if (stopping_ && inbox_.empty()) return;
                batch.assign(std::make_move_iterator(inbox_.begin()), std::make_move_iterator(inbox_.end()));
                inbox_.clear();
                lost = inbox_dropped_;
                inbox_dropped_ = 0;
                dispatching_ = true;
            }
            dispatch(batch, lost);
            batch.clear();
            {
                std::lock_guard lock(inbox_mu_);
                dispatching_ = false;
            }
            dispatched_.notify_all();
        }
    }

    void dispatch(const std::vector<Ptr> &batch, uint64_t lost) {
        std::vector<std::shared_ptr<Queue>> woken;
        {
            std::lock_guard lock(mu_);
            dispatch_locked(batch, lost);
            for (auto &q : queues_)
                if (!q->items.empty() || q->pending_drops) woken.push_back(q);
        }
        wake(woken);
    }

    // Outside mu_: a waker pops from its queue at once.
    void wake(const std::vector<std::shared_ptr<Queue>> &queues) {
        std::lock_guard lock(wake_mu_);
        for (const auto &q : queues)
            if (q->waker) q->waker->wake();
    }

    // `lost`: what the full inbox refused since the last batch, all of it
    // published after this batch's messages: its marker goes after them.
    void dispatch_locked(const std::vector<Ptr> &batch, uint64_t lost) {
        for (const auto &p : batch) {
            last_sequence_ = p->sequence();
            if (limits_.ring > 0) {
                if (ring_.size() == limits_.ring) ring_.pop_front();
                ring_.push_back(p);
            }
            size_t bytes = 0;  // computed once, for the first subscriber that takes it
            for (auto &q : queues_) {
                if (p->sequence() <= q->skip_through || !wants(*q, *p)) continue;
                if (!bytes) bytes = p->bytes();  // what it takes in memory, not on the wire
                push(*q, Item{p, bytes});
            }
        }
        for (auto &q : queues_) {
            q->pending_drops += lost;
            q->stats.dropped += lost;
        }
        give_memory_back();
    }

    // The marker needs its own slot before the next message, so a queue
    // that has dropped accepts again only when two slots are free.
    void push(Queue &q, Item item) {
        const size_t need = q.pending_drops ? 2 : 1;
        if (q.items.size() + need > q.capacity || !make_room(item.bytes)) {
            q.pending_drops++;
            q.stats.dropped++;
            return;
        }
        if (q.pending_drops) {
            q.items.push_back(drop_marker(q.pending_drops));
            q.pending_drops = 0;
        }
        q.bytes += item.bytes;
        total_bytes_ += item.bytes;
        peak_bytes_ = std::max(peak_bytes_, total_bytes_);
        q.items.push_back(std::move(item));
        q.ready.notify_one();
    }

    // Keeps all queues within the byte budget: the oldest messages of the
    // longest queue (in bytes) go first, a gap marker in their place.
    bool make_room(size_t bytes) {
        while (total_bytes_ + bytes > limits_.bytes) {
            Queue *hog = nullptr;
            for (auto &q : queues_)
                if (!hog || q->bytes > hog->bytes) hog = q.get();
            if (!hog || hog->bytes == 0) return false;
            uint64_t evicted = 0;
            while (!hog->items.empty() && (hog->items.front().bytes || hog->items.front().message->is_gap()) &&
                   total_bytes_ + bytes > limits_.bytes) {
                Item &front = hog->items.front();
                if (front.message->is_gap()) {
                    evicted += front.message->message().gap().missed();
                } else {
                    evicted++;
                    hog->stats.dropped++;
                }
                hog->bytes -= front.bytes;
                released(front.bytes);
                hog->items.pop_front();
            }
            if (evicted) hog->items.push_front(drop_marker(evicted));
        }
        return true;
    }

    // Memory goes back to the system once queues that held a good deal of
    // it have drained: malloc keeps freed memory for itself otherwise. Not
    // while messages merely flow through: a trim costs every CPU a TLB
    // flush, which at 100k verdicts a second was 6% of the sensor's time.
    void released(size_t bytes) { total_bytes_ -= bytes; }
    void give_memory_back() {
        const auto now = std::chrono::steady_clock::now();
        // once more a little later: what was counted may be freed only
        // when the last reader lets go of it
        const bool settle = trim_again_ && now >= next_trim_;
        const bool drained = peak_bytes_ >= (8u << 20) && total_bytes_ <= peak_bytes_ / 4;
        if ((drained && now >= next_trim_) || settle) {
            malloc_trim(0);
            trim_again_ = !settle;
            peak_bytes_ = total_bytes_;
            next_trim_ = now + std::chrono::seconds(2);
        }
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
                p = std::move(q.items.front().message);
                q.bytes -= q.items.front().bytes;
                released(q.items.front().bytes);
                q.items.pop_front();
            } else if (q.pending_drops) {
                p = drop_marker(q.pending_drops).message;
                q.pending_drops = 0;
            } else {
                break;
            }
            if (!p->is_gap()) q.stats.sent++;
            out.push_back(std::move(p));
        }
        if (q.items.empty()) std::deque<Item>().swap(q.items);  // its blocks go back too
        return true;
    }

    void unsubscribe(const std::shared_ptr<Queue> &q) {
        std::lock_guard lock(mu_);
        released(q->bytes);
        queues_.erase(std::remove(queues_.begin(), queues_.end(), q), queues_.end());
        count_ = queues_.size();
    }

    bool is_closed() const {
        std::lock_guard lock(mu_);
        return closed_;
    }

    const HubLimits limits_;
    const std::string space_;

    // the engine's side: the inbox
    std::mutex inbox_mu_;
    std::condition_variable inbox_ready_, dispatched_;
    std::deque<Ptr> inbox_;
    uint64_t inbox_dropped_ = 0;
    bool dispatching_ = false, stopping_ = false;
    std::atomic<uint64_t> last_published_{0};  // when nothing is copied

    // the subscribers' side; wake_mu_ is taken before mu_, never after
    std::mutex wake_mu_;
    mutable std::mutex mu_;
    std::deque<Ptr> ring_;
    std::vector<std::shared_ptr<Queue>> queues_;
    std::atomic<size_t> count_{0};
    uint64_t last_sequence_ = 0;
    uint64_t lost_after_ = 0, lost_to_ = 0;
    uint64_t next_id_ = 0;
    size_t total_bytes_ = 0, peak_bytes_ = 0;  // peak: since the last trim
    bool trim_again_ = false;
    std::chrono::steady_clock::time_point next_trim_{};
    bool closed_ = false;

    std::thread dispatcher_;  // last: it starts once everything above is built
};

using VerdictHub = SubscriberHub<v1::Verdict>;
using EventHub = SubscriberHub<v1::Event>;

}  // namespace crowsnest
