// What GetStatus reports about the engine: the counter table, copied by the
// engine thread every 50 ms so that gRPC threads never read the engine's
// own counters.
#pragma once

#include <chrono>
#include <mutex>
#include <vector>

#include "engine/counter_table.h"

namespace crowsnest {

class StatusBoard {
public:
    void update(std::vector<CounterRow> rows) {
        std::lock_guard lock(mu_);
        rows_ = std::move(rows);
    }
    std::vector<CounterRow> read() const {
        std::lock_guard lock(mu_);
        return rows_;
    }
    const std::chrono::system_clock::time_point started = std::chrono::system_clock::now();

private:
    mutable std::mutex mu_;
    std::vector<CounterRow> rows_;
};

}  // namespace crowsnest
