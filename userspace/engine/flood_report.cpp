#include "engine/flood_report.h"

namespace crowsnest {

namespace {

bool any(const FloodReport::Counts &c) {
    for (uint64_t n : c)
        if (n) return true;
    return false;
}

}  // namespace

bool FloodReport::add(uint64_t cgroup_id, const Counts &dropped, uint64_t now_ns, Due &now) {
    auto it = windows_.find(cgroup_id);
    if (it != windows_.end() && now_ns < it->second.end_ns) {
        for (size_t t = 0; t < dropped.size(); t++) it->second.pending[t] += dropped[t];
        return false;
    }
    // a flood starts, or its window ended before close_windows saw it: now
    now = {cgroup_id, dropped, it == windows_.end()};
    if (it != windows_.end())
        for (size_t t = 0; t < dropped.size(); t++) now.dropped[t] += it->second.pending[t];
    windows_[cgroup_id] = Window{now_ns + window_ns_, {}};
    return true;
}

void FloodReport::close_windows(uint64_t now_ns, std::vector<Due> &due) {
    for (auto it = windows_.begin(); it != windows_.end();) {
        Window &w = it->second;
        if (now_ns < w.end_ns) {
            ++it;
        } else if (any(w.pending)) {
            // still flooding: report the window, and open the next
            due.push_back({it->first, w.pending, false});
            w = Window{now_ns + window_ns_, {}};
            ++it;
        } else {
            it = windows_.erase(it);  // a quiet window: the flood is over
        }
    }
}

}  // namespace crowsnest
