#include "util/task_queue.h"

#include <algorithm>

namespace crowsnest {

bool TaskQueue::run(std::function<void()> task, std::chrono::milliseconds timeout) {
    auto item = std::make_shared<Item>();
    item->task = std::move(task);
    std::unique_lock lock(mu_);
    if (closed_) return false;
    queued_.push_back(item);
    done_.wait_for(lock, timeout, [&] { return item->done || closed_; });
    if (item->done) return true;
    if (closed_) return false;  // close() dropped it (the owner runs nothing after)
    const auto it = std::find(queued_.begin(), queued_.end(), item);
    if (it != queued_.end()) {  // not taken: it never runs
        queued_.erase(it);
        return false;
    }
    // taken and running: what it touches is the caller's, so wait for its end
    done_.wait(lock, [&] { return item->done; });
    return true;
}

void TaskQueue::run_pending() {
    std::deque<std::shared_ptr<Item>> taken;
    {
        std::lock_guard lock(mu_);
        if (queued_.empty()) return;
        taken.swap(queued_);
    }
    for (auto &item : taken) {
        item->task();
        std::lock_guard lock(mu_);
        item->done = true;
    }
    done_.notify_all();
}

void TaskQueue::close() {
    {
        std::lock_guard lock(mu_);
        closed_ = true;
        queued_.clear();
    }
    done_.notify_all();
}

}  // namespace crowsnest
