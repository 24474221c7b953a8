// The REST API's routes and handlers; see controller_api.hpp.
#include "core/ha/controller_api.hpp"

#include "core/base/log.hpp"
#include "core/ha/json_body.hpp"
#include "core/ha/openapi.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>

namespace ov2ha::ha {

using http::Request;
using http::Responder;
using http::Response;

struct RouteTable {
    struct Row {
        const char* method;
        const char* pattern;
        bool protected_route;
        ControllerApi::Handler handler;
    };

    static const std::vector<Row>& rows() {
        using A = ControllerApi;
        static const std::vector<Row> table = {
            {"POST", "/api/sessions", true, &A::register_session},
            {"GET", "/api/sessions", true, &A::list_active},
            {"GET", "/api/sessions/all", true, &A::list_all},
            {"GET", "/api/sessions/inactive", true, &A::list_inactive},
            {"GET", "/api/sessions/health", false, &A::sessions_health},
            {"POST", "/api/sessions/cleanup", true, &A::run_cleanup},
            {"GET", "/api/sessions/{id}", true, &A::get_session},
            {"DELETE", "/api/sessions/{id}", true, &A::remove_session},
            {"GET", "/api/sessions/{id}/active", true, &A::session_active},
            {"PUT", "/api/sessions/{id}/heartbeat", true, &A::heartbeat},
            {"PUT", "/api/sessions/{id}/status", true, &A::change_status},
            {"PUT", "/api/sessions/{id}/recording-path", true, &A::change_recording_path},
            {"PUT", "/api/sessions/{id}/deactivate", true, &A::deactivate},
            {"PUT", "/api/sessions/{id}/stop", true, &A::stop},
            {"GET", "/actuator/health", false, &A::actuator_health},
            {"GET", "/api/failover/status", true, &A::failover_status},
            {"POST", "/api/failover/check", true, &A::failover_check},
            {"GET", "/api/failover/backups", true, &A::failover_backups},
            {"DELETE", "/api/failover/backup/{id}", true, &A::stop_backup},
            {"DELETE", "/api/failover/backup/{id}/force", true, &A::stop_backup},
            {"POST", "/openvidu/webhook", false, &A::webhook_intake},
            {"PUT", "/openvidu/webhook", false, &A::webhook_intake},
            {"PATCH", "/openvidu/webhook", false, &A::webhook_intake},
            {"DELETE", "/openvidu/webhook", false, &A::webhook_intake},
            {"GET", "/openvidu/webhook", false, &A::webhook_health},
            {"GET", "/openvidu/webhook/status", false, &A::webhook_status},
            {"GET", "/metrics", true, &A::metrics},
            {"GET", "/openapi.json", false, &A::openapi},
        };
        return table;
    }
};

namespace {

constexpr std::string_view k_service = "recorder-ha-controller";

long long now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// The local-time texts of the current second, made once per second: converting to local time
// is a visible part of a heartbeat's cost. Loop thread only.
struct SecondTexts {
    long long second = -1;
    std::string session_time; // "yyyy-MM-dd HH:mm:ss"
    std::string timestamp;    // "yyyy-MM-ddTHH:mm:ss." without the milliseconds
};

const SecondTexts& current_second(long long epoch_ms) {
    static SecondTexts texts;
    if (epoch_ms / 1000 != texts.second) {
        texts.second = epoch_ms / 1000;
        texts.session_time = format_session_time(static_cast<std::time_t>(texts.second));
        const std::string full = format_timestamp(texts.second * 1000);
        texts.timestamp = full.substr(0, full.size() - 3);
    }
    return texts;
}

std::string timestamp() {
    const long long now = now_ms();
    const int millis = static_cast<int>(now % 1000);
    std::string text = current_second(now).timestamp;
    text += static_cast<char>('0' + millis / 100);
    text += static_cast<char>('0' + millis / 10 % 10);
    text += static_cast<char>('0' + millis % 10);
    return text;
}

std::string session_time_now() {
    return current_second(now_ms()).session_time;
}

void answer(const Responder& responder, int status, std::string body) {
    responder.send(Response::json(status, std::move(body)));
}

// Redis (or the bucket) could not do what the request needs: 503 with its words.
void unavailable(const Responder& responder, const Request& request, const std::string& why) {
    log::warn("request not served", {{"request", request.id},
                                     {"method", request.method},
                                     {"path", request.path},
                                     {"error", why}});
    responder.send(Response::error(503, why));
}

void not_found(const Responder& responder, const std::string& id) {
    responder.send(Response::error(404, "session " + id + " not found"));
}

// Whether the {id} of the path is a valid session id; otherwise answers 400.
bool valid_session_id(const Request& request, const Responder& responder) {
    const auto found = request.params.find("id");
    if (found == request.params.end()) {
        responder.send(Response::error(400, "the path names no session"));
        return false;
    }
    if (auto checked = check_session_id(found->second); !checked) {
        responder.send(Response::error(400, checked.message()));
        return false;
    }
    return true;
}

// Whether what a store call gave back says the session exists.
bool session_exists(bool found) {
    return found;
}
bool session_exists(const std::optional<Session>& found) {
    return found.has_value();
}
bool session_exists(const RemovalReport& report) {
    return report.removed;
}

// Whether a store call on the session in the path found it; otherwise answers 503 with the
// store's words when the call failed, or 404 when there is no such session.
template <class Outcome>
bool session_found(const Responder& responder, const Request& request,
                   const Result<Outcome>& outcome) {
    if (!outcome) {
        unavailable(responder, request, outcome.message());
        return false;
    }
    if (!session_exists(*outcome)) {
        not_found(responder, request.params.at("id"));
        return false;
    }
    return true;
}

// The sessions as a JSON array, oldest first.
std::string sessions_array(std::vector<const Session*> sessions) {
    std::sort(sessions.begin(), sessions.end(), [](const Session* a, const Session* b) {
        return std::tie(a->created_at, a->session_id) < std::tie(b->created_at, b->session_id);
    });
    std::string array = "[";
    for (const Session* session : sessions) {
        if (array.size() > 1) {
            array += ',';
        }
        array += session_json(*session);
    }
    array += ']';
    return array;
}

} // namespace

std::vector<RouteInfo> controller_routes() {
    std::vector<RouteInfo> routes;
    for (const auto& row : RouteTable::rows()) {
        routes.push_back({row.method, row.pattern, row.protected_route});
    }
    return routes;
}

Status ControllerApi::install(http::Server& server, bool credentials_required) {
    for (const auto& row : RouteTable::rows()) {
        const auto auth =
            row.protected_route && credentials_required ? http::Auth::basic : http::Auth::none;
        const bool names_session =
            std::string_view(row.pattern).find("{id}") != std::string_view::npos;
        auto added = server.add_route(
            row.method, row.pattern, auth,
            [this, handler = row.handler, names_session](Request request, Responder responder) {
                if (names_session && !valid_session_id(request, responder)) {
                    return;
                }
                (this->*handler)(std::move(request), std::move(responder));
            });
        if (!added) {
            return failure(std::string("cannot add route ") + row.method + " " + row.pattern +
                           ": " + added.message());
        }
    }
    server.set_observer([this](const http::RequestRecord& record) {
        m_parts.metrics.observe_request(record.method, record.route, record.status,
                                        record.milliseconds);
    });
    return success();
}

void ControllerApi::register_session(Request request, Responder responder) {
    auto session = registration_from_body(request.body, session_time_now());
    if (!session) {
        responder.send(Response::error(400, session.message()));
        return;
    }
    m_parts.sessions.create(*session, [responder, request = std::move(request),
                                       session = *session](Result<bool> created) {
        if (!created) {
            unavailable(responder, request, created.message());
            return;
        }
        if (!*created) {
            responder.send(
                Response::error(400, "Session with ID " + session.session_id + " already exists"));
            return;
        }
        log::info("session registered", {{"request", request.id},
                                         {"session", session.session_id},
                                         {"client", session.client_id}});
        answer(responder, 201, session_json(session));
    });
}

void ControllerApi::list_active(Request request, Responder responder) {
    list(Listing::active, std::move(request), std::move(responder));
}

void ControllerApi::list_all(Request request, Responder responder) {
    list(Listing::all, std::move(request), std::move(responder));
}

void ControllerApi::list_inactive(Request request, Responder responder) {
    list(Listing::inactive, std::move(request), std::move(responder));
}

void ControllerApi::list(Listing which, Request request, Responder responder) {
    m_parts.sessions.list([which, responder, request = std::move(request)](
                              Result<std::vector<StoredSession>> listed) {
        if (!listed) {
            unavailable(responder, request, listed.message());
            return;
        }
        std::vector<const Session*> chosen;
        size_t active = 0;
        for (const StoredSession& stored : *listed) {
            const bool is_active = stored.session.active;
            active += is_active ? 1 : 0;
            if (which == Listing::all || (which == Listing::active) == is_active) {
                chosen.push_back(&stored.session);
            }
        }
        JsonBody body;
        const size_t count = chosen.size();
        body.raw("sessions", sessions_array(std::move(chosen)));
        if (which == Listing::all) {
            body.integer("totalCount", static_cast<long long>(listed->size()))
                .integer("activeCount", static_cast<long long>(active))
                .integer("inactiveCount", static_cast<long long>(listed->size() - active));
        } else {
            body.integer("count", static_cast<long long>(count));
        }
        body.text("timestamp", timestamp())
            .text("type", which == Listing::all      ? "all"
                          : which == Listing::active ? "active"
                                                     : "inactive");
        answer(responder, 200, body.finish());
    });
}

void ControllerApi::sessions_health(Request, Responder responder) {
    m_parts.sessions.list([this, responder](Result<std::vector<StoredSession>> listed) {
        JsonBody body;
        if (!listed) {
            body.text("status", "unhealthy")
                .text("service", k_service)
                .text("error", listed.message())
                .text("timestamp", timestamp());
            answer(responder, 503, body.finish());
            return;
        }
        const auto active = static_cast<long long>(
            std::count_if(listed->begin(), listed->end(),
                          [](const StoredSession& stored) { return stored.session.active; }));
        const auto total = static_cast<long long>(listed->size());
        body.text("status", "healthy")
            .text("service", k_service)
            .integer("activeSessions", active)
            .integer("totalSessions", total)
            .integer("inactiveSessions", total - active)
            .text("s3CleanupInfo", m_parts.cleanup.info())
            .text("timestamp", timestamp());
        answer(responder, 200, body.finish());
    });
}

void ControllerApi::run_cleanup(Request request, Responder responder) {
    m_parts.cleanup.run([responder, request = std::move(request)](Result<size_t> removed) {
        if (!removed) {
            unavailable(responder, request, removed.message());
            return;
        }
        log::info("manual cleanup",
                  {{"request", request.id}, {"removed", std::to_string(*removed)}});
        JsonBody body;
        body.text("message", "Manual cleanup completed")
            .integer("removedSessions", static_cast<long long>(*removed))
            .text("timestamp", timestamp());
        answer(responder, 200, body.finish());
    });
}

void ControllerApi::get_session(Request request, Responder responder) {
    const std::string& id = request.params.at("id");
    m_parts.sessions.get(id, [responder, request](Result<std::optional<Session>> found) {
        if (session_found(responder, request, found)) {
            answer(responder, 200, session_json(**found));
        }
    });
}

void ControllerApi::remove_session(Request request, Responder responder) {
    const std::string& id = request.params.at("id");
    m_parts.cleanup.remove(id, [responder, request](Result<RemovalReport> report) {
        if (!session_found(responder, request, report)) {
            return;
        }
        JsonBody body;
        body.text("message", "Session removed")
            .text("sessionId", request.params.at("id"))
            .integer("chunksDeleted", static_cast<long long>(report->chunks_deleted))
            .boolean("keptForRecovery", report->kept_for_recovery)
            .text("timestamp", timestamp());
        answer(responder, 200, body.finish());
    });
}

void ControllerApi::session_active(Request request, Responder responder) {
    const std::string& id = request.params.at("id");
    m_parts.sessions.get(id, [responder, request](Result<std::optional<Session>> found) {
        if (!found) {
            unavailable(responder, request, found.message());
            return;
        }
        JsonBody body;
        body.text("sessionId", request.params.at("id"))
            .boolean("active", found->has_value() && (*found)->active)
            .text("timestamp", timestamp());
        answer(responder, 200, body.finish());
    });
}

void ControllerApi::change_session(const Request& request, Responder responder,
                                   SessionChange change, const ChangeAnswer& answered,
                                   std::string what) {
    const std::string& id = request.params.at("id");
    change.last_heartbeat = session_time_now();
    JsonBody body;
    body.text("message", answered.message)
        .text("sessionId", id)
        .text(answered.field, answered.value)
        .text("timestamp", timestamp());
    m_parts.sessions.change(
        id, change,
        [responder, request, body = body.finish(), what = std::move(what)](Result<bool> found) {
            if (!session_found(responder, request, found)) {
                return;
            }
            log::info("session " + what,
                      {{"request", request.id}, {"session", request.params.at("id")}});
            answer(responder, 200, body);
        });
}

void ControllerApi::heartbeat(Request request, Responder responder) {
    auto chunk = heartbeat_chunk_from_body(request.body);
    if (!chunk) {
        responder.send(Response::error(400, chunk.message()));
        return;
    }
    const std::string id = request.params.at("id"); // `request` moves into the callback below
    JsonBody body;
    body.text("message", "Heartbeat updated").text("sessionId", id).text("timestamp", timestamp());
    if (*chunk) {
        body.text("lastChunk", **chunk);
    }
    m_parts.sessions.heartbeat(
        id, session_time_now(), *chunk,
        [this, responder, request = std::move(request), body = body.finish()](Result<bool> found) {
            if (found) {
                m_parts.metrics.count_heartbeat(*found);
            }
            if (session_found(responder, request, found)) {
                answer(responder, 200, body);
            }
        });
}

void ControllerApi::change_status(Request request, Responder responder) {
    auto status = status_from_body(request.body);
    if (!status) {
        responder.send(Response::error(400, status.message()));
        return;
    }
    SessionChange change;
    change.status = *status;
    const std::string word(status_word(*status));
    change_session(request, std::move(responder), std::move(change),
                   {"Session status updated", "status", word}, "status changed to " + word);
}

void ControllerApi::change_recording_path(Request request, Responder responder) {
    auto path = recording_path_from_body(request.body);
    if (!path) {
        responder.send(Response::error(400, path.message()));
        return;
    }
    SessionChange change;
    change.recording_path = *path;
    change_session(request, std::move(responder), std::move(change),
                   {"Recording path updated", "recordingPath", *path}, "recording path updated");
}

void ControllerApi::deactivate(Request request, Responder responder) {
    SessionChange change;
    change.status = SessionStatus::inactive;
    change_session(request, std::move(responder), std::move(change),
                   {"Session deactivated", "status", "INACTIVE"}, "deactivated");
}

void ControllerApi::stop(Request request, Responder responder) {
    // STOPPING then COMPLETED at once, as ov2-ha-recorder does: the net change is COMPLETED.
    SessionChange change;
    change.status = SessionStatus::completed;
    change_session(request, std::move(responder), std::move(change),
                   {"Session stopped", "status", "COMPLETED"}, "stopped");
}

void ControllerApi::actuator_health(Request, Responder responder) {
    JsonBody body;
    if (m_parts.redis.connected()) {
        body.text("status", "UP");
        answer(responder, 200, body.finish());
        return;
    }
    body.text("status", "DOWN").text("error", m_parts.redis.unavailable_text());
    answer(responder, 503, body.finish());
}

void ControllerApi::failover_status(Request, Responder responder) {
    answer(responder, 200, m_parts.failover.status_json(now_ms()));
}

void ControllerApi::failover_check(Request request, Responder responder) {
    if (!m_parts.failover.settings().enabled) {
        JsonBody body;
        body.text("error", "Failover is disabled").text("timestamp", timestamp());
        answer(responder, 200, body.finish());
        return;
    }
    m_parts.failover.check(
        [this, responder, request = std::move(request)](Result<ScanReport> report) {
            if (!report) {
                unavailable(responder, request, report.message());
                return;
            }
            log::info("manual failover check",
                      {{"request", request.id},
                       {"checked", std::to_string(report->sessions_checked)},
                       {"missed_heartbeats", std::to_string(report->missed.size())}});
            answer(responder, 200, m_parts.failover.check_json(*report, now_ms()));
        });
}

void ControllerApi::failover_backups(Request, Responder responder) {
    answer(responder, 200, m_parts.failover.backups_json(now_ms()));
}

void ControllerApi::stop_backup(Request request, Responder responder) {
    responder.send(
        Response::error(404, "no backup container runs for session " + request.params.at("id")));
}

void ControllerApi::webhook_intake(Request request, Responder responder) {
    const auto started = std::chrono::steady_clock::now();
    if (!intake_allowed(m_parts.intake, request.headers)) {
        responder.send(Response::error(401, "webhook credentials missing or wrong"));
        return;
    }
    const WebhookEvent event = parse_webhook_event(request.body);
    const std::string* content_type = request.headers.find("content-type");
    m_parts.relay.relay(request.body, content_type ? *content_type : "", event.session_id);
    ++m_webhook_events;
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    JsonBody body;
    body.text("status", "received")
        .text("message", m_parts.relay.enabled() ? "Webhook received and relay initiated"
                                                 : "Webhook received; relay disabled")
        .text("timestamp", timestamp())
        .integer("processingTimeMs", elapsed.count());
    answer(responder, 200, body.finish());

    if (!event.json_object) {
        log::warn("webhook body is not a JSON object", {{"request", request.id}});
        return;
    }
    // Recording events at info level; the many participant and connection events at debug.
    log::write(event.event == "recordingStatusChanged" ? log::Level::info : log::Level::debug,
               "webhook event",
               {{"request", request.id},
                {"event", event.event},
                {"session", event.session_id},
                {"id", event.id},
                {"status", event.status}});
    if (!marks_session_inactive(event)) {
        return;
    }
    if (auto checked = check_session_id(event.id); !checked) {
        log::warn("webhook names an invalid recording id",
                  {{"request", request.id}, {"error", checked.message()}});
        return;
    }
    SessionChange change;
    change.last_heartbeat = session_time_now();
    change.active = false;
    m_parts.sessions.change(
        event.id, change, [id = event.id, request_id = request.id](Result<bool> found) {
            if (!found) {
                log::warn("webhook stop not recorded",
                          {{"request", request_id}, {"session", id}, {"error", found.message()}});
            } else if (!*found) {
                log::warn("webhook stop for an unknown session",
                          {{"request", request_id}, {"session", id}});
            } else {
                log::info("session inactive: OpenVidu stopped its recording",
                          {{"request", request_id}, {"session", id}});
            }
        });
}

void ControllerApi::webhook_health(Request, Responder responder) {
    JsonBody relay;
    m_parts.relay.write_status(relay);
    JsonBody body;
    body.text("status", "healthy")
        .text("endpoint", "/openvidu/webhook")
        .text("message", "OpenVidu webhook relay endpoint is operational")
        .text("timestamp", timestamp())
        .raw("relayStatus", relay.finish());
    answer(responder, 200, body.finish());
}

void ControllerApi::webhook_status(Request, Responder responder) {
    JsonBody body;
    m_parts.relay.write_status(body);
    body.text("endpoint", "/openvidu/webhook").text("timestamp", timestamp());
    answer(responder, 200, body.finish());
}

void ControllerApi::metrics(Request, Responder responder) {
    m_parts.sessions.list([this, responder](Result<std::vector<StoredSession>> listed) {
        MetricsFigures figures;
        if (listed) {
            std::map<SessionStatus, uint64_t> by_status;
            for (const StoredSession& stored : *listed) {
                ++by_status[stored.session.status];
                ++(stored.session.active ? figures.active_sessions : figures.inactive_sessions);
            }
            figures.sessions_by_status = std::move(by_status);
        }
        const store::RedisClient& redis = m_parts.redis;
        figures.redis_up = redis.connected();
        figures.redis_errors = redis.errors();
        figures.redis_connections_lost = redis.connections_lost();
        const RelayCounts& relay = m_parts.relay.counts();
        figures.webhook_events = m_webhook_events;
        figures.webhook_relays_ok = relay.successful;
        figures.webhook_relays_failed = relay.failed;
        figures.webhook_relay_attempts = relay.attempts;
        figures.webhook_relays_pending = relay.pending;
        const CleanupCounts& cleanup = m_parts.cleanup.counts();
        figures.cleanup_removed = cleanup.removed;
        figures.cleanup_kept_for_recovery = cleanup.kept_for_recovery;
        figures.cleanup_chunks_deleted = cleanup.chunks_deleted;
        figures.missed_heartbeat_sessions = m_parts.failover.last_missed();
        Response response;
        response.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        response.body = m_parts.metrics.render(figures);
        responder.send(std::move(response));
    });
}

void ControllerApi::openapi(Request, Responder responder) {
    answer(responder, 200, std::string(openapi_document()));
}

} // namespace ov2ha::ha
