// The recorder's side of the HA controller (ov2ha serve, or ov2-ha-recorder's): registers the
// recording session, heartbeats with the last closed chunk, reports status changes (RECORDING;
// STOPPING then COMPLETED, or FAILED). An unreachable controller never stops the recording:
// calls are retried quietly and a warning is logged at most once a minute. Loop thread only.
#pragma once

#include "core/base/config.hpp"
#include "core/base/result.hpp"
#include "core/base/uv_handle.hpp"
#include "core/recorder/recorder_plan.hpp"

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <uv.h>

namespace ov2ha::http {
class CurlMulti;
struct HttpResponse;
} // namespace ov2ha::http

namespace ov2ha::recorder {

// Where this recorder runs, for the controller and for a backup that must continue it.
struct RecorderIdentity {
    std::string hostname;
    std::string ip; // the first non-loopback IPv4 address; empty when there is none
};

// The hostname and address of this machine (or container).
RecorderIdentity this_recorder();

struct ControllerLinkSettings {
    std::string base_url; // "http://host:port", no trailing '/'
    std::string username; // HTTP Basic, when not empty
    std::string password; // never logged
    std::chrono::seconds heartbeat_interval{10};
    std::string session_id;   // VIDEO_ID
    std::string registration; // the body of POST /api/sessions
    std::chrono::milliseconds request_timeout{5000};
    // How long the final status may take at the end of a recording (OpenVidu allows 30 s for
    // the whole stop) before the recorder exits without it.
    std::chrono::milliseconds finish_timeout{5000};
};

// The link's settings from the configuration (HA_CONTROLLER_HOST, HA_CONTROLLER_PORT,
// HA_CONTROLLER_USERNAME, HA_CONTROLLER_PASSWORD, HEARTBEAT_INTERVAL) and the plan; nullopt
// when HA_CONTROLLER_HOST is empty. The registration carries sessionId (VIDEO_ID), clientId,
// clientHost, uniqueSessionId, status STARTING, recordingJson and the environment a backup needs
// (url, onlyVideo, resolution, framerate, videoId, videoName, videoFormat, recordingJson,
// chunkFolder, chunkTimeSize, startChunk, hostname, containerIp, containerWorkingMode). Pure.
std::optional<ControllerLinkSettings> controller_link_settings(const Config& config,
                                                               const RecorderPlan& plan,
                                                               const RecorderIdentity& identity);

class ControllerLink {
  public:
    // A link on `loop` with its own HTTP client; nothing is sent before start().
    static Result<std::unique_ptr<ControllerLink>> create(uv_loop_t* loop,
                                                          ControllerLinkSettings settings);
    // Closes (see finish() for the orderly end).
    ~ControllerLink();
    ControllerLink(const ControllerLink&) = delete;
    ControllerLink& operator=(const ControllerLink&) = delete;

    // Registers the session, then heartbeats every heartbeat_interval.
    void start();
    // The capture produces chunks: reports RECORDING once.
    void recording();
    // `name` ("0007.mp4") is the last closed chunk; the next heartbeat carries it.
    void chunk_closed(std::string name);
    // A stop was requested: reports STOPPING.
    void stopping();
    // Reports COMPLETED (or FAILED), waits for it at most finish_timeout (not at all when the
    // controller was never reached), closes every handle and runs `done` once on the loop thread.
    void finish(bool failed, std::function<void()> done);

  private:
    ControllerLink(uv_loop_t* loop, ControllerLinkSettings settings,
                   std::unique_ptr<http::CurlMulti> http);

    void tick();
    void send(std::string method, std::string path, std::string body,
              std::function<void(const http::HttpResponse&)> done);
    void register_session();
    void send_heartbeat();
    void report_status(const std::string& status);
    void send_next_status();
    void problem(const std::string& what, const http::HttpResponse& response);
    void close();

    ControllerLinkSettings m_settings;
    std::unique_ptr<http::CurlMulti> m_http;
    UvHandle<uv_timer_t> m_ticker;
    UvHandle<uv_timer_t> m_deadline;
    std::string m_authorization; // the Authorization header, empty without credentials
    bool m_registered = false;
    bool m_ever_registered = false;
    bool m_registering = false;
    bool m_heartbeat_in_flight = false;
    bool m_status_in_flight = false;
    bool m_recording_reported = false;
    bool m_closed = false;
    std::string m_last_chunk;
    std::deque<std::string> m_statuses; // reported in order, each until the controller takes it
    std::function<void()> m_finished;
    uint64_t m_last_warning_ms = 0;
    uint64_t m_silenced = 0;
    uv_loop_t* m_loop;
};

// The link when HA_CONTROLLER_HOST is set, else null; fails with words when its HTTP client
// cannot start.
Result<std::unique_ptr<ControllerLink>> make_controller_link(uv_loop_t* loop, const Config& config,
                                                             const RecorderPlan& plan);

} // namespace ov2ha::recorder
