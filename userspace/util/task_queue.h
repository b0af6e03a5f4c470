// Work handed to one thread (the engine's) by others (gRPC handlers). The
// owner runs what is queued between two events, so what a task touches
// needs no lock of its own; the caller waits for its task to have run.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

namespace crowsnest {

class TaskQueue {
public:
    // Runs `task` on the owner thread and returns once it has run: true.
    // False when the owner did not take it within `timeout`, or the queue is
    // closed: the task is then never run.
    bool run(std::function<void()> task, std::chrono::milliseconds timeout);
    // Owner thread: runs every task queued now.
    void run_pending();
    // Owner thread, when it stops: what is queued is dropped, and run()
    // returns false from now on.
    void close();

private:
    struct Item {
        std::function<void()> task;
        bool done = false;
    };
    std::mutex mu_;
    std::condition_variable done_;
    std::deque<std::shared_ptr<Item>> queued_;
    bool closed_ = false;
};

}  // namespace crowsnest
