// Keeps a profiler's changes in the database, off the engine thread: the
// engine queues them (bounded: past the cap they are counted as lost, and
// the profile in memory stays right); a thread writes them in batches, one
// transaction each, at most `interval` apart, and at once when a quarter of
// the queue is used.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "profile/profile_db.h"
#include "profile/profile_sink.h"

namespace crowsnest {

struct ProfileWriterCounters {
    uint64_t batches = 0, written = 0, lost = 0, errors = 0;
};

class ProfileWriter : public ProfileSink {
public:
    ProfileWriter(ProfileDb &db, std::chrono::milliseconds interval, size_t max_queued = 100000);
    ~ProfileWriter() override;  // writes what is queued, then stops

    void profile_saved(const Profile &p) override;
    void entry_added(const Profile &p, EntryKind kind, const std::string &value, uint64_t time_ns) override;
    void entries_cleared(const Profile &p) override;
    void profile_forgotten(const std::string &key) override;
    void rates_saved(const Profile &p) override;

    // Writes what is queued now and waits until it is written.
    void flush();
    ProfileWriterCounters counters() const;

private:
    void queue(ProfileChange change);
    void run();
    void write(std::vector<ProfileChange> &batch);

    ProfileDb &db_;
    const std::chrono::milliseconds interval_;
    const size_t max_queued_;
    mutable std::mutex mutex_;
    std::condition_variable wake_, written_;
    std::vector<ProfileChange> queued_;
    uint64_t flush_wanted_ = 0, flush_done_ = 0;
    bool stopping_ = false;
    std::atomic<uint64_t> batches_{0}, written_count_{0}, lost_{0}, errors_{0};
    std::thread thread_;  // last: starts once the rest is built
};

}  // namespace crowsnest
