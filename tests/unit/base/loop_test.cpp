// Loop helpers: worker jobs report back on the loop, mailboxes carry work
// from other threads, and a loop shuts down with every handle closed.
#include "core/base/loop.hpp"
#include "core/base/uv_handle.hpp"

#include <atomic>
#include <gtest/gtest.h>
#include <thread>

namespace ov2ha {
namespace {

TEST(Loop, WorkerRunsOffTheLoopThreadAndReportsOnIt) {
    uv_loop_t loop;
    ASSERT_EQ(uv_loop_init(&loop), 0);
    const auto loop_thread = std::this_thread::get_id();
    std::thread::id work_thread;
    bool done_on_loop = false;
    run_on_worker(
        &loop, [&] { work_thread = std::this_thread::get_id(); },
        [&] { done_on_loop = std::this_thread::get_id() == loop_thread; });
    uv_run(&loop, UV_RUN_DEFAULT);
    EXPECT_NE(work_thread, loop_thread);
    EXPECT_TRUE(done_on_loop);
    EXPECT_TRUE(shut_down_loop(&loop));
}

TEST(Loop, MailboxDeliversPostsFromOtherThreadsInOrder) {
    uv_loop_t loop;
    ASSERT_EQ(uv_loop_init(&loop), 0);
    std::vector<int> received;
    {
        LoopMailbox mailbox(&loop);
        std::thread sender([&] {
            for (int i = 0; i < 100; ++i) {
                mailbox.post([&received, i] { received.push_back(i); });
            }
            mailbox.post([&mailbox] { mailbox.close(); });
        });
        uv_run(&loop, UV_RUN_DEFAULT);
        sender.join();
    }
    ASSERT_EQ(received.size(), 100u);
    for (int i = 0; i < 100; ++i) {
        EXPECT_EQ(received[i], i);
    }
    EXPECT_TRUE(shut_down_loop(&loop));
}

TEST(Loop, ShutDownClosesHandlesLeftOpen) {
    uv_loop_t loop;
    ASSERT_EQ(uv_loop_init(&loop), 0);
    {
        UvHandle<uv_timer_t> timer(&loop);
        uv_timer_start(
            timer.get(), [](uv_timer_t*) {}, 100000, 0);
    }
    EXPECT_TRUE(shut_down_loop(&loop));
}

} // namespace
} // namespace ov2ha
