// One `ov2ha record` run on the loop: prepares the recording folder, runs and
// supervises the capture pipeline, watches the stop triggers (stop file,
// SIGTERM/SIGINT, max duration) and finalises the recording. Loop thread only.
#pragma once

#include "core/base/loop.hpp"
#include "core/base/uv_handle.hpp"
#include "core/recorder/controller_link.hpp"
#include "core/recorder/recorder_plan.hpp"

#include <functional>
#include <memory>
#include <string>

namespace ov2ha::recorder {

class RecorderSession {
  public:
    // `on_done` runs once on the loop thread with the exit code, after every
    // file is final and every handle the session opened is closing.
    RecorderSession(uv_loop_t* loop, RecorderPlan plan, std::function<void(int)> on_done);
    ~RecorderSession();
    RecorderSession(const RecorderSession&) = delete;
    RecorderSession& operator=(const RecorderSession&) = delete;

    // Writes .recording.<id>, the placeholder video and the empty stop file,
    // then starts capturing. A failure here means nothing was started.
    Status start();

    // Closes the last chunk and finalises; later calls are ignored.
    void request_stop(const std::string& reason);

    // Before start(): the session registers with the HA controller through `controller`,
    // heartbeats and reports its status; `on_done` then waits for the final status (bounded).
    void attach_controller(std::unique_ptr<ControllerLink> controller);

  private:
    enum class Phase { recording, restarting, stopping, finalizing, done };

    Status prepare_files();
    Status watch_stop_triggers();
    void start_capture();
    void on_capture_finished(const Status& status);
    void on_stop_file_changed();
    void finalize();

    uv_loop_t* m_loop;
    RecorderPlan m_plan;
    std::function<void(int)> m_on_done;
    LoopMailbox m_mailbox;
    std::unique_ptr<media::ChunkRecorder> m_capture;
    UvHandle<uv_signal_t> m_sigterm;
    UvHandle<uv_signal_t> m_sigint;
    UvHandle<uv_fs_poll_t> m_stop_file_poll;
    UvHandle<uv_timer_t> m_max_duration;
    UvHandle<uv_timer_t> m_restart;
    Phase m_phase = Phase::recording;
    bool m_capture_ever_worked = false;
    bool m_chunk_in_attempt = false;
    int m_attempts_without_chunk = 0;
    bool m_capture_failed = false;
    std::unique_ptr<ControllerLink> m_controller; // null without HA_CONTROLLER_HOST
};

} // namespace ov2ha::recorder
