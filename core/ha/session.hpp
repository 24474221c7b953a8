// The recording session the controller tracks: its fields, its JSON exactly as the
// ov2-ha-recorder API has it, the status words, and validation of the request bodies that
// create or change one. Pure: no I/O, no clock (callers pass "now").
#pragma once

#include "core/base/result.hpp"

#include <array>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ov2ha::ha {

enum class SessionStatus { starting, recording, paused, stopping, completed, failed, inactive };

inline constexpr std::array k_all_statuses{SessionStatus::starting,  SessionStatus::recording,
                                           SessionStatus::paused,    SessionStatus::stopping,
                                           SessionStatus::completed, SessionStatus::failed,
                                           SessionStatus::inactive};

// "STARTING", "RECORDING", …
std::string_view status_word(SessionStatus status);

// A status word in any case, or one of OpenVidu's recording words: started (RECORDING),
// stopped (STOPPING), ready (COMPLETED), failed (FAILED). nullopt for anything else.
std::optional<SessionStatus> parse_status(std::string_view word);

// True for STARTING and RECORDING; PAUSED, STOPPING, COMPLETED, FAILED and INACTIVE make a
// session inactive.
bool keeps_session_active(SessionStatus status);

// One session as stored and as the API shows it. Absent optional fields are JSON null.
struct Session {
    std::string session_id;
    std::string client_id;
    std::optional<std::string> client_host;
    SessionStatus status = SessionStatus::starting;
    std::string created_at;     // "yyyy-MM-dd HH:mm:ss", local time
    std::string last_heartbeat; // same format; refreshed by every change
    std::optional<std::string> recording_path;
    std::optional<std::string> metadata; // JSON text, kept as a string
    std::optional<std::string> last_chunk;
    bool active = true;
    std::optional<std::string> backup_container_id;
    std::optional<std::string> backup_container_name;
    std::optional<std::string> environment; // JSON object text, kept as a string
    std::optional<std::string> unique_session_id;
    std::optional<std::string> original_session_id;
};

// The session as one JSON object: sessionId, clientId, clientHost, status, createdAt,
// lastHeartbeat, recordingPath, metadata, lastChunk, active, backupContainerId,
// backupContainerName, environment, uniqueSessionId, originalSessionId, in that order.
std::string session_json(const Session& session);

// Reads a stored session; fields may come in any order, absent optional ones are null. Fails
// with words when the text is not an object or sessionId, clientId or status is unusable.
Result<Session> parse_session(std::string_view json);

// What one API call other than a heartbeat changes in a stored session. last_heartbeat is
// always set.
struct SessionChange {
    std::string last_heartbeat;
    std::optional<SessionStatus> status; // active follows from it unless `active` says otherwise
    std::optional<bool> active;
    std::optional<std::string> recording_path;
};

// The id in a request path: 400 words unless validate_id accepts it.
Status check_session_id(std::string_view id);

// POST /api/sessions: the new session (created_at and last_heartbeat = `now`), or words for a
// 400 naming the field. recordingJson, when given, joins the environment as "recordingJson".
Result<Session> registration_from_body(std::string_view body, const std::string& now);

// PUT …/heartbeat: the lastChunk given, if any; an empty body is {}.
Result<std::optional<std::string>> heartbeat_chunk_from_body(std::string_view body);

// PUT …/status: the status word given.
Result<SessionStatus> status_from_body(std::string_view body);

// PUT …/recording-path: the recordingPath given.
Result<std::string> recording_path_from_body(std::string_view body);

// `when` as "yyyy-MM-dd HH:mm:ss" in local time, as the sessions store times.
std::string format_session_time(std::time_t when);

// The inverse of format_session_time; nullopt for any other text.
std::optional<std::time_t> parse_session_time(std::string_view text);

// `when` (milliseconds since the epoch) as "yyyy-MM-ddTHH:mm:ss.SSS" in local time: the
// "timestamp" of API answers.
std::string format_timestamp(long long epoch_ms);

// The final recording's file name from the session's environment (videoName or the name in
// recordingJson, then the session id) with its format's extension ("<name>.mp4").
std::string final_recording_name(const Session& session);

// Whether `session` missed its heartbeats: active, and its lastHeartbeat more than
// `timeout_seconds` before `now` (or unreadable).
bool missed_heartbeat(const Session& session, std::time_t now, long long timeout_seconds);

// Whether the cleanup removes `session`: inactive, and its lastHeartbeat (refreshed by every
// change, deactivation included) more than `max_inactive_seconds` before `now`.
bool expired(const Session& session, std::time_t now, long long max_inactive_seconds);

} // namespace ov2ha::ha
