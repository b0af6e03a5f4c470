#include "outputs/output_worker.h"

#include <cstdio>

#include "util/text_escape.h"

namespace crowsnest {
namespace {

using namespace std::chrono_literals;
constexpr size_t kBatch = 256;

std::string peer_of(const std::string &name) { return "output:" + name; }

}  // namespace

OutputWorker::OutputWorker(std::string name, std::unique_ptr<Sink> sink, VerdictHub &hub, FloodLimits flood)
    : name_(std::move(name)),
      sink_(std::move(sink)),
      sub_(hub.subscribe(StreamFilter{}, std::nullopt, peer_of(name_), "", true)),
      hub_(hub),
      flood_(flood),
      thread_([this] { run(); }) {}

void OutputWorker::finish() {
    if (!thread_.joinable()) return;
    stopping_ = true;
    sink_->cancel();
    thread_.join();
}

OutputWorker::~OutputWorker() { finish(); }

void OutputWorker::run() {
    std::vector<VerdictHub::Ptr> batch, summaries;
    std::vector<const Published<v1::Verdict> *> pass;
    for (;;) {
        const bool stopping = stopping_.load();
        const bool got = sub_->next_batch(batch, kBatch, stopping ? 0ms : 200ms);
        // nothing more will come: every window closes and is reported
        const bool last = !got && (stopping || sub_->closed());
        const auto now = FloodControl::Clock::now();
        summaries.clear();
        for (auto &s : flood_.closed_windows(now, last))
            summaries.push_back(std::make_shared<const Published<v1::Verdict>>(std::move(s)));
        pass.clear();
        for (const auto &s : summaries) pass.push_back(s.get());
        for (const auto &p : batch) {
            if (!got) break;
            if (p->is_gap()) {  // this output's queue overflowed: the hub counted them for it
                dropped_ += p->message().gap().missed();
                continue;
            }
            if (flood_.admit(p->message(), now)) pass.push_back(p.get());
        }
        suppressed_ = flood_.suppressed();
        if (!pass.empty()) deliver(pass);
        if (last) return;
    }
}

void OutputWorker::deliver(const std::vector<const Published<v1::Verdict> *> &batch) {
    Delivery d;
    sink_->deliver(batch, d);
    sent_ += d.sent;
    failed_ += d.failed;
    if (d.failed && !d.error.empty()) {
        const bool first = failed_ == d.failed;
        {
            std::lock_guard lock(error_mu_);
            last_error_ = d.error;
        }
        // the first failure is logged at once; the counters tell the rest
        if (first)
            std::fprintf(stderr, "crowsnest: output %s: %llu verdicts not delivered (%s)\n", name_.c_str(),
                         (unsigned long long)d.failed, terminal_safe(d.error).c_str());
    }
}

OutputStats OutputWorker::stats() const {
    OutputStats s;
    s.name = name_;
    s.sent = sent_;
    s.failed = failed_;
    s.dropped = dropped_;
    s.suppressed = suppressed_;
    for (const auto &q : hub_.stats(true))
        if (q.peer == peer_of(name_)) s.queued = q.queued;
    std::lock_guard lock(error_mu_);
    s.last_error = last_error_;
    return s;
}

}  // namespace crowsnest
