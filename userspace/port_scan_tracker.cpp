#include "port_scan_tracker.h"

#include <algorithm>
#include <cstring>

namespace crowsnest {

PortScanTracker::PortScanTracker(size_t threshold, uint64_t window_ns, size_t max_groups)
    : threshold_(std::max<size_t>(threshold, 1)), window_ns_(window_ns), max_groups_(std::max<size_t>(max_groups, 1)) {}

size_t PortScanTracker::KeyHash::operator()(const Key &k) const {
    uint64_t a, b;
    std::memcpy(&a, k.addr.data(), 8);
    std::memcpy(&b, k.addr.data() + 8, 8);
    return std::hash<uint64_t>()(k.cgroup_id * 0x9e3779b97f4a7c15ULL ^ a ^ (b * 31));
}

void PortScanTracker::make_room(uint64_t now_ns) {
    for (auto it = groups_.begin(); it != groups_.end();)
        it = now_ns - it->second.window_start > window_ns_ ? groups_.erase(it) : std::next(it);
    if (groups_.size() >= max_groups_) {
        groups_.erase(groups_.begin());
        evictions_++;
    }
}

bool PortScanTracker::observe(uint64_t cgroup_id, const std::array<uint8_t, 16> &addr, uint16_t port,
                              uint64_t now_ns) {
    const Key key{cgroup_id, addr};
    auto it = groups_.find(key);
    if (it == groups_.end()) {
        if (groups_.size() >= max_groups_) make_room(now_ns);
        it = groups_.emplace(key, Group{now_ns, {}, false}).first;
    }
    Group &g = it->second;
    if (now_ns - g.window_start > window_ns_) g = Group{now_ns, {}, false};
    if (g.reported || std::find(g.ports.begin(), g.ports.end(), port) != g.ports.end()) return false;
    g.ports.push_back(port);
    if (g.ports.size() < threshold_) return false;
    g.reported = true;
    g.ports = {};  // the group's work is done for this window
    return true;
}

}  // namespace crowsnest
