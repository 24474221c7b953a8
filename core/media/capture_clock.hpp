// The recording's clock: one time origin on the steady clock shared by every
// input, and the stop request that pacing sleeps and blocking reads honour.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace ov2ha::media {

// Owned by a ChunkRecorder; shared by its capture thread (start, sleeps, reads)
// and whichever thread requests the stop.
class CaptureClock {
  public:
    // Makes "now" time zero of the recording. Capture thread, before the first read.
    void start();

    // Microseconds since start(). Capture thread.
    std::int64_t elapsed_microseconds() const;

    // Blocks until `elapsed` microseconds after start() or until a stop is
    // requested, whichever comes first; false when the stop came first.
    bool sleep_until(std::int64_t elapsed);

    // Any thread; returns at once and wakes a sleeping sleep_until().
    void request_stop();

    // Any thread; lock-free, so FFmpeg's interrupt callback may call it.
    bool stop_requested() const;

    // An AVIOInterruptCB callback whose opaque is a CaptureClock: non-zero once
    // a stop is requested, which makes a blocking FFmpeg read return.
    static int interrupt_callback(void* opaque);

  private:
    std::chrono::steady_clock::time_point m_origin = std::chrono::steady_clock::now();
    std::atomic<bool> m_stop{false};
    std::mutex m_mutex;
    std::condition_variable m_wake;
};

} // namespace ov2ha::media
