// The controller's REST API: the route table of DESIGN.md and a handler per route, turning
// requests into session store calls, webhook relays, cleanups and scans, and their outcomes
// into the JSON answers ov2-ha-recorder's clients expect. Loop thread only.
#pragma once

#include "core/base/result.hpp"
#include "core/ha/cleanup.hpp"
#include "core/ha/failover_monitor.hpp"
#include "core/ha/metrics.hpp"
#include "core/ha/session_repository.hpp"
#include "core/ha/webhook_event.hpp"
#include "core/ha/webhook_relay.hpp"
#include "core/http/server.hpp"
#include "core/store/redis_client.hpp"

#include <string_view>
#include <vector>

namespace ov2ha::ha {

// One route: method, pattern, and whether it wants the controller's Basic credentials.
struct RouteInfo {
    std::string_view method;
    std::string_view pattern;
    bool protected_route;
};

// Every route the API serves, in registration order.
std::vector<RouteInfo> controller_routes();

// The parts the handlers use; all must outlive the API (and the server it is installed on).
struct ApiParts {
    SessionRepository& sessions;
    SessionCleanup& cleanup;
    FailoverMonitor& failover;
    WebhookRelay& relay;
    Metrics& metrics;
    store::RedisClient& redis;
    IntakeAuth intake;
};

// The handlers of every route; owned by the controller, loop thread only.
class ControllerApi {
  public:
    // Handlers over `parts`; nothing is served before install().
    explicit ControllerApi(ApiParts parts) : m_parts(std::move(parts)) {}

    // Adds every route to `server`: protected routes ask for Basic credentials when
    // `credentials_required`, which the caller configures on the server. Also feeds the
    // metrics with each answered request.
    Status install(http::Server& server, bool credentials_required);

  private:
    friend struct RouteTable;
    using Handler = void (ControllerApi::*)(http::Request, http::Responder);

    // Handlers of routes whose path has {id} are called only once it is a valid session id;
    // install() answers 400 otherwise.

    void register_session(http::Request request, http::Responder responder);
    void list_active(http::Request request, http::Responder responder);
    void list_all(http::Request request, http::Responder responder);
    void list_inactive(http::Request request, http::Responder responder);
    void sessions_health(http::Request request, http::Responder responder);
    void run_cleanup(http::Request request, http::Responder responder);
    void get_session(http::Request request, http::Responder responder);
    void remove_session(http::Request request, http::Responder responder);
    void session_active(http::Request request, http::Responder responder);
    void heartbeat(http::Request request, http::Responder responder);
    void change_status(http::Request request, http::Responder responder);
    void change_recording_path(http::Request request, http::Responder responder);
    void deactivate(http::Request request, http::Responder responder);
    void stop(http::Request request, http::Responder responder);
    void actuator_health(http::Request request, http::Responder responder);
    void failover_status(http::Request request, http::Responder responder);
    void failover_check(http::Request request, http::Responder responder);
    void failover_backups(http::Request request, http::Responder responder);
    void stop_backup(http::Request request, http::Responder responder);
    void webhook_intake(http::Request request, http::Responder responder);
    void webhook_health(http::Request request, http::Responder responder);
    void webhook_status(http::Request request, http::Responder responder);
    void metrics(http::Request request, http::Responder responder);
    void openapi(http::Request request, http::Responder responder);

    enum class Listing { active, all, inactive };
    void list(Listing which, http::Request request, http::Responder responder);

    // The answer to a change: {message, sessionId, <field>: <value>, timestamp}.
    struct ChangeAnswer {
        std::string_view message;
        std::string_view field;
        std::string value;
    };
    // Applies `change`, stamped with the current heartbeat time, to the session in the path and
    // answers `answered` (or 404). `what` names the change in the log.
    void change_session(const http::Request& request, http::Responder responder,
                        SessionChange change, const ChangeAnswer& answered, std::string what);

    ApiParts m_parts;
    uint64_t m_webhook_events = 0;
};

} // namespace ov2ha::ha
