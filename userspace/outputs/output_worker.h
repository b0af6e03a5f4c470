// An output as a subscriber of the verdict hub: its own bounded queue (the
// hub's), its own thread, its own flood control and counters. A destination
// that is slow or dead holds back only this thread: the hub drops what
// overflows this output's queue and counts it, and the engine and every
// other output go on.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "api/subscriber_hub.h"
#include "outputs/flood_control.h"
#include "outputs/sink.h"

namespace crowsnest {

struct OutputStats {
    std::string name;
    uint64_t sent = 0, failed = 0, dropped = 0, suppressed = 0, queued = 0;
    std::string last_error;
};

class OutputWorker {
public:
    // Subscribes now, so nothing published from here on is missed.
    OutputWorker(std::string name, std::unique_ptr<Sink> sink, VerdictHub &hub, FloodLimits flood);
    // Delivers what is queued (flood summaries included), then stops; the
    // counters stay readable. The destructor does it if no one did.
    void finish();
    ~OutputWorker();
    OutputWorker(const OutputWorker &) = delete;
    OutputWorker &operator=(const OutputWorker &) = delete;

    const std::string &name() const { return name_; }
    OutputStats stats() const;

private:
    void run();
    void deliver(const std::vector<const Published<v1::Verdict> *> &batch);

    const std::string name_;
    std::unique_ptr<Sink> sink_;
    std::unique_ptr<VerdictHub::Subscription> sub_;
    VerdictHub &hub_;
    FloodControl flood_;
    std::atomic<bool> stopping_{false};
    std::atomic<uint64_t> sent_{0}, failed_{0}, dropped_{0}, suppressed_{0};
    mutable std::mutex error_mu_;
    std::string last_error_;
    std::thread thread_;  // last: starts once everything above is built
};

}  // namespace crowsnest
