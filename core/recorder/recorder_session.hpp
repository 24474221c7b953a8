// One `ov2ha record` run on the loop: prepares the recording folder, runs and
// supervises the capture pipeline, ships each closed chunk to S3 in s3 mode, watches the
// stop triggers (stop file, SIGTERM/SIGINT, max duration) and finalises the recording.
// Loop thread only.
#pragma once

#include "core/base/loop.hpp"
#include "core/base/uv_handle.hpp"
#include "core/chunks/chunk_shipper.hpp"
#include "core/recorder/controller_link.hpp"
#include "core/recorder/finalize.hpp"
#include "core/recorder/live_join.hpp"
#include "core/recorder/recorder_plan.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
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
    // then starts capturing; in s3 mode it first lists the bucket's chunks of this
    // VIDEO_ID (for a few seconds at most) so numbering continues after them. A failure
    // here means nothing was started.
    Status start();

    // Closes the last chunk and finalises; later calls are ignored.
    void request_stop(const std::string& reason);

    // Before start(): the session registers with the HA controller through `controller`,
    // heartbeats and reports its status; `on_done` then waits for the final status (bounded).
    void attach_controller(std::unique_ptr<ControllerLink> controller);

  private:
    enum class Phase { listing, recording, restarting, stopping, finalizing, done };

    Status prepare_files();
    Status watch_stop_triggers();
    Status start_shipping();
    void on_remote_listing(const s3::S3Result<std::vector<s3::ObjectInfo>>& listing);
    void begin_capture();
    void start_capture();
    void ship_chunk(const std::string& path);
    void on_capture_finished(const Status& status);
    void on_stop_file_changed();
    void finalize();
    // Ends the run once the join and (in s3 mode) the upload drain are both over.
    void finish_when_done();

    uv_loop_t* m_loop;
    RecorderPlan m_plan;
    std::function<void(int)> m_on_done;
    LoopMailbox m_mailbox;
    std::unique_ptr<media::ChunkRecorder> m_capture;
    LiveJoin m_live_join;
    UvHandle<uv_signal_t> m_sigterm;
    UvHandle<uv_signal_t> m_sigint;
    UvHandle<uv_fs_poll_t> m_stop_file_poll;
    UvHandle<uv_timer_t> m_max_duration;
    UvHandle<uv_timer_t> m_restart;
    UvHandle<uv_timer_t> m_listing_limit;
    std::unique_ptr<chunks::ChunkShipper> m_shipper; // s3 mode only
    std::optional<std::uint64_t> m_highest_remote;
    std::optional<FinalOutcome> m_outcome; // the join's, once it is over
    bool m_drained = false;
    Phase m_phase = Phase::recording;
    bool m_capture_ever_worked = false;
    bool m_chunk_in_attempt = false;
    int m_attempts_without_chunk = 0;
    bool m_capture_failed = false;
    std::unique_ptr<ControllerLink> m_controller; // null without HA_CONTROLLER_HOST
};

} // namespace ov2ha::recorder
