// What every integration test needs: root, a running sensor, a container.
// Under CI=true nothing may be skipped: a missing capability is a failure.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "runc_container.h"
#include "sensor_process.h"

namespace crowsnest::test {

inline bool in_ci() {
    const char *ci = std::getenv("CI");
    return ci && std::string(ci) == "true";
}

// Fails under CI, otherwise skips the rest of the test case with a reason.
#define SKIP_OR_FAIL(reason)                                                   \
    do {                                                                       \
        if (crowsnest::test::in_ci()) FAIL("CI=true, cannot skip: " << reason); \
        WARN("SKIPPED: " << reason);                                           \
        return;                                                                \
    } while (0)

// Starts the real crowsnest binary with --events and no gRPC socket (a
// daemon already serving the default one is left alone), then `extra`
// arguments (a later --grpc-socket wins).
#define START_SENSOR(sensor, ...)                                                              \
    do {                                                                                       \
        if (geteuid() != 0) SKIP_OR_FAIL("loading BPF programs needs root");                   \
        std::string start_error_;                                                              \
        if (!(sensor).start(CROWSNEST_BINARY, {"--events", "--grpc-socket", "none", ##__VA_ARGS__},   \
                            start_error_))                                                     \
            SKIP_OR_FAIL("the sensor did not start (BPF needs root and BTF): " << start_error_); \
    } while (0)

// A sensor that prints verdicts only, so its prefilter stays in force.
#define START_QUIET_SENSOR(sensor, ...)                                                                        \
    do {                                                                                                       \
        if (geteuid() != 0) SKIP_OR_FAIL("loading BPF programs needs root");                                  \
        std::string start_error_;                                                                              \
        if (!(sensor).start(CROWSNEST_BINARY, {"--grpc-socket", "none", "--verdict-window", "0", ##__VA_ARGS__}, \
                            start_error_))                                                                     \
            SKIP_OR_FAIL("the sensor did not start (BPF needs root and BTF): " << start_error_);               \
    } while (0)

// A counter from what the sensor printed when it stopped.
inline uint64_t counter_at_stop(const std::string &stderr_text, const std::string &name) {
    std::istringstream in(stderr_text.substr(stderr_text.find("crowsnest: counters")));
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream row(line);
        std::string n;
        uint64_t v = 0;
        if (row >> n >> v && n == name) return v;
    }
    FAIL("no counter " << name << " in:\n" << stderr_text);
    return 0;
}

#define START_CONTAINER(container, spec)                                        \
    do {                                                                        \
        if (!have_tool("runc") || !have_tool("jq") || !have_tool("busybox"))    \
            SKIP_OR_FAIL("runc, jq and busybox are needed (scripts/setup.sh installs them)"); \
        std::string start_error_;                                               \
        if (!(container).start(spec, start_error_)) FAIL(start_error_);         \
    } while (0)

}  // namespace crowsnest::test
