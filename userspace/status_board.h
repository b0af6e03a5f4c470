// What GetStatus reports about the engine, copied by the engine thread once
// per loop turn so that gRPC threads never read the engine's own counters.
#pragma once

#include <chrono>
#include <mutex>

#include "bpf_sensor.h"
#include "engine.h"

namespace crowsnest {

class StatusBoard {
public:
    void update(const Counters &c, const KernelLosses &k) {
        std::lock_guard lock(mu_);
        counters_ = c;
        losses_ = k;
    }
    void read(Counters &c, KernelLosses &k) const {
        std::lock_guard lock(mu_);
        c = counters_;
        k = losses_;
    }
    const std::chrono::system_clock::time_point started = std::chrono::system_clock::now();

private:
    mutable std::mutex mu_;
    Counters counters_;
    KernelLosses losses_;
};

}  // namespace crowsnest
