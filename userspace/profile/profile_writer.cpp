#include "profile/profile_writer.h"

#include <cstdio>

namespace crowsnest {

ProfileWriter::ProfileWriter(ProfileDb &db, std::chrono::milliseconds interval, size_t max_queued)
    : db_(db), interval_(interval), max_queued_(max_queued), thread_([this] { run(); }) {}

ProfileWriter::~ProfileWriter() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void ProfileWriter::queue(ProfileChange change) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (queued_.size() >= max_queued_) {
        lost_++;
        return;
    }
    queued_.push_back(std::move(change));
    if (queued_.size() == max_queued_ / 4) wake_.notify_one();  // a burst: write before the queue fills
}

void ProfileWriter::profile_saved(const Profile &p) { queue({ProfileChange::Op::Save, row_of(p)}); }

void ProfileWriter::entry_added(const Profile &p, EntryKind kind, const std::string &value, uint64_t time_ns) {
    queue({ProfileChange::Op::AddEntry, {p.key}, kind, value, time_ns});
}

void ProfileWriter::entries_cleared(const Profile &p) { queue({ProfileChange::Op::ClearEntries, {p.key}}); }

void ProfileWriter::profile_forgotten(const std::string &key) { queue({ProfileChange::Op::Forget, {key}}); }

void ProfileWriter::rates_saved(const Profile &p) {
    ProfileChange c{ProfileChange::Op::SaveRates, {p.key}};
    c.rates = p.rates;
    queue(std::move(c));
}

void ProfileWriter::flush() {
    std::unique_lock<std::mutex> lock(mutex_);
    const uint64_t wanted = ++flush_wanted_;
    wake_.notify_one();
    written_.wait(lock, [&] { return flush_done_ >= wanted; });
}

void ProfileWriter::run() {
    std::vector<ProfileChange> batch;
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        wake_.wait_for(lock, interval_, [&] {
            return stopping_ || flush_wanted_ > flush_done_ || queued_.size() >= max_queued_ / 4;
        });
        const uint64_t wanted = flush_wanted_;
        const bool stop = stopping_;
        batch.swap(queued_);
        lock.unlock();
        write(batch);
        lock.lock();
        flush_done_ = wanted;
        written_.notify_all();
        if (stop) return;
    }
}

void ProfileWriter::write(std::vector<ProfileChange> &batch) {
    if (batch.empty()) return;
    std::string error;
    if (db_.apply(batch, error)) {
        batches_++;
        written_count_ += batch.size();
    } else {
        // the first failure is logged, with its reason; all are counted
        if (errors_++ == 0) std::fprintf(stderr, "crowsnest: %s (%zu profile changes lost)\n", error.c_str(), batch.size());
        lost_ += batch.size();
    }
    batch.clear();
}

ProfileWriterCounters ProfileWriter::counters() const {
    return {batches_.load(), written_count_.load(), lost_.load(), errors_.load()};
}

}  // namespace crowsnest
