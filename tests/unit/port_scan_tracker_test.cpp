// PortScanTracker: distinct ports per (cgroup, address), windows, bounds.
#include <catch2/catch.hpp>

#include "port_scan_tracker.h"

using crowsnest::PortScanTracker;

namespace {

constexpr uint64_t kSecond = 1000000000ULL;

std::array<uint8_t, 16> ipv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) { return {a, b, c, d}; }

// Tries ports first..first+count-1 at time t; returns how many reports came.
int sweep(PortScanTracker &t, uint64_t cgroup, const std::array<uint8_t, 16> &addr, uint16_t first, int count,
          uint64_t time) {
    int reports = 0;
    for (int i = 0; i < count; i++) reports += t.observe(cgroup, addr, uint16_t(first + i), time);
    return reports;
}

}  // namespace

TEST_CASE("port scan: the threshold-th distinct port reports, once", "[port_scan]") {
    PortScanTracker t(50, 10 * kSecond);
    const auto host = ipv4(10, 0, 0, 1);
    CHECK(sweep(t, 7, host, 1, 49, kSecond) == 0);
    CHECK(t.observe(7, host, 50, kSecond));
    CHECK(sweep(t, 7, host, 51, 100, 2 * kSecond) == 0);  // quiet for the rest of the window
}

TEST_CASE("port scan: repeated ports do not count", "[port_scan]") {
    PortScanTracker t(3, 10 * kSecond);
    const auto host = ipv4(10, 0, 0, 1);
    for (int i = 0; i < 100; i++) CHECK_FALSE(t.observe(1, host, 443, kSecond));
    CHECK_FALSE(t.observe(1, host, 80, kSecond));
    CHECK(t.observe(1, host, 8080, kSecond));
}

TEST_CASE("port scan: a slow sweep over several windows does not report", "[port_scan]") {
    PortScanTracker t(10, 10 * kSecond);
    const auto host = ipv4(10, 0, 0, 1);
    // 9 ports per window, each window 11 s apart
    for (int w = 0; w < 5; w++) CHECK(sweep(t, 1, host, uint16_t(100 * w), 9, uint64_t(w) * 11 * kSecond) == 0);
}

TEST_CASE("port scan: a new window can report again", "[port_scan]") {
    PortScanTracker t(10, 10 * kSecond);
    const auto host = ipv4(10, 0, 0, 1);
    CHECK(sweep(t, 1, host, 1, 10, kSecond) == 1);
    CHECK(sweep(t, 1, host, 1, 10, 12 * kSecond) == 1);
}

TEST_CASE("port scan: groups are per cgroup and per address", "[port_scan]") {
    PortScanTracker t(10, 10 * kSecond);
    // a horizontal pattern (one port, many hosts) and ports split over two
    // containers stay below the threshold in every group
    for (uint8_t h = 1; h < 100; h++) CHECK_FALSE(t.observe(1, ipv4(10, 0, 0, h), 9100, kSecond));
    CHECK(sweep(t, 1, ipv4(10, 0, 1, 1), 1, 5, kSecond) == 0);
    CHECK(sweep(t, 2, ipv4(10, 0, 1, 1), 6, 5, kSecond) == 0);
    std::array<uint8_t, 16> v6{};
    v6[0] = 0x20;
    v6[15] = 1;
    CHECK(sweep(t, 1, v6, 1, 10, kSecond) == 1);
}

TEST_CASE("port scan: memory is bounded, expired groups go first", "[port_scan]") {
    PortScanTracker t(5, 10 * kSecond, 4);
    for (uint8_t h = 1; h <= 4; h++) t.observe(1, ipv4(10, 0, 0, h), 1, kSecond);
    CHECK(t.groups() == 4);
    // all four have expired by now: they make room without an eviction
    t.observe(1, ipv4(10, 0, 0, 5), 1, 20 * kSecond);
    CHECK(t.groups() == 1);
    CHECK(t.evictions() == 0);
    for (uint8_t h = 6; h <= 9; h++) t.observe(1, ipv4(10, 0, 0, h), 1, 21 * kSecond);
    CHECK(t.groups() == 4);
    CHECK(t.evictions() == 1);  // a live group had to go
}
