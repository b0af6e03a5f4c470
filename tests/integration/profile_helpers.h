// What the learned-profile tests share: learning a workload in a test's
// short times, and the anomaly verdicts a sensor printed for a container.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "sensor_process.h"

namespace crowsnest::test {

// A connection made the way a looped shell makes its own (busybox's shell
// runs a lone command in its own process, a looped one in a child).
inline std::string connect_to(uint16_t port) {
    return "for f in once; do nc -w 1 127.0.0.1 " + std::to_string(port) + " </dev/null; done";
}

// Learning lasts kLearning from the container's first event, then the
// profile locks after kQuiet with nothing new. `work` runs over and over until
// the learning time has passed (a pause in it longer than kQuiet would lock
// the profile early), then the quiet period passes.
constexpr auto kLearning = std::chrono::seconds(5), kQuiet = std::chrono::seconds(2);
inline void learn(const std::function<void()> &work) {
    const auto end = std::chrono::steady_clock::now() + kLearning;
    while (std::chrono::steady_clock::now() < end) work();
    std::this_thread::sleep_for(kQuiet + std::chrono::milliseconds(500));
}

inline std::vector<v1::Verdict> anomalies_of(SensorProcess &sensor, const std::string &id) {
    std::vector<v1::Verdict> out;
    for (auto &v : sensor.verdicts())
        if (v.category() == "anomaly" && v.container().id() == id) out.push_back(v);
    return out;
}

inline std::string names(const std::vector<v1::Verdict> &verdicts) {
    std::string s;
    for (const auto &v : verdicts) s += v.output() + "\n";
    return s;
}

}  // namespace crowsnest::test
