// Behavioural port-scan detection, whatever the scanning program is called:
// counts the distinct destination ports that one group (a cgroup, i.e. a
// container or a host service, and one destination address) tries within a
// time window, and says so once when the count reaches a threshold.
// Memory is bounded: at most max_groups groups, expired ones are dropped
// first, and evictions of live ones are counted.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace crowsnest {

class PortScanTracker {
public:
    PortScanTracker(size_t threshold, uint64_t window_ns, size_t max_groups = 8192);

    // One connect attempt at time now_ns (any monotonic clock). True only
    // for the attempt that makes its group reach the threshold within the
    // window; the group then stays quiet until its window ends.
    bool observe(uint64_t cgroup_id, const std::array<uint8_t, 16> &addr, uint16_t port, uint64_t now_ns);

    size_t groups() const { return groups_.size(); }
    uint64_t evictions() const { return evictions_; }

private:
    struct Key {
        uint64_t cgroup_id;
        std::array<uint8_t, 16> addr;
        bool operator==(const Key &o) const { return cgroup_id == o.cgroup_id && addr == o.addr; }
    };
    struct KeyHash {
        size_t operator()(const Key &k) const;
    };
    struct Group {
        uint64_t window_start = 0;
        std::vector<uint16_t> ports;  // distinct, at most `threshold`
        bool reported = false;
    };
    void make_room(uint64_t now_ns);

    size_t threshold_;
    uint64_t window_ns_;
    size_t max_groups_;
    uint64_t evictions_ = 0;
    std::unordered_map<Key, Group, KeyHash> groups_;
};

}  // namespace crowsnest
