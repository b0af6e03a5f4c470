// JSON lines on stdout or in the output file, as a subscriber of the hubs:
// verdicts (and events, with --events) are written by a thread of their
// own, so a stalled stdout or a slow disk holds back only this output,
// never the engine. Its queue is large, since the file is meant to keep
// every verdict; what still overflows it is counted as lost and logged.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "api/subscriber_hub.h"
#include "engine/line_file.h"

namespace crowsnest {

struct JsonLinesStats {
    uint64_t written = 0, lost = 0, errors = 0;  // lines; lost: not written, or dropped from a full queue
    std::string last_error;
};

class JsonLinesWorker final : HubWaker {
public:
    enum class Format { Crowsnest, Falco };  // verdicts only: events are always the protobuf mapping

    // Messages its queues hold, each, before they drop.
    static constexpr size_t kQueue = 1 << 18;

    // Subscribes now, so nothing published from here on is missed.
    // `events`: nullptr unless events are printed too.
    JsonLinesWorker(LineFile file, Format format, VerdictHub &verdicts, EventHub *events);
    // Writes what is queued, then stops; the counters stay readable. A
    // pipe whose reader stalls is waited for 5 s, then what is left is lost
    // (counted), so that the sensor can stop.
    void finish();
    ~JsonLinesWorker();
    JsonLinesWorker(const JsonLinesWorker &) = delete;
    JsonLinesWorker &operator=(const JsonLinesWorker &) = delete;

    // SIGUSR1: what is queued is written, then the output file is opened anew.
    void reopen();
    JsonLinesStats stats() const;

private:
    void wake() override;
    void run();
    // Writes what the two queues hold now; false if they held nothing.
    bool write_queued();
    void note_write_errors();

    LineFile file_;
    const Format format_;
    std::unique_ptr<VerdictHub::Subscription> verdicts_;
    std::unique_ptr<EventHub::Subscription> events_;

    std::mutex mu_;
    std::condition_variable woken_, stopped_;
    bool pending_ = false, reopen_ = false, stopping_ = false, done_ = false;

    std::atomic<bool> give_up_{false};  // the file's writes stop waiting for a stalled reader
    std::atomic<uint64_t> written_{0}, lost_{0}, errors_{0}, dropped_{0};
    mutable std::mutex error_mu_;
    std::string last_error_;
    std::thread thread_;  // last: starts once everything above is built
};

}  // namespace crowsnest
