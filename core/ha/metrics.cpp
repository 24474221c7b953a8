// Prometheus text rendering; see metrics.hpp.
#include "core/ha/metrics.hpp"

#include <algorithm>
#include <cstdio>
#include <tuple>

namespace ov2ha::ha {
namespace {

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", value);
    return text;
}

void header(std::string& out, const char* name, const char* type, const char* help) {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
}

void sample(std::string& out, const char* name, uint64_t value) {
    out += name;
    out += ' ';
    out += std::to_string(value);
    out += '\n';
}

// One sample with one label: name{label="value"} number.
void labelled(std::string& out, const char* name, const char* label, std::string_view value,
              uint64_t number) {
    out += name;
    out += '{';
    out += label;
    out += "=\"";
    out += value;
    out += "\"} ";
    out += std::to_string(number);
    out += '\n';
}

void single(std::string& out, const char* name, const char* type, const char* help,
            uint64_t value) {
    header(out, name, type, help);
    sample(out, name, value);
}

std::string route_label(const std::string& route) {
    return route.empty() ? "unmatched" : route;
}

} // namespace

std::string escape_label(std::string_view value) {
    std::string escaped;
    escaped.reserve(value.size());
    for (char c : value) {
        if (c == '\\') {
            escaped += "\\\\";
        } else if (c == '"') {
            escaped += "\\\"";
        } else if (c == '\n') {
            escaped += "\\n";
        } else {
            escaped += c;
        }
    }
    return escaped;
}

void Metrics::observe_request(std::string_view method, std::string_view route, int status,
                              double milliseconds) {
    auto found = m_routes.find(route);
    if (found == m_routes.end()) {
        found = m_routes.emplace(std::string(route), RouteFigures{}).first;
    }
    RouteFigures& figures = found->second;
    auto count = std::find_if(figures.counts.begin(), figures.counts.end(), [&](const Count& c) {
        return c.status == status && c.method == method;
    });
    if (count == figures.counts.end()) {
        figures.counts.push_back({std::string(method), status, 0});
        count = figures.counts.end() - 1;
    }
    ++count->requests;
    const double seconds = milliseconds / 1000.0;
    for (size_t i = 0; i < k_latency_buckets.size(); ++i) {
        if (seconds <= k_latency_buckets[i]) {
            ++figures.buckets[i];
        }
    }
    ++figures.count;
    figures.sum_seconds += seconds;
}

void Metrics::count_heartbeat(bool known) {
    ++(known ? m_heartbeats : m_unknown_heartbeats);
}

std::string Metrics::render(const MetricsFigures& figures) const {
    std::string out;
    header(out, "ov2ha_http_requests_total", "counter",
           "HTTP requests answered, by route pattern, method and status code.");
    for (const auto& [route, figures] : m_routes) {
        std::vector<Count> counts = figures.counts;
        std::sort(counts.begin(), counts.end(), [](const Count& a, const Count& b) {
            return std::tie(a.method, a.status) < std::tie(b.method, b.status);
        });
        for (const Count& count : counts) {
            out += "ov2ha_http_requests_total{route=\"" + escape_label(route_label(route)) +
                   "\",method=\"" + escape_label(count.method) + "\",code=\"" +
                   std::to_string(count.status) + "\"} " + std::to_string(count.requests) + "\n";
        }
    }
    header(out, "ov2ha_http_request_duration_seconds", "histogram",
           "Time from a request's first byte to its answer being queued, by route pattern.");
    for (const auto& [route, figures] : m_routes) {
        const std::string label = "route=\"" + escape_label(route_label(route)) + "\"";
        for (size_t i = 0; i < k_latency_buckets.size(); ++i) {
            out += "ov2ha_http_request_duration_seconds_bucket{" + label + ",le=\"" +
                   number(k_latency_buckets[i]) + "\"} " + std::to_string(figures.buckets[i]) +
                   "\n";
        }
        out += "ov2ha_http_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " +
               std::to_string(figures.count) + "\n";
        out += "ov2ha_http_request_duration_seconds_sum{" + label + "} " +
               number(figures.sum_seconds) + "\n";
        out += "ov2ha_http_request_duration_seconds_count{" + label + "} " +
               std::to_string(figures.count) + "\n";
    }

    header(out, "ov2ha_heartbeats_total", "counter",
           "Recorder heartbeats received, by whether the session was known.");
    labelled(out, "ov2ha_heartbeats_total", "session", "known", m_heartbeats);
    labelled(out, "ov2ha_heartbeats_total", "session", "unknown", m_unknown_heartbeats);

    if (figures.sessions_by_status) {
        header(out, "ov2ha_sessions", "gauge", "Sessions in Redis, by status.");
        for (SessionStatus status : k_all_statuses) {
            const auto found = figures.sessions_by_status->find(status);
            labelled(out, "ov2ha_sessions", "status", status_word(status),
                     found == figures.sessions_by_status->end() ? 0 : found->second);
        }
        header(out, "ov2ha_sessions_by_activity", "gauge",
               "Sessions in Redis, active (STARTING, RECORDING) or not.");
        labelled(out, "ov2ha_sessions_by_activity", "active", "true", figures.active_sessions);
        labelled(out, "ov2ha_sessions_by_activity", "active", "false", figures.inactive_sessions);
    }
    single(out, "ov2ha_failover_missed_heartbeat_sessions", "gauge",
           "Active sessions whose recorder missed its heartbeats at the last failover scan.",
           figures.missed_heartbeat_sessions);

    single(out, "ov2ha_webhook_events_total", "counter", "OpenVidu webhook events received.",
           figures.webhook_events);
    header(out, "ov2ha_webhook_relays_total", "counter",
           "Webhook events relayed, by outcome after every retry.");
    labelled(out, "ov2ha_webhook_relays_total", "outcome", "ok", figures.webhook_relays_ok);
    labelled(out, "ov2ha_webhook_relays_total", "outcome", "failed", figures.webhook_relays_failed);
    single(out, "ov2ha_webhook_relay_attempts_total", "counter",
           "HTTP requests sent to the relay endpoint, retries included.",
           figures.webhook_relay_attempts);
    single(out, "ov2ha_webhook_relays_pending", "gauge",
           "Webhook events waiting to be relayed or being relayed.",
           figures.webhook_relays_pending);

    single(out, "ov2ha_redis_up", "gauge", "1 while the connection to Redis is up.",
           figures.redis_up ? 1 : 0);
    single(out, "ov2ha_redis_errors_total", "counter",
           "Redis commands that failed and connections that were lost or refused.",
           figures.redis_errors);
    single(out, "ov2ha_redis_connections_lost_total", "counter",
           "Established Redis connections that were lost.", figures.redis_connections_lost);

    single(out, "ov2ha_cleanup_removed_sessions_total", "counter",
           "Sessions removed by the cleanup or by DELETE.", figures.cleanup_removed);
    single(out, "ov2ha_cleanup_kept_for_recovery_total", "counter",
           "Removed sessions whose chunks stayed in the bucket: no final recording was found.",
           figures.cleanup_kept_for_recovery);
    single(out, "ov2ha_cleanup_deleted_chunks_total", "counter",
           "Chunk objects deleted from the bucket.", figures.cleanup_chunks_deleted);
    return out;
}

} // namespace ov2ha::ha
