// `ov2ha serve` as a process against a real redis-server: every endpoint, auth on and off, the
// 400/401/404/413/503 answers, Redis killed and restarted, the webhook (intake, relay with
// retries and order, stop -> inactive), the cleanup, and a clean SIGTERM.
#include "core/ha/controller_api.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/http_receiver.hpp"
#include "tests/support/process.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/s3_server.hpp"

#include <csignal>
#include <filesystem>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace ov2ha::test {
namespace {

using namespace std::chrono_literals;

const std::string k_user = "recorder";
const std::string k_password = "pa:ss word";

rapidjson::Document json_of(const HttpReply& reply) {
    rapidjson::Document document;
    document.Parse(reply.body.c_str());
    EXPECT_FALSE(document.HasParseError()) << reply.status << " " << reply.body;
    return document;
}

std::string error_of(const HttpReply& reply) {
    const auto document = json_of(reply);
    return document.IsObject() && document.HasMember("error") && document["error"].IsString()
               ? document["error"].GetString()
               : "";
}

std::string registration(const std::string& id, const std::string& extra = "") {
    return R"({"sessionId":")" + id + R"(","clientId":"rec-host","clientHost":"10.0.0.7")" + extra +
           "}";
}

class ServeTest : public ::testing::Test {
  protected:
    void SetUp() override { OV2HA_START_REDIS_SERVER(m_redis); }

    void TearDown() override {
        if (m_serve && m_serve->wait(0) == -2) {
            m_serve->signal(SIGTERM);
            EXPECT_EQ(m_serve->wait(10), 0) << m_serve->stderr_text();
        }
    }

    // Starts `ov2ha serve` on a free port with the test's credentials (unless `auth` is false)
    // and `extra` environment, and waits until it answers.
    void start_serve(std::map<std::string, std::string> extra = {}, bool auth = true) {
        m_port = free_loopback_port();
        std::map<std::string, std::string> environment{{"OV2HA_REDIS_TIMEOUT_MS", "500"}};
        if (auth) {
            environment["HA_CONTROLLER_USERNAME"] = k_user;
            environment["HA_CONTROLLER_PASSWORD"] = k_password;
        }
        for (auto& [name, value] : extra) {
            environment[name] = value;
        }
        std::filesystem::create_directories(m_dir / "serve");
        m_serve = std::make_unique<Background>(
            std::vector<std::string>{ov2ha_binary(), "serve", "--listen",
                                     "127.0.0.1:" + std::to_string(m_port), "--redis",
                                     m_redis->url()},
            environment, m_dir / "serve");
        ASSERT_TRUE(eventually(
            [this] { return http_call(m_port, "GET", "/actuator/health").status == 200; }, 10s))
            << m_serve->stderr_text();
    }

    HttpReply call(const std::string& method, const std::string& path, const std::string& body = "",
                   std::vector<std::string> headers = {}) {
        headers.push_back(basic_authorization(k_user, k_password));
        return http_call(m_port, method, path, body, headers);
    }

    std::string log() const { return m_serve->stderr_text(); }

