// The controller's pure parts: webhook events and intake checks, relay decisions and backoff,
// the failover scan, the Prometheus text, the store merge, and the OpenAPI document against the
// route table.
#include "core/ha/controller_api.hpp"
#include "core/ha/failover_monitor.hpp"
#include "core/ha/json_body.hpp"
#include "core/ha/metrics.hpp"
#include "core/ha/openapi.hpp"
#include "core/ha/session_repository.hpp"
#include "core/ha/webhook_event.hpp"
#include "core/ha/webhook_relay.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace ov2ha::ha {
namespace {

using namespace std::chrono_literals;

TEST(JsonBody, WritesValidJsonWithEscapes) {
    JsonBody inner;
    inner.integer("n", -42);
    const std::string tricky = "q\"b\\n\nt\tc\x01/";
    JsonBody body;
    const std::string text = body.text("plain", "abc")
                                 .text("tricky", tricky)
                                 .integer("big", 1'234'567'890'123LL)
                                 .real("rate", 75)
                                 .real("half", 0.5)
                                 .boolean("yes", true)
                                 .null("none")
                                 .raw("inner", inner.finish())
                                 .finish();
    EXPECT_EQ(text, R"({"plain":"abc","tricky":"q\"b\\n\nt\tc\u0001/","big":1234567890123,)"
                    R"("rate":75.0,"half":0.5,"yes":true,"none":null,"inner":{"n":-42}})");
    rapidjson::Document parsed;
    parsed.Parse(text.c_str());
    ASSERT_FALSE(parsed.HasParseError());
    EXPECT_EQ(parsed["tricky"].GetString(), tricky);
    EXPECT_TRUE(parsed["rate"].IsDouble());
    EXPECT_EQ(JsonBody().finish(), "{}");
}

TEST(WebhookEvent, ReadsTheFieldsTheControllerUses) {
    const auto event = parse_webhook_event(
        R"({"event":"recordingStatusChanged","sessionId":"ses_A","id":"ses_A~1",)"
        R"("status":"stopped","reason":"recordingStoppedByServer","size":12})");
    EXPECT_TRUE(event.json_object);
    EXPECT_EQ(event.event, "recordingStatusChanged");
    EXPECT_EQ(event.session_id, "ses_A");
    EXPECT_EQ(event.id, "ses_A~1");
    EXPECT_TRUE(marks_session_inactive(event));

    WebhookEvent started = event;
    started.status = "started";
    EXPECT_FALSE(marks_session_inactive(started));
    WebhookEvent other = event;
    other.event = "sessionDestroyed";
    EXPECT_FALSE(marks_session_inactive(other));
    WebhookEvent no_id = event;
    no_id.id.clear();
    EXPECT_FALSE(marks_session_inactive(no_id));
    EXPECT_FALSE(parse_webhook_event("not json").json_object);
    EXPECT_FALSE(parse_webhook_event(R"(["a"])").json_object);
    EXPECT_EQ(parse_webhook_event(R"({"sessionId":5})").session_id, "");
}

TEST(WebhookEvent, IntakeAcceptsTheSecretOrTheCredentials) {
    http::Headers none;
    EXPECT_TRUE(intake_allowed({}, none));

    IntakeAuth secret{"s3cr3t", std::nullopt};
    EXPECT_FALSE(intake_allowed(secret, none));
    http::Headers header;
    header.add("X-Webhook-Secret", "s3cr3t");
    EXPECT_TRUE(intake_allowed(secret, header));
    http::Headers wrong;
    wrong.add("x-webhook-secret", "s3cr3");
    EXPECT_FALSE(intake_allowed(secret, wrong));
    http::Headers bearer;
    bearer.add("Authorization", "bearer s3cr3t");
    EXPECT_TRUE(intake_allowed(secret, bearer));

    IntakeAuth basic{"", http::BasicAuth("rec", "pw")};
    http::Headers credentials;
    credentials.add("Authorization", "Basic cmVjOnB3"); // rec:pw
    EXPECT_TRUE(intake_allowed(basic, credentials));
    EXPECT_FALSE(intake_allowed(basic, bearer));
    IntakeAuth both{"s3cr3t", http::BasicAuth("rec", "pw")};
    EXPECT_TRUE(intake_allowed(both, credentials));
    EXPECT_TRUE(intake_allowed(both, header));
    EXPECT_FALSE(intake_allowed(both, none));
}

TEST(WebhookRelay, RetriesOnlyWhatRetryingCanFix) {
    EXPECT_EQ(judge_attempt(200, TransportProblem::none), AttemptOutcome::delivered);
    EXPECT_EQ(judge_attempt(204, TransportProblem::none), AttemptOutcome::delivered);
    EXPECT_EQ(judge_attempt(500, TransportProblem::none), AttemptOutcome::retry);
    EXPECT_EQ(judge_attempt(503, TransportProblem::none), AttemptOutcome::retry);
    EXPECT_EQ(judge_attempt(0, TransportProblem::retryable), AttemptOutcome::retry);
    for (long status : {400L, 401L, 404L, 408L, 429L, 301L}) {
        EXPECT_EQ(judge_attempt(status, TransportProblem::none), AttemptOutcome::give_up) << status;
    }
    EXPECT_EQ(judge_attempt(0, TransportProblem::final), AttemptOutcome::give_up);
}

