// The queue that hands work to the engine thread: a task runs on the owner's
// thread, the caller waits for it; a task not taken in time never runs.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "util/task_queue.h"

using namespace crowsnest;
using namespace std::chrono_literals;

TEST_CASE("task queue: a task runs on the owner's thread and the caller waits for it", "[task_queue]") {
    TaskQueue q;
    std::atomic<bool> stop{false};
    std::thread::id ran_on;
    std::thread owner([&] {
        while (!stop) {
            q.run_pending();
            std::this_thread::sleep_for(1ms);
        }
    });
    int value = 0;
    CHECK(q.run([&] { value = 42, ran_on = std::this_thread::get_id(); }, 5s));
    CHECK(value == 42);
    CHECK(ran_on == owner.get_id());
    stop = true;
    owner.join();
}

TEST_CASE("task queue: a task the owner does not take in time is dropped, never run, and close refuses the rest",
          "[task_queue]") {
    TaskQueue q;
    bool ran = false;
    CHECK_FALSE(q.run([&] { ran = true; }, 20ms));
    q.run_pending();
    CHECK_FALSE(ran);

    std::atomic<int> result{-1};
    std::thread caller([&] { result = q.run([&] { ran = true; }, 10s) ? 1 : 0; });
    std::this_thread::sleep_for(50ms);
    q.close();  // the waiting caller is answered at once
    caller.join();
    CHECK(result == 0);
    CHECK_FALSE(q.run([&] { ran = true; }, 10s));
    q.run_pending();
    CHECK_FALSE(ran);
}