    std::unique_ptr<RedisServer> m_redis;
    std::unique_ptr<Background> m_serve;
    TempDir m_dir;
    int m_port = 0;
};

TEST_F(ServeTest, ProtectedRoutesAskForCredentialsAndOpenOnesDoNot) {
    start_serve();
    EXPECT_NE(log().find("ov2ha serve listening listen=127.0.0.1:" + std::to_string(m_port) +
                         " redis=127.0.0.1:" + std::to_string(m_redis->port()) + "/0"),
              std::string::npos)
        << log();
    EXPECT_EQ(log().find(k_password), std::string::npos) << "the password must not be logged";
    for (const ha::RouteInfo& route : ha::controller_routes()) {
        std::string path(route.pattern);
        if (const size_t brace = path.find("{id}"); brace != std::string::npos) {
            path.replace(brace, 4, "some-id");
        }
        const std::string method(route.method);
        const HttpReply anonymous = http_call(m_port, method, path, "{}");
        const HttpReply wrong =
            http_call(m_port, method, path, "{}", {basic_authorization(k_user, "nope")});
        if (route.protected_route) {
            EXPECT_EQ(anonymous.status, 401) << method << " " << path;
            EXPECT_EQ(wrong.status, 401) << method << " " << path;
            EXPECT_EQ(anonymous.headers.at("www-authenticate").rfind("Basic realm=\"ov2ha\"", 0),
                      0u);
            EXPECT_NE(call(method, path, "{}").status, 401) << method << " " << path;
        } else {
            EXPECT_NE(anonymous.status, 401) << method << " " << path;
        }
    }
}

TEST_F(ServeTest, WithoutCredentialsConfiguredNothingAsksForThem) {
    start_serve({}, false);
    EXPECT_NE(log().find("asks for no credentials"), std::string::npos);
    EXPECT_EQ(http_call(m_port, "POST", "/api/sessions", registration("open")).status, 201);
    EXPECT_EQ(http_call(m_port, "GET", "/api/sessions/open").status, 200);
    EXPECT_EQ(http_call(m_port, "GET", "/metrics").status, 200);
}

TEST_F(ServeTest, ServeNeverLoadsFfmpeg) {
    start_serve();
    call("POST", "/api/sessions", registration("no-media"));
    const std::string maps = slurp("/proc/" + std::to_string(m_serve->pid()) + "/maps");
    ASSERT_FALSE(maps.empty());
    for (const char* library : {"libavcodec", "libavformat", "libavutil", "libavdevice"}) {
        EXPECT_EQ(maps.find(library), std::string::npos) << library << " is mapped";
    }
}

TEST_F(ServeTest, SessionLifecycleThroughEveryEndpoint) {
    start_serve();
    HttpReply created = call("POST", "/api/sessions",
                             registration("rec_1~a", R"(,"uniqueSessionId":"ses_1",)"
                                                     R"("recordingJson":"{\"name\":\"final\"}",)"
                                                     R"("environment":{"url":"http://layout"},)"
                                                     R"("metadata":{"k":"v"})"));
    ASSERT_EQ(created.status, 201) << created.body;
    auto session = json_of(created);
    EXPECT_STREQ(session["sessionId"].GetString(), "rec_1~a");
    EXPECT_STREQ(session["clientId"].GetString(), "rec-host");
    EXPECT_STREQ(session["clientHost"].GetString(), "10.0.0.7");
    EXPECT_STREQ(session["status"].GetString(), "STARTING");
    EXPECT_TRUE(session["active"].GetBool());
    EXPECT_EQ(std::string(session["createdAt"].GetString()).size(), 19u);
    EXPECT_TRUE(session["lastChunk"].IsNull());
    EXPECT_STREQ(session["metadata"].GetString(), R"({"k":"v"})");
    EXPECT_STREQ(session["environment"].GetString(),
                 R"({"url":"http://layout","recordingJson":"{\"name\":\"final\"}"})");
    for (const char* key :
         {"recordingPath", "backupContainerId", "backupContainerName", "originalSessionId"}) {
        EXPECT_TRUE(session[key].IsNull()) << key;
    }
    EXPECT_GT(std::stol(m_redis->command({"TTL", "session:rec_1~a"}).substr(1)), 86000);

    const HttpReply duplicate = call("POST", "/api/sessions", registration("rec_1~a"));
    EXPECT_EQ(duplicate.status, 400);
    EXPECT_EQ(error_of(duplicate), "Session with ID rec_1~a already exists");
    EXPECT_EQ(error_of(call("POST", "/api/sessions", R"({"clientId":"c"})")),
              "field sessionId is required");
    EXPECT_EQ(error_of(call("POST", "/api/sessions", R"({"sessionId":"x","clientId":7})")),
              "field clientId must be a string");
    EXPECT_EQ(error_of(call("POST", "/api/sessions", "[]")),
              "the request body must be a JSON object");
    EXPECT_EQ(call("POST", "/api/sessions", R"({"sessionId":"a/b","clientId":"c"})").status, 400);

    const HttpReply one = call("GET", "/api/sessions/rec_1~a");
    ASSERT_EQ(one.status, 200);
    EXPECT_EQ(one.body, created.body);
    const HttpReply missing = call("GET", "/api/sessions/nobody");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(error_of(missing), "session nobody not found");
    for (const char* bad : {"/api/sessions/a%2Fb", "/api/sessions/..", "/api/sessions/a%01b",
                            "/api/sessions/a%20b"}) {
        const HttpReply refused = call("GET", bad);
        EXPECT_EQ(refused.status, 400) << bad;
        EXPECT_NE(error_of(refused).find("session id"), std::string::npos) << refused.body;
    }
    EXPECT_EQ(call("GET", "/api/sessions/" + std::string(201, 'x')).status, 400);
    EXPECT_EQ(call("PUT", "/api/sessions/" + std::string(201, 'x') + "/heartbeat", "{}").status,
              400);

    auto active = json_of(call("GET", "/api/sessions/rec_1~a/active"));
    EXPECT_TRUE(active["active"].GetBool());
    EXPECT_FALSE(json_of(call("GET", "/api/sessions/nobody/active"))["active"].GetBool());

    const HttpReply beat =
        call("PUT", "/api/sessions/rec_1~a/heartbeat", R"({"lastChunk":"0007.mp4"})");
    ASSERT_EQ(beat.status, 200) << beat.body;
    auto beat_json = json_of(beat);
    EXPECT_STREQ(beat_json["message"].GetString(), "Heartbeat updated");
    EXPECT_STREQ(beat_json["lastChunk"].GetString(), "0007.mp4");
    EXPECT_TRUE(beat_json.HasMember("timestamp"));
    const HttpReply empty_beat = call("PUT", "/api/sessions/rec_1~a/heartbeat", "");
    EXPECT_EQ(empty_beat.status, 200);
    EXPECT_FALSE(json_of(empty_beat).HasMember("lastChunk"));
    EXPECT_STREQ(json_of(call("GET", "/api/sessions/rec_1~a"))["lastChunk"].GetString(),
                 "0007.mp4");
    EXPECT_EQ(call("PUT", "/api/sessions/nobody/heartbeat", "{}").status, 404);
    EXPECT_EQ(error_of(call("PUT", "/api/sessions/rec_1~a/heartbeat", R"({"lastChunk":3})")),
              "field lastChunk must be a string");

    const HttpReply recording =
        call("PUT", "/api/sessions/rec_1~a/status", R"({"status":"recording"})");
    ASSERT_EQ(recording.status, 200);
    EXPECT_STREQ(json_of(recording)["status"].GetString(), "RECORDING");
    EXPECT_NE(error_of(call("PUT", "/api/sessions/rec_1~a/status", R"({"status":"nap"})"))
                  .find("field status"),
              std::string::npos);
    EXPECT_EQ(call("PUT", "/api/sessions/nobody/status", R"({"status":"FAILED"})").status, 404);
    const HttpReply path =
        call("PUT", "/api/sessions/rec_1~a/recording-path", R"({"recordingPath":"/r/final.mp4"})");
    ASSERT_EQ(path.status, 200);
    EXPECT_STREQ(json_of(path)["recordingPath"].GetString(), "/r/final.mp4");
    EXPECT_EQ(error_of(call("PUT", "/api/sessions/rec_1~a/recording-path", "{}")),
              "field recordingPath is required");

    ASSERT_EQ(call("POST", "/api/sessions", registration("rec_2")).status, 201);
    ASSERT_EQ(call("POST", "/api/sessions", registration("rec_3")).status, 201);
    const HttpReply paused = call("PUT", "/api/sessions/rec_2/status", R"({"status":"PAUSED"})");
    ASSERT_EQ(paused.status, 200);
    const HttpReply deactivated = call("PUT", "/api/sessions/rec_3/deactivate");
    ASSERT_EQ(deactivated.status, 200);
    EXPECT_STREQ(json_of(deactivated)["status"].GetString(), "INACTIVE");
    EXPECT_STREQ(json_of(deactivated)["message"].GetString(), "Session deactivated");

    auto active_list = json_of(call("GET", "/api/sessions"));
    EXPECT_STREQ(active_list["type"].GetString(), "active");
    EXPECT_EQ(active_list["count"].GetInt(), 1);
    EXPECT_STREQ(active_list["sessions"][0]["sessionId"].GetString(), "rec_1~a");
    EXPECT_STREQ(active_list["sessions"][0]["recordingPath"].GetString(), "/r/final.mp4");
    auto inactive_list = json_of(call("GET", "/api/sessions/inactive"));
    EXPECT_EQ(inactive_list["count"].GetInt(), 2);
    EXPECT_STREQ(inactive_list["type"].GetString(), "inactive");
    auto all = json_of(call("GET", "/api/sessions/all"));
    EXPECT_EQ(all["totalCount"].GetInt(), 3);
    EXPECT_EQ(all["activeCount"].GetInt(), 1);
    EXPECT_EQ(all["inactiveCount"].GetInt(), 2);
    EXPECT_STREQ(all["type"].GetString(), "all");
    auto health = json_of(http_call(m_port, "GET", "/api/sessions/health"));
    EXPECT_STREQ(health["status"].GetString(), "healthy");
    EXPECT_STREQ(health["service"].GetString(), "recorder-ha-controller");
    EXPECT_EQ(health["activeSessions"].GetInt(), 1);
    EXPECT_EQ(health["totalSessions"].GetInt(), 3);
    EXPECT_EQ(health["inactiveSessions"].GetInt(), 2);
    EXPECT_NE(std::string(health["s3CleanupInfo"].GetString()).find("local"), std::string::npos);
    EXPECT_EQ(http_call(m_port, "GET", "/actuator/health").body, R"({"status":"UP"})");

    const HttpReply stopped = call("PUT", "/api/sessions/rec_1~a/stop");
    ASSERT_EQ(stopped.status, 200);
    EXPECT_STREQ(json_of(stopped)["message"].GetString(), "Session stopped");
    auto after_stop = json_of(call("GET", "/api/sessions/rec_1~a"));
    EXPECT_STREQ(after_stop["status"].GetString(), "COMPLETED");
    EXPECT_FALSE(after_stop["active"].GetBool());

    auto failover = json_of(call("GET", "/api/failover/status"));
    EXPECT_TRUE(failover["enabled"].GetBool());
    EXPECT_EQ(failover["heartbeatTimeoutSeconds"].GetInt(), 30);
    EXPECT_EQ(failover["checkIntervalMs"].GetInt(), 60000);
    EXPECT_EQ(failover["activeBackupContainers"].GetInt(), 0);
    EXPECT_FALSE(failover["dockerInitialized"].GetBool());
    EXPECT_TRUE(failover.HasMember("dockerStatus"));
    auto backups = json_of(call("GET", "/api/failover/backups"));
    EXPECT_EQ(backups["count"].GetInt(), 0);
    EXPECT_TRUE(backups["activeBackupContainers"].IsObject());
    EXPECT_EQ(call("DELETE", "/api/failover/backup/rec_2").status, 404);
    EXPECT_EQ(call("DELETE", "/api/failover/backup/rec_2/force").status, 404);
    EXPECT_EQ(call("DELETE", "/api/failover/backup/a%2Fb").status, 400);

    const HttpReply removed = call("DELETE", "/api/sessions/rec_2");
    ASSERT_EQ(removed.status, 200) << removed.body;
    EXPECT_STREQ(json_of(removed)["message"].GetString(), "Session removed");
    EXPECT_EQ(call("GET", "/api/sessions/rec_2").status, 404);
    EXPECT_EQ(m_redis->command({"EXISTS", "session:rec_2", "heartbeat:rec_2"}), ":0");
    EXPECT_EQ(call("DELETE", "/api/sessions/rec_2").status, 404);

    const HttpReply metrics = call("GET", "/metrics");
    EXPECT_EQ(metrics.headers.at("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_NE(metrics.body.find("ov2ha_heartbeats_total{session=\"known\"} 2"), std::string::npos)
        << metrics.body;
    EXPECT_NE(metrics.body.find("ov2ha_sessions{status=\"COMPLETED\"} 1"), std::string::npos);
    EXPECT_NE(metrics.body.find("ov2ha_http_requests_total{route=\"/api/sessions\",method=\"POST\","
                                "code=\"201\"} 3"),
              std::string::npos);
    const HttpReply docs = http_call(m_port, "GET", "/openapi.json");
    EXPECT_EQ(docs.status, 200);
    EXPECT_TRUE(json_of(docs).HasMember("paths"));
    EXPECT_NE(log().find("session registered request="), std::string::npos) << log();
}

TEST_F(ServeTest, LimitsAnswer413AndJsonErrors) {
    start_serve({{"OV2HA_SERVER_MAX_BODY_BYTES", "2048"}});
    const HttpReply big = call("POST", "/api/sessions", std::string(4096, ' '));
    EXPECT_EQ(big.status, 413);
    EXPECT_FALSE(error_of(big).empty());
    EXPECT_EQ(call("GET", "/api/nothing").status, 404);
    EXPECT_EQ(call("PATCH", "/api/sessions").status, 405);
}

TEST_F(ServeTest, RedisDownAnswers503ThenRecoversWithTheSessionsKept) {
    start_serve();
    for (const char* id : {"k1", "k2", "k3"}) {
        ASSERT_EQ(call("POST", "/api/sessions", registration(id)).status, 201);
    }
    ASSERT_EQ(call("PUT", "/api/sessions/k2/heartbeat", R"({"lastChunk":"0003.mp4"})").status, 200);
    m_redis->kill();

    const HttpReply listing = call("GET", "/api/sessions");
    EXPECT_EQ(listing.status, 503);
    EXPECT_NE(error_of(listing).find("Redis at 127.0.0.1:" + std::to_string(m_redis->port()) +
                                     "/0 is unavailable"),
              std::string::npos)
        << listing.body;
    EXPECT_EQ(call("PUT", "/api/sessions/k1/heartbeat", "{}").status, 503);
    EXPECT_EQ(call("POST", "/api/sessions", registration("k4")).status, 503);
    const HttpReply health = http_call(m_port, "GET", "/api/sessions/health");
    EXPECT_EQ(health.status, 503);
    EXPECT_STREQ(json_of(health)["status"].GetString(), "unhealthy");
    EXPECT_EQ(http_call(m_port, "GET", "/actuator/health").status, 503);
    EXPECT_NE(call("GET", "/metrics").body.find("ov2ha_redis_up 0"), std::string::npos);

    std::string why_not;
    ASSERT_TRUE(m_redis->restart(why_not)) << why_not;
    ASSERT_TRUE(eventually([this] { return call("GET", "/api/sessions").status == 200; }, 10s));
    auto all = json_of(call("GET", "/api/sessions/all"));
    EXPECT_EQ(all["totalCount"].GetInt(), 3) << "no session may be lost across the restart";
    EXPECT_STREQ(json_of(call("GET", "/api/sessions/k2"))["lastChunk"].GetString(), "0003.mp4");
    EXPECT_EQ(http_call(m_port, "GET", "/actuator/health").status, 200);
    EXPECT_NE(log().find("Redis connection restored"), std::string::npos) << log();
}

TEST_F(ServeTest, WebhookStoppedMarksTheSessionInactiveBehindTheIntakeSecret) {
    start_serve({{"OV2HA_WEBHOOK_INTAKE_SECRET", "hook-secret"}});
    ASSERT_EQ(call("POST", "/api/sessions", registration("ses_W~1")).status, 201);
    const std::string stopped =
        R"({"event":"recordingStatusChanged","sessionId":"ses_W",)"
        R"("id":"ses_W~1","status":"stopped","reason":"lastParticipantLeft"})";
    EXPECT_EQ(http_call(m_port, "POST", "/openvidu/webhook", stopped).status, 401);
    EXPECT_TRUE(json_of(call("GET", "/api/sessions/ses_W~1"))["active"].GetBool());

    const HttpReply received =
        http_call(m_port, "POST", "/openvidu/webhook", stopped, {"X-Webhook-Secret: hook-secret"});
    ASSERT_EQ(received.status, 200);
    auto answer = json_of(received);
    EXPECT_STREQ(answer["status"].GetString(), "received");
    EXPECT_TRUE(answer.HasMember("message"));
    EXPECT_TRUE(answer.HasMember("timestamp"));
    EXPECT_TRUE(answer["processingTimeMs"].IsInt());
    EXPECT_TRUE(eventually(
        [this] { return !json_of(call("GET", "/api/sessions/ses_W~1"))["active"].GetBool(); }, 5s));

    const std::string unknown =
        R"({"event":"recordingStatusChanged","id":"ghost","status":"stopped"})";
    EXPECT_EQ(http_call(m_port, "PUT", "/openvidu/webhook", unknown,
                        {"Authorization: Bearer hook-secret"})
                  .status,
              200);
    EXPECT_TRUE(eventually(
        [this] { return log().find("webhook stop for an unknown session") != std::string::npos; },
        5s))
        << log();
    auto health = json_of(http_call(m_port, "GET", "/openvidu/webhook"));
    EXPECT_STREQ(health["status"].GetString(), "healthy");
    EXPECT_STREQ(health["endpoint"].GetString(), "/openvidu/webhook");
    EXPECT_FALSE(health["relayStatus"]["enabled"].GetBool());
}

TEST_F(ServeTest, RelayRetries5xxInOrderAndGivesUpOn4xx) {
    HttpReceiver receiver({500, 503, 200, 200, 200, 404});
    start_serve({{"OPENVIDU_WEBHOOK", "true"},
                 {"OPENVIDU_WEBHOOK_ENDPOINT", receiver.url("/hook")},
                 {"OPENVIDU_WEBHOOK_HEADERS", R"({"X-Relay-Test":"yes"})"},
                 {"OV2HA_WEBHOOK_RETRY_DELAY_MS", "50"}});
    const std::vector<std::string> events{R"({"event":"sessionCreated","sessionId":"A","n":1})",
                                          R"({"event":"participantJoined","sessionId":"A","n":2})",
                                          R"({"event":"participantLeft","sessionId":"A","n":3})"};
    for (const std::string& event : events) {
        ASSERT_EQ(http_call(m_port, "POST", "/openvidu/webhook", event,
                            {"Content-Type: application/json; charset=utf-8"})
                      .status,
                  200);
    }
    ASSERT_TRUE(eventually([&receiver] { return receiver.received().size() >= 5; }, 10s));
    const std::string lonely = R"({"event":"sessionDestroyed","sessionId":"B"})";
    ASSERT_EQ(http_call(m_port, "POST", "/openvidu/webhook", lonely).status, 200);
    ASSERT_TRUE(eventually([&receiver] { return receiver.received().size() >= 6; }, 10s));
    std::this_thread::sleep_for(300ms); // a retry of the 404 would come within this

    const auto received = receiver.received();
    ASSERT_EQ(received.size(), 6u) << "a 4xx answer must not be retried";
    const std::vector<std::string> expected{events[0], events[0], events[0],
                                            events[1], events[2], lonely};
    for (size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(received[i].body, expected[i]) << i;
        EXPECT_EQ(received[i].method, "POST");
        EXPECT_EQ(received[i].path, "/hook");
        EXPECT_EQ(received[i].header("X-Relay-Test"), "yes");
    }
    EXPECT_EQ(received[0].header("Content-Type"), "application/json; charset=utf-8");
    EXPECT_EQ(received[5].header("Content-Type"), "application/json");

    auto status = json_of(http_call(m_port, "GET", "/openvidu/webhook/status"));
    EXPECT_TRUE(status["enabled"].GetBool());
    EXPECT_EQ(status["totalRequests"].GetInt(), 4);
    EXPECT_EQ(status["successfulRequests"].GetInt(), 3);
    EXPECT_EQ(status["failedRequests"].GetInt(), 1);
    EXPECT_DOUBLE_EQ(status["successRate"].GetDouble(), 75.0);
    EXPECT_EQ(status["attempts"].GetInt(), 6);
    EXPECT_STREQ(status["endpoint"].GetString(), "/openvidu/webhook");
    EXPECT_TRUE(status["configuration"]["hasCustomHeaders"].GetBool());
    const std::string metrics = call("GET", "/metrics").body;
    EXPECT_NE(metrics.find("ov2ha_webhook_relays_total{outcome=\"ok\"} 3"), std::string::npos);
    EXPECT_NE(metrics.find("ov2ha_webhook_relays_total{outcome=\"failed\"} 1"), std::string::npos);
}

TEST_F(ServeTest, CleanupRemovesSessionsInactiveLongerThanTheLimit) {
    start_serve({{"HA_SESSION_MAX_INACTIVE_TIME", "1"}, {"HA_SESSION_CLEANUP_INTERVAL", "1"}});
    ASSERT_EQ(call("POST", "/api/sessions", registration("live")).status, 201);
    ASSERT_EQ(call("POST", "/api/sessions", registration("done")).status, 201);
    ASSERT_EQ(call("PUT", "/api/sessions/done/stop").status, 200);
    EXPECT_TRUE(eventually([this] { return call("GET", "/api/sessions/done").status == 404; }, 6s));
    EXPECT_EQ(call("GET", "/api/sessions/live").status, 200);
    ASSERT_EQ(call("POST", "/api/sessions", registration("later")).status, 201);
    ASSERT_EQ(call("PUT", "/api/sessions/later/deactivate").status, 200);
    std::this_thread::sleep_for(2100ms);
    auto manual = json_of(call("POST", "/api/sessions/cleanup"));
    EXPECT_STREQ(manual["message"].GetString(), "Manual cleanup completed");
    EXPECT_LE(manual["removedSessions"].GetInt(), 1);
    EXPECT_EQ(call("GET", "/api/sessions/later").status, 404);
    EXPECT_EQ(call("GET", "/api/sessions/live").status, 200);
}

TEST_F(ServeTest, ManualFailoverCheckReportsMissedHeartbeats) {
    start_serve({{"HEARTBEAT_INTERVAL", "1"}, {"HA_MAX_MISSED_HEARTBEATS", "1"}});
    ASSERT_EQ(call("POST", "/api/sessions", registration("quiet")).status, 201);
    ASSERT_EQ(call("POST", "/api/sessions", registration("ended")).status, 201);
    ASSERT_EQ(call("PUT", "/api/sessions/ended/stop").status, 200);
    std::this_thread::sleep_for(2100ms);
    ASSERT_EQ(call("POST", "/api/sessions", registration("fresh")).status, 201);
    const HttpReply check = call("POST", "/api/failover/check");
    ASSERT_EQ(check.status, 200);
    auto report = json_of(check);
    EXPECT_STREQ(report["message"].GetString(), "Manual failover check completed");
    EXPECT_EQ(report["sessionsChecked"].GetInt(), 2);
    ASSERT_EQ(report["missedHeartbeats"].Size(), 1u);
    EXPECT_STREQ(report["missedHeartbeats"][0]["sessionId"].GetString(), "quiet");
    EXPECT_GE(report["missedHeartbeats"][0]["secondsSinceLastHeartbeat"].GetInt(), 2);
    EXPECT_EQ(report["activeBackupContainers"].GetInt(), 0);
    EXPECT_FALSE(report["dockerInitialized"].GetBool());
}

TEST(ServeConfig, SettingsThatDoNotFitTogetherStopItWithExitCode2) {
    const RunResult relay =
        run({ov2ha_binary(), "serve", "--listen", "127.0.0.1:0"}, {{"OPENVIDU_WEBHOOK", "true"}});
    EXPECT_EQ(relay.exit_code, 2);
    EXPECT_NE(relay.err.find("OPENVIDU_WEBHOOK_ENDPOINT"), std::string::npos) << relay.err;
    const RunResult half = run({ov2ha_binary(), "serve"}, {{"HA_CONTROLLER_USERNAME", "u"}});
    EXPECT_EQ(half.exit_code, 2);
    EXPECT_NE(half.err.find("HA_CONTROLLER_PASSWORD"), std::string::npos) << half.err;
    const RunResult url = run({ov2ha_binary(), "serve", "--redis", "redis://:pw@h:1/0"});
    EXPECT_EQ(url.exit_code, 2);
    EXPECT_NE(url.err.find("OV2HA_REDIS_PASSWORD"), std::string::npos) << url.err;
    const RunResult printed = run({ov2ha_binary(), "serve", "--print-config"},
                                  {{"HA_CONTROLLER_PASSWORD", "very-secret"}});
    EXPECT_EQ(printed.exit_code, 0);
    EXPECT_NE(printed.out.find("password = \"***\"  # environment HA_CONTROLLER_PASSWORD"),
              std::string::npos)
        << printed.out;
    EXPECT_EQ(printed.out.find("very-secret"), std::string::npos);
}

} // namespace
} // namespace ov2ha::test
