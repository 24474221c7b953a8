// The controller's Prometheus metrics: HTTP requests by route and status code with a latency
// histogram, heartbeats, plus the figures other parts keep (sessions by state, webhook relays,
// Redis errors, cleanup), rendered in the Prometheus text format. Pure; loop thread only.
#pragma once

#include "core/ha/session.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ov2ha::ha {

// What the other parts report at scrape time.
struct MetricsFigures {
    // Sessions by status and by active flag; nullopt when Redis could not be read.
    std::optional<std::map<SessionStatus, uint64_t>> sessions_by_status;
    uint64_t active_sessions = 0;
    uint64_t inactive_sessions = 0;
    bool redis_up = false;
    uint64_t redis_errors = 0;
    uint64_t redis_connections_lost = 0;
    uint64_t webhook_events = 0;
    uint64_t webhook_relays_ok = 0;
    uint64_t webhook_relays_failed = 0;
    uint64_t webhook_relay_attempts = 0;
    uint64_t webhook_relays_pending = 0;
    uint64_t cleanup_removed = 0;
    uint64_t cleanup_kept_for_recovery = 0;
    uint64_t cleanup_chunks_deleted = 0;
    uint64_t missed_heartbeat_sessions = 0;
};

// The counters the HTTP server feeds through its observer; owned by the controller.
class Metrics {
  public:
    // Upper bounds of the latency histogram's buckets, in seconds (+Inf is implied).
    static constexpr std::array<double, 12> k_latency_buckets{
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};

    // One answered request; `route` is the matched pattern, empty when none matched.
    void observe_request(std::string_view method, std::string_view route, int status,
                         double milliseconds);
    // One heartbeat: for a known session or for one the store does not have.
    void count_heartbeat(bool known);

    // Everything, as text/plain; version=0.0.4.
    std::string render(const MetricsFigures& figures) const;

  private:
    struct Count {
        std::string method;
        int status = 0;
        uint64_t requests = 0;
    };
    // One route's figures; found without allocating once the route has been seen.
    struct RouteFigures {
        std::vector<Count> counts; // a handful per route: searched in order
        std::array<uint64_t, k_latency_buckets.size()> buckets{};
        uint64_t count = 0;
        double sum_seconds = 0;
    };

    std::map<std::string, RouteFigures, std::less<>> m_routes;
    uint64_t m_heartbeats = 0;
    uint64_t m_unknown_heartbeats = 0;
};

// A label value escaped for the text format (backslash, quote, newline).
std::string escape_label(std::string_view value);

} // namespace ov2ha::ha
