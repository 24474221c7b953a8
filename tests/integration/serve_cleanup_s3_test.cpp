// The cleanup in S3 mode against s3rver and redis-server: a removed session's chunks go from the
// bucket only when its final recording exists there or on this host's disk; otherwise they stay
// and the removal says kept-for-recovery. The timer and DELETE /api/sessions/{id} behave alike.
#include "core/base/loop.hpp"
#include "core/s3/client.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/s3_server.hpp"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <optional>
#include <rapidjson/document.h>

namespace ov2ha::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* k_bucket = "recordings";
constexpr const char* k_prefix = "tenant/"; // OV2HA_STORAGE_KEY_PREFIX=tenant

class ServeCleanupS3Test : public ::testing::Test {
  protected:
    void SetUp() override {
        OV2HA_START_REDIS_SERVER(m_redis);
        OV2HA_START_S3_SERVER(m_s3);
        ASSERT_EQ(uv_loop_init(&m_loop), 0);
        auto client = s3::S3Client::create(&m_loop, m_s3->settings(k_bucket));
        ASSERT_TRUE(client) << client.message();
        m_bucket = std::move(*client);
        auto created = run<std::monostate>([this](auto done) { m_bucket->create_bucket(done); });
        ASSERT_TRUE(created) << created.error().text();
    }

    void TearDown() override {
        if (m_serve) {
            m_serve->signal(SIGTERM);
            EXPECT_EQ(m_serve->wait(10), 0) << m_serve->stderr_text();
        }
        if (m_bucket) {
            m_bucket->close();
            m_bucket.reset();
            EXPECT_TRUE(shut_down_loop(&m_loop));
        }
    }

    template <class T, class Start> s3::S3Result<T> run(Start start) {
        std::optional<s3::S3Result<T>> result;
        start([&result](s3::S3Result<T> done) { result.emplace(std::move(done)); });
        const auto deadline = std::chrono::steady_clock::now() + 20s;
        while (!result && std::chrono::steady_clock::now() < deadline) {
            uv_run(&m_loop, UV_RUN_NOWAIT);
            std::this_thread::sleep_for(1ms);
        }
        if (!result) {
            s3::S3Error timeout;
            timeout.message = "the test gave up waiting";
            return timeout;
        }
        return std::move(*result);
    }

    void put(const std::string& key) {
        auto stored = run<s3::PutReport>(
            [&](auto done) { m_bucket->put_object(k_prefix + key, "bytes of " + key, done); });
        ASSERT_TRUE(stored) << stored.error().text();
    }

    std::vector<std::string> keys(const std::string& prefix) {
        auto listed = run<std::vector<s3::ObjectInfo>>(
            [&](auto done) { m_bucket->list_objects(k_prefix + prefix, done); });
        EXPECT_TRUE(listed) << listed.error().text();
        std::vector<std::string> names;
        for (const auto& object : listed ? *listed : std::vector<s3::ObjectInfo>{}) {
            names.push_back(object.key.substr(std::string(k_prefix).size()));
        }
        return names;
    }

    void start_serve(const std::string& interval) {
        m_port = free_loopback_port();
        std::filesystem::create_directories(m_dir / "logs");
        std::filesystem::create_directories(m_dir / "recordings");
        m_serve = std::make_unique<Background>(
            std::vector<std::string>{ov2ha_binary(), "serve", "--listen",
                                     "127.0.0.1:" + std::to_string(m_port), "--redis",
                                     m_redis->url()},
            std::map<std::string, std::string>{{"HA_RECORDING_STORAGE", "s3"},
                                               {"HA_AWS_S3_SERVICE_ENDPOINT", m_s3->endpoint()},
                                               {"HA_AWS_S3_BUCKET", k_bucket},
                                               {"OV2HA_STORAGE_KEY_PREFIX", "tenant"},
                                               {"HA_AWS_ACCESS_KEY", S3Server::k_access_key},
                                               {"HA_AWS_SECRET_KEY", S3Server::k_secret_key},
                                               {"OPENVIDU_RECORDING_PATH", m_dir / "recordings"},
                                               {"HA_SESSION_MAX_INACTIVE_TIME", "1"},
                                               {"HA_SESSION_CLEANUP_INTERVAL", interval}},
            m_dir / "logs");
        ASSERT_TRUE(eventually(
            [this] { return http_call(m_port, "GET", "/actuator/health").status == 200; }, 10s))
            << m_serve->stderr_text();
    }

