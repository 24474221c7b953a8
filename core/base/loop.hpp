// libuv helpers shared by every subcommand: running blocking work on the
// thread pool, handing results from other threads to the loop, and shutting a
// loop down with every handle closed.
#pragma once

#include "core/base/result.hpp"

#include <functional>
#include <mutex>
#include <uv.h>
#include <vector>

namespace ov2ha {

// Runs `work` on libuv's thread pool, then `done` on the loop thread.
// Both are owned until `done` has run.
void run_on_worker(uv_loop_t* loop, std::function<void()> work, std::function<void()> done);

// Lets any thread post a function to run on the loop thread. Owned by the
// loop side: create and close it on the loop thread; post() from anywhere
// until close() has been called.
class LoopMailbox {
  public:
    explicit LoopMailbox(uv_loop_t* loop);
    ~LoopMailbox();
    LoopMailbox(const LoopMailbox&) = delete;
    LoopMailbox& operator=(const LoopMailbox&) = delete;

    // Thread-safe. Functions posted after close() are dropped.
    void post(std::function<void()> function);
    // Loop thread only: stops delivery and releases the libuv handle.
    void close();

  private:
    struct State;
    State* m_state; // freed by the handle's close callback
};

// Closes every handle still open on `loop`, runs it until they are gone and
// closes the loop. Fails with words if the loop still has work.
Status shut_down_loop(uv_loop_t* loop);

// libuv error code -> "operation: text".
std::string uv_error_text(const char* operation, int code);

} // namespace ov2ha