TEST(WebhookRelay, BackoffDoublesUpToTenTimesTheDelay) {
    RelaySettings settings;
    settings.retry_delay = 100ms;
    EXPECT_EQ(backoff_delay(settings, 1), 100ms);
    EXPECT_EQ(backoff_delay(settings, 2), 200ms);
    EXPECT_EQ(backoff_delay(settings, 3), 400ms);
    EXPECT_EQ(backoff_delay(settings, 4), 800ms);
    EXPECT_EQ(backoff_delay(settings, 5), 1000ms);
    EXPECT_EQ(backoff_delay(settings, 40), 1000ms);
}

StoredSession stored(const std::string& id, bool active, const std::string& heartbeat,
                     std::optional<std::string> chunk = std::nullopt) {
    StoredSession result;
    result.session.session_id = id;
    result.session.active = active;
    result.session.last_heartbeat = heartbeat;
    result.session.last_chunk = std::move(chunk);
    return result;
}

TEST(FailoverScan, FindsActiveSessionsPastTheHeartbeatTimeout) {
    FailoverSettings settings;
    settings.heartbeat_interval_seconds = 10;
    settings.max_missed_heartbeats = 3;
    settings.chunk_seconds = 5;
    EXPECT_EQ(settings.heartbeat_timeout_seconds(), 30);
    EXPECT_EQ(settings.stuck_chunk_timeout_seconds(), 15);
    const std::time_t now = *parse_session_time("2025-05-05 12:00:00");
    const std::vector<StoredSession> sessions{
        stored("fresh", true, "2025-05-05 11:59:45"),
        stored("late", true, "2025-05-05 11:59:00", "0004.mp4"),
        stored("finished", false, "2025-05-05 10:00:00"),
        stored("unreadable", true, "yesterday"),
    };
    const ScanReport report = scan_sessions(sessions, now, settings);
    EXPECT_EQ(report.sessions_checked, 3u);
    ASSERT_EQ(report.missed.size(), 2u);
    EXPECT_EQ(report.missed[0].session_id, "late");
    EXPECT_EQ(report.missed[0].seconds_since, 60);
    EXPECT_EQ(report.missed[0].last_chunk, "0004.mp4");
    EXPECT_EQ(report.missed[1].session_id, "unreadable");
    EXPECT_EQ(report.missed[1].seconds_since, -1);
}

