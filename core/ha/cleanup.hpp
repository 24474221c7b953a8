// Removing finished sessions: a timer removes sessions inactive for longer than the limit, and
// DELETE /api/sessions/{id} removes one at once. In S3 mode a session's chunks under
// <id>/chunks/ are deleted from the bucket first, but only when its final recording exists
// (locally or in the bucket); otherwise they stay for `ov2ha recover` and the removal is
// logged as kept-for-recovery. Loop thread only.
#pragma once

#include "core/base/result.hpp"
#include "core/base/uv_handle.hpp"
#include "core/ha/session_repository.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ov2ha::s3 {
class S3Client;
}

namespace ov2ha::ha {

struct CleanupSettings {
    std::chrono::seconds interval{30};
    long long max_inactive_seconds = 600;
    std::string recordings_path; // where this host sees <id>/<name>.mp4 and <id>/<id>.info
    std::string key_prefix;      // "" or "prefix/": the bucket part before <id>/
};

// What removing one session did.
struct RemovalReport {
    bool removed = false;           // false when there was no such session (or it changed)
    uint64_t chunks_deleted = 0;    // objects deleted from the bucket
    bool kept_for_recovery = false; // S3 mode, no final recording: its chunks stay
};

struct CleanupCounts {
    uint64_t removed = 0;
    uint64_t kept_for_recovery = 0;
    uint64_t chunks_deleted = 0;
};

// The bucket key of a session's final recording and the prefix of its chunks.
std::string final_recording_key(const std::string& key_prefix, const Session& session);
std::string chunk_prefix(const std::string& key_prefix, const std::string& session_id);

// The cleanup timer and removals; owned by the controller.
class SessionCleanup {
  public:
    // Uses `sessions` and, in S3 mode, `bucket` (null in local mode); both must outlive the
    // cleanup's work, and the bucket client must close before the cleanup is destroyed.
    SessionCleanup(uv_loop_t* loop, SessionRepository& sessions, s3::S3Client* bucket,
                   CleanupSettings settings);
    SessionCleanup(const SessionCleanup&) = delete;
    SessionCleanup& operator=(const SessionCleanup&) = delete;

    // Runs a pass every settings.interval.
    void start();

    // One pass now (or joins the pass under way): `done` gets how many sessions it removed, or
    // why it could not list them. Sessions whose bucket cleanup fails stay for the next pass.
    void run(std::function<void(Result<size_t>)> done);

    // Removes session `id` (bucket first, as above): `done` gets the report, or why nothing was
    // removed (Redis unavailable, the bucket refused).
    void remove(const std::string& id, std::function<void(Result<RemovalReport>)> done);

    // The "s3CleanupInfo" of the health answer: whether and where chunks are cleaned.
    std::string info() const;
    // What the cleanup did since start, for /metrics.
    const CleanupCounts& counts() const { return m_counts; }

    // Stops the timer. Work under way finishes (or fails once the bucket client closes).
    void close();

  private:
    void dispose(const StoredSession& stored, bool only_if_unchanged,
                 std::function<void(Result<RemovalReport>)> done);
    void final_recording_exists(const Session& session, std::function<void(Result<bool>)> done);
    void delete_chunks(const std::string& id, std::function<void(Result<uint64_t>)> done);
    void forget(const StoredSession& stored, bool only_if_unchanged, RemovalReport report,
                std::function<void(Result<RemovalReport>)> done);
    struct Pass;
    void run_pass();
    void step(std::shared_ptr<Pass> pass);
    void finish_pass(Result<size_t> outcome);

    uv_loop_t* m_loop;
    SessionRepository& m_sessions;
    s3::S3Client* m_bucket;
    CleanupSettings m_settings;
    UvHandle<uv_timer_t> m_timer;
    bool m_running = false;
    std::vector<std::function<void(Result<size_t>)>> m_waiting;
    CleanupCounts m_counts;
};

} // namespace ov2ha::ha