    void register_session(const std::string& id, const std::string& video_name) {
        const std::string body = R"({"sessionId":")" + id +
                                 R"(","clientId":"c","environment":{"videoName":")" + video_name +
                                 R"(","videoFormat":"mp4"}})";
        ASSERT_EQ(http_call(m_port, "POST", "/api/sessions", body).status, 201);
    }

    void write_local_final(const std::string& id, const std::string& name) {
        const std::string folder = m_dir / ("recordings/" + id);
        std::filesystem::create_directories(folder);
        std::ofstream(folder + "/" + name + ".mp4") << "final video";
        std::ofstream(folder + "/" + id + ".info") << "{}";
    }

    std::unique_ptr<RedisServer> m_redis;
    std::unique_ptr<S3Server> m_s3;
    uv_loop_t m_loop{};
    std::unique_ptr<s3::S3Client> m_bucket;
    std::unique_ptr<Background> m_serve;
    TempDir m_dir;
    int m_port = 0;
};

TEST_F(ServeCleanupS3Test, TimerDeletesChunksOnlyWhenTheFinalRecordingExists) {
    for (const char* key :
         {"in-bucket/chunks/0001.mp4", "in-bucket/chunks/0002.mp4", "in-bucket/final-a.mp4",
          "on-disk/chunks/0001.mp4", "nowhere/chunks/0001.mp4", "nowhere/chunks/0002.mp4"}) {
        put(key);
    }
    write_local_final("on-disk", "final-b");
    start_serve("1");
    register_session("in-bucket", "final-a");
    register_session("on-disk", "final-b");
    register_session("nowhere", "final-c");
    register_session("still-recording", "final-d");
    for (const char* id : {"in-bucket", "on-disk", "nowhere"}) {
        ASSERT_EQ(http_call(m_port, "PUT", std::string("/api/sessions/") + id + "/stop").status,
                  200);
    }
    ASSERT_TRUE(eventually(
        [this] {
            return http_call(m_port, "GET", "/api/sessions/nowhere").status == 404 &&
                   http_call(m_port, "GET", "/api/sessions/in-bucket").status == 404 &&
                   http_call(m_port, "GET", "/api/sessions/on-disk").status == 404;
        },
        8s))
        << m_serve->stderr_text();
    EXPECT_EQ(http_call(m_port, "GET", "/api/sessions/still-recording").status, 200);
    EXPECT_EQ(keys("in-bucket/"), std::vector<std::string>{"in-bucket/final-a.mp4"});
    EXPECT_TRUE(keys("on-disk/").empty());
    EXPECT_EQ(keys("nowhere/").size(), 2u) << "no final recording: the chunks stay for recovery";
    EXPECT_NE(m_serve->stderr_text().find("kept-for-recovery"), std::string::npos);
    const auto health = http_call(m_port, "GET", "/api/sessions/health");
    EXPECT_NE(health.body.find("S3 cleanup enabled"), std::string::npos) << health.body;
    const std::string metrics = http_call(m_port, "GET", "/metrics").body;
    EXPECT_NE(metrics.find("ov2ha_cleanup_kept_for_recovery_total 1"), std::string::npos);
    EXPECT_NE(metrics.find("ov2ha_cleanup_deleted_chunks_total 3"), std::string::npos);
}

TEST_F(ServeCleanupS3Test, DeleteDoesTheSameCleanupAtOnce) {
    for (const char* key : {"gone/chunks/0001.mp4", "gone/chunks/0002.mp4", "gone/final.mp4",
                            "kept/chunks/0001.mp4"}) {
        put(key);
    }
    start_serve("3600");
    register_session("gone", "final");
    register_session("kept", "final");
    const HttpReply gone = http_call(m_port, "DELETE", "/api/sessions/gone");
    ASSERT_EQ(gone.status, 200) << gone.body;
    rapidjson::Document answer;
    answer.Parse(gone.body.c_str());
    EXPECT_EQ(answer["chunksDeleted"].GetInt(), 2);
    EXPECT_FALSE(answer["keptForRecovery"].GetBool());
    EXPECT_EQ(keys("gone/"), std::vector<std::string>{"gone/final.mp4"});
    const HttpReply kept = http_call(m_port, "DELETE", "/api/sessions/kept");
    ASSERT_EQ(kept.status, 200) << kept.body;
    answer.Parse(kept.body.c_str());
    EXPECT_TRUE(answer["keptForRecovery"].GetBool());
    EXPECT_EQ(keys("kept/"), std::vector<std::string>{"kept/chunks/0001.mp4"});
    EXPECT_EQ(http_call(m_port, "GET", "/api/sessions/kept").status, 404);
}

} // namespace
} // namespace ov2ha::test