TEST(Metrics, RendersThePrometheusTextFormat) {
    Metrics metrics;
    metrics.observe_request("PUT", "/api/sessions/{id}/heartbeat", 200, 0.8);
    metrics.observe_request("PUT", "/api/sessions/{id}/heartbeat", 200, 3);
    metrics.observe_request("PUT", "/api/sessions/{id}/heartbeat", 404, 0.2);
    metrics.observe_request("GET", "", 404, 0.1);
    metrics.count_heartbeat(true);
    metrics.count_heartbeat(false);
    MetricsFigures figures;
    figures.sessions_by_status = std::map<SessionStatus, uint64_t>{{SessionStatus::recording, 2}};
    figures.active_sessions = 2;
    figures.redis_up = true;
    figures.redis_errors = 4;
    figures.webhook_relays_ok = 5;
    figures.webhook_relays_failed = 1;
    const std::string text = metrics.render(figures);
    for (const char* line :
         {"ov2ha_http_requests_total{route=\"/api/sessions/{id}/heartbeat\",method=\"PUT\","
          "code=\"200\"} 2\n",
          "ov2ha_http_requests_total{route=\"/api/sessions/{id}/heartbeat\",method=\"PUT\","
          "code=\"404\"} 1\n",
          "ov2ha_http_requests_total{route=\"unmatched\",method=\"GET\",code=\"404\"} 1\n",
          "ov2ha_http_request_duration_seconds_bucket{route=\"/api/sessions/{id}/heartbeat\","
          "le=\"0.001\"} 2\n",
          "ov2ha_http_request_duration_seconds_bucket{route=\"/api/sessions/{id}/heartbeat\","
          "le=\"0.005\"} 3\n",
          "ov2ha_http_request_duration_seconds_bucket{route=\"/api/sessions/{id}/heartbeat\","
          "le=\"+Inf\"} 3\n",
          "ov2ha_http_request_duration_seconds_count{route=\"/api/sessions/{id}/heartbeat\"} 3\n",
          "ov2ha_heartbeats_total{session=\"known\"} 1\n",
          "ov2ha_heartbeats_total{session=\"unknown\"} 1\n",
          "ov2ha_sessions{status=\"RECORDING\"} 2\n", "ov2ha_sessions{status=\"FAILED\"} 0\n",
          "ov2ha_sessions_by_activity{active=\"true\"} 2\n", "ov2ha_redis_up 1\n",
          "ov2ha_redis_errors_total 4\n", "ov2ha_webhook_relays_total{outcome=\"ok\"} 5\n",
          "ov2ha_webhook_relays_total{outcome=\"failed\"} 1\n",
          "# TYPE ov2ha_http_request_duration_seconds histogram\n"}) {
        EXPECT_NE(text.find(line), std::string::npos) << line << "\n---\n" << text;
    }
    MetricsFigures redis_down;
    EXPECT_EQ(metrics.render(redis_down).find("ov2ha_sessions{"), std::string::npos);
    EXPECT_EQ(escape_label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

TEST(SessionRecord, TheNewerHeartbeatWins) {
    Session session;
    session.session_id = "m";
    session.client_id = "c";
    session.last_heartbeat = "2025-05-05 12:00:00";
    session.last_chunk = "0001.mp4";
    store::SessionRecord record;
    record.json = session_json(session);
    store::split_heartbeat("2025-05-05 12:00:30|0004.mp4", record);
    auto merged = session_from_record(record);
    ASSERT_TRUE(merged) << merged.message();
    EXPECT_EQ(merged->last_heartbeat, "2025-05-05 12:00:30");
    EXPECT_EQ(merged->last_chunk, "0004.mp4");
    store::split_heartbeat("2025-05-05 11:00:00|", record);
    merged = session_from_record(record);
    EXPECT_EQ(merged->last_heartbeat, "2025-05-05 12:00:00");
    EXPECT_EQ(merged->last_chunk, "0001.mp4");
    store::split_heartbeat("", record);
    EXPECT_EQ(session_from_record(record)->last_heartbeat, "2025-05-05 12:00:00");
}

TEST(SessionRecord, ChangesBecomeJsonTokens) {
    SessionChange change;
    change.last_heartbeat = "2025-05-05 12:00:00";
    change.status = SessionStatus::failed;
    change.recording_path = "C:\\rec \"x\"";
    const auto updates = field_updates(change);
    ASSERT_EQ(updates.size(), 4u);
    EXPECT_EQ(updates[0].name, "lastHeartbeat");
    EXPECT_EQ(updates[0].json, "\"2025-05-05 12:00:00\"");
    EXPECT_EQ(updates[1].json, "\"FAILED\"");
    EXPECT_EQ(updates[2].name, "active");
    EXPECT_EQ(updates[2].json, "false");
    EXPECT_EQ(updates[3].json, R"("C:\\rec \"x\"")");
    SessionChange webhook_stop;
    webhook_stop.last_heartbeat = "2025-05-05 12:00:00";
    webhook_stop.active = false;
    const auto only_active = field_updates(webhook_stop);
    ASSERT_EQ(only_active.size(), 2u);
    EXPECT_EQ(only_active[1].json, "false");
}

std::string lower(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return result;
}

TEST(OpenApi, ListsEveryRouteWithItsSecurity) {
    rapidjson::Document document;
    const std::string_view text = openapi_document();
    document.Parse(text.data(), text.size());
    ASSERT_FALSE(document.HasParseError()) << "byte " << document.GetErrorOffset();
    EXPECT_STREQ(document["openapi"].GetString(), "3.0.3");
    const auto& paths = document["paths"];
    size_t operations = 0;
    for (const auto& path : paths.GetObject()) {
        operations += path.value.MemberCount();
    }
    const auto routes = controller_routes();
    EXPECT_EQ(operations, routes.size()) << "the document lists a route the server does not serve";
    for (const RouteInfo& route : routes) {
        const std::string pattern(route.pattern);
        ASSERT_TRUE(paths.HasMember(pattern.c_str())) << pattern;
        const std::string method = lower(route.method);
        ASSERT_TRUE(paths[pattern.c_str()].HasMember(method.c_str())) << method << " " << pattern;
        const auto& operation = paths[pattern.c_str()][method.c_str()];
        const bool open = operation.HasMember("security") && operation["security"].Empty();
        EXPECT_EQ(open, !route.protected_route) << method << " " << pattern;
    }
}

TEST(Routes, HealthWebhookAndDocsAreTheOnlyOpenOnes) {
    for (const RouteInfo& route : controller_routes()) {
        const bool open =
            route.pattern == "/actuator/health" || route.pattern == "/api/sessions/health" ||
            route.pattern.substr(0, 17) == "/openvidu/webhook" || route.pattern == "/openapi.json";
        EXPECT_EQ(route.protected_route, !open) << route.method << " " << route.pattern;
    }
}

} // namespace
} // namespace ov2ha::ha
