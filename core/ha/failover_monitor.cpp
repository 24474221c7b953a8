// Heartbeat scans and the failover answers; see failover_monitor.hpp.
#include "core/ha/failover_monitor.hpp"

#include "core/base/log.hpp"
#include "core/ha/json_body.hpp"

namespace ov2ha::ha {
namespace {

// Session ids named in one log line at most.
constexpr size_t k_logged_ids = 10;

} // namespace

ScanReport scan_sessions(const std::vector<StoredSession>& sessions, std::time_t now,
                         const FailoverSettings& settings) {
    ScanReport report;
    for (const StoredSession& stored : sessions) {
        const Session& session = stored.session;
        if (session.active) {
            ++report.sessions_checked;
        }
        if (!missed_heartbeat(session, now, settings.heartbeat_timeout_seconds())) {
            continue;
        }
        MissedHeartbeat missed;
        missed.session_id = session.session_id;
        missed.last_heartbeat = session.last_heartbeat;
        if (const auto last = parse_session_time(session.last_heartbeat)) {
            missed.seconds_since = static_cast<long long>(now - *last);
        }
        missed.last_chunk = session.last_chunk;
        report.missed.push_back(std::move(missed));
    }
    return report;
}

FailoverMonitor::FailoverMonitor(uv_loop_t* loop, SessionRepository& sessions,
                                 FailoverSettings settings)
    : m_sessions(sessions), m_settings(settings), m_timer(loop) {
    m_timer.get()->data = this;
}

void FailoverMonitor::start() {
    if (!m_settings.enabled) {
        return;
    }
    const auto every = static_cast<uint64_t>(m_settings.check_interval_seconds) * 1000;
    uv_timer_start(
        m_timer.get(),
        [](uv_timer_t* timer) {
            static_cast<FailoverMonitor*>(timer->data)->check([](Result<ScanReport> report) {
                if (!report) {
                    log::warn("failover scan skipped", {{"error", report.message()}});
                    return;
                }
                if (report->missed.empty()) {
                    return;
                }
                std::string ids;
                for (size_t i = 0; i < report->missed.size() && i < k_logged_ids; ++i) {
                    ids += (i ? "," : "") + report->missed[i].session_id;
                }
                log::warn("recorders missed their heartbeats",
                          {{"sessions", std::to_string(report->missed.size())}, {"ids", ids}});
            });
        },
        every, every);
}

void FailoverMonitor::check(std::function<void(Result<ScanReport>)> done) {
    m_sessions.list([this, done = std::move(done)](Result<std::vector<StoredSession>> listed) {
        if (!listed) {
            done(listed.error());
            return;
        }
        ScanReport report = scan_sessions(*listed, std::time(nullptr), m_settings);
        m_last_missed = report.missed.size();
        done(std::move(report));
    });
}

std::string FailoverMonitor::status_json(long long now_ms) const {
    JsonBody body;
    body.boolean("enabled", m_settings.enabled)
        .integer("heartbeatTimeoutSeconds", m_settings.heartbeat_timeout_seconds())
        .integer("stuckChunkTimeoutSeconds", m_settings.stuck_chunk_timeout_seconds())
        .integer("checkIntervalMs", m_settings.check_interval_seconds * 1000)
        .integer("activeBackupContainers", 0)
        .raw("backupContainerDetails", "{}")
        .boolean("dockerInitialized", false)
        .boolean("dockerInitializationFailed", false)
        .text("dockerStatus", "not initialized (no launcher in this version)")
        .integer("sessionsMissingHeartbeats", static_cast<long long>(m_last_missed))
        .text("timestamp", format_timestamp(now_ms));
    return body.finish();
}

std::string FailoverMonitor::backups_json(long long now_ms) const {
    JsonBody body;
    body.raw("activeBackupContainers", "{}")
        .integer("count", 0)
        .text("timestamp", format_timestamp(now_ms));
    return body.finish();
}

std::string FailoverMonitor::check_json(const ScanReport& report, long long now_ms) const {
    std::string missed = "[";
    for (const MissedHeartbeat& session : report.missed) {
        JsonBody item;
        item.text("sessionId", session.session_id)
            .text("lastHeartbeat", session.last_heartbeat)
            .integer("secondsSinceLastHeartbeat", session.seconds_since);
        if (session.last_chunk) {
            item.text("lastChunk", *session.last_chunk);
        } else {
            item.null("lastChunk");
        }
        if (missed.size() > 1) {
            missed += ',';
        }
        missed += item.finish();
    }
    missed += "]";
    JsonBody body;
    body.text("message", "Manual failover check completed")
        .text("timestamp", format_timestamp(now_ms))
        .integer("activeBackupContainers", 0)
        .boolean("dockerInitialized", false)
        .integer("sessionsChecked", static_cast<long long>(report.sessions_checked))
        .integer("heartbeatTimeoutSeconds", m_settings.heartbeat_timeout_seconds())
        .raw("missedHeartbeats", missed)
        .integer("backupsStarted", 0);
    return body.finish();
}

void FailoverMonitor::close() {
    m_timer.close();
}

} // namespace ov2ha::ha
