#include "outputs/json_lines_worker.h"

#include <chrono>
#include <utility>
#include <vector>

#include "outputs/falco_alert.h"

namespace crowsnest {
namespace {

using namespace std::chrono_literals;
constexpr size_t kBatch = 512;
constexpr auto kStopGrace = 5s;  // at stop, for a slow reader to take what is queued

}  // namespace

JsonLinesWorker::JsonLinesWorker(LineFile file, Format format, VerdictHub &verdicts, EventHub *events)
    : file_((file.give_up_when(&give_up_), std::move(file))),  // before the thread starts
      format_(format),
      verdicts_(verdicts.subscribe(StreamFilter{}, std::nullopt, "output:json", "", true, kQueue)),
      events_(events ? events->subscribe(StreamFilter{}, std::nullopt, "output:json events", "", true, kQueue)
                     : nullptr),
      thread_([this] { run(); }) {
    verdicts_->set_waker(this);
    if (events_) events_->set_waker(this);
}

void JsonLinesWorker::finish() {
    if (!thread_.joinable()) return;
    {
        std::unique_lock lock(mu_);
        stopping_ = true;
        woken_.notify_one();
        // a reader that keeps reading gets everything; one that stalls is
        // given up after a while, so that the sensor can stop
        if (!stopped_.wait_for(lock, kStopGrace, [&] { return done_; })) give_up_ = true;
    }
    thread_.join();
}

JsonLinesWorker::~JsonLinesWorker() { finish(); }

void JsonLinesWorker::reopen() {
    {
        std::lock_guard lock(mu_);
        reopen_ = true;
    }
    woken_.notify_one();
}

void JsonLinesWorker::wake() {
    {
        std::lock_guard lock(mu_);
        pending_ = true;
    }
    woken_.notify_one();
}

void JsonLinesWorker::run() {
    for (;;) {
        bool reopen, stopping;
        {
            std::unique_lock lock(mu_);
            woken_.wait_for(lock, 1s, [&] { return pending_ || reopen_ || stopping_; });
            pending_ = false;
            reopen = std::exchange(reopen_, false);
            stopping = stopping_;
        }
        while (write_queued()) {
        }
        if (reopen) {
            file_.reopen();
            note_write_errors();
        }
        if (stopping) {
            std::lock_guard lock(mu_);
            done_ = true;
            stopped_.notify_all();
            return;
        }
    }
}

bool JsonLinesWorker::write_queued() {
    std::vector<VerdictHub::Ptr> verdicts;
    std::vector<EventHub::Ptr> events;
    // events first: the engine publishes an event before its verdicts (two
    // queues, so a verdict's line can still come first now and then)
    const bool got_events = events_ && events_->next_batch(events, kBatch, 0ms);
    const bool got_verdicts = verdicts_->next_batch(verdicts, kBatch, 0ms);
    for (const auto &p : events) {
        if (p->is_gap()) {  // this output's queue overflowed: the hub counted them for it
            dropped_ += p->message().gap().missed();
            continue;
        }
        file_.add(p->json());
    }
    for (const auto &p : verdicts) {
        if (p->is_gap()) {
            dropped_ += p->message().gap().missed();
            continue;
        }
        file_.add(format_ == Format::Falco ? falco_alert_json(*p) : p->json());
    }
    file_.flush();
    note_write_errors();
    return got_verdicts || got_events;
}

// The file's own counters are this thread's; the status reads copies.
void JsonLinesWorker::note_write_errors() {
    written_ = file_.written();
    lost_ = file_.lost();
    if (file_.errors() != errors_) {
        std::lock_guard lock(error_mu_);
        last_error_ = file_.last_error();
        errors_ = file_.errors();
    }
}

JsonLinesStats JsonLinesWorker::stats() const {
    JsonLinesStats s;
    s.written = written_;
    s.lost = lost_ + dropped_;
    s.errors = errors_;
    std::lock_guard lock(error_mu_);
    s.last_error = last_error_;
    return s;
}

}  // namespace crowsnest
