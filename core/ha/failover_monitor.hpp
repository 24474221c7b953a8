// Failover as far as this version goes: the configured timeouts, a periodic and a manual scan
// that finds active sessions whose recorder missed its heartbeats, and the status answers of
// /api/failover/*. Starting backup recorders (the launchers) comes with the next version; the
// answers already have their final shape, with no backup containers. Loop thread only.
#pragma once

#include "core/base/result.hpp"
#include "core/base/uv_handle.hpp"
#include "core/ha/session_repository.hpp"

#include <cstdint>
#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ov2ha::ha {

struct FailoverSettings {
    bool enabled = true;
    long long heartbeat_interval_seconds = 10;
    long long max_missed_heartbeats = 3;
    long long chunk_seconds = 10;
    long long check_interval_seconds = 60;

    // A recorder that sent nothing for this long has failed.
    long long heartbeat_timeout_seconds() const {
        return heartbeat_interval_seconds * max_missed_heartbeats;
    }
    // A last chunk that did not change for this long is stuck.
    long long stuck_chunk_timeout_seconds() const { return chunk_seconds * max_missed_heartbeats; }
};

// One session found by a scan.
struct MissedHeartbeat {
    std::string session_id;
    std::string last_heartbeat;
    long long seconds_since = -1; // -1 when lastHeartbeat cannot be read
    std::optional<std::string> last_chunk;
};

struct ScanReport {
    size_t sessions_checked = 0; // active sessions looked at
    std::vector<MissedHeartbeat> missed;
};

// The scan's decision on a listing at `now`. Pure.
ScanReport scan_sessions(const std::vector<StoredSession>& sessions, std::time_t now,
                         const FailoverSettings& settings);

// The scans and the answers of /api/failover/*; owned by the controller.
class FailoverMonitor {
  public:
    // Uses `sessions`, which must outlive the monitor's work.
    FailoverMonitor(uv_loop_t* loop, SessionRepository& sessions, FailoverSettings settings);
    FailoverMonitor(const FailoverMonitor&) = delete;
    FailoverMonitor& operator=(const FailoverMonitor&) = delete;

    // When enabled, scans every check_interval_seconds and logs what it finds.
    void start();
    // Scans now; `done` gets the report or why the sessions could not be read.
    void check(std::function<void(Result<ScanReport>)> done);

    const FailoverSettings& settings() const { return m_settings; }
    // Sessions that missed their heartbeats at the last scan.
    uint64_t last_missed() const { return m_last_missed; }

    // GET /api/failover/status, at `now_ms` (epoch milliseconds).
    std::string status_json(long long now_ms) const;
    // GET /api/failover/backups.
    std::string backups_json(long long now_ms) const;
    // POST /api/failover/check, for `report`.
    std::string check_json(const ScanReport& report, long long now_ms) const;

    // Stops the periodic scan.
    void close();

  private:
    SessionRepository& m_sessions;
    FailoverSettings m_settings;
    UvHandle<uv_timer_t> m_timer;
    uint64_t m_last_missed = 0;
};

} // namespace ov2ha::ha
