// The libuv loop a subcommand runs its work on, made, run and shut down the
// same way by every subcommand that works on a loop.
#pragma once

#include <string>
#include <uv.h>

namespace ov2ha::cli {

// Owns the loop of one subcommand run; main thread only. What is made on the
// loop must be declared after it, so that it is gone before the loop shuts down.
class CommandLoop {
  public:
    // Makes the loop and ignores SIGPIPE from then on. A loop that cannot be
    // made is said as "ov2ha <command>: start the event loop: <error>" on
    // stderr, and ready() is false.
    explicit CommandLoop(std::string command);
    // Closes every handle still open and the loop; a loop that does not close
    // cleanly is logged.
    ~CommandLoop();
    CommandLoop(const CommandLoop&) = delete;
    CommandLoop& operator=(const CommandLoop&) = delete;

    bool ready() const { return m_ready; }
    uv_loop_t* get() { return &m_loop; }

    // Runs the loop until nothing is left on it.
    void run();

    // Says "ov2ha <command>: <error>" on stderr; returns the exit code of
    // failed work.
    int fail(const std::string& error) const;

  private:
    std::string m_command;
    uv_loop_t m_loop;
    bool m_ready = false;
};

} // namespace ov2ha::cli
