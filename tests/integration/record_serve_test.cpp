// `ov2ha record` with lavfi inputs reporting to `ov2ha serve` (and a real redis-server): the
// session appears, its heartbeat and lastChunk advance, and it ends COMPLETED; without a
// reachable controller the recording goes on and ends normally.
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/s3_server.hpp"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace ov2ha::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

struct Seen {
    int status = 0;
    std::string state;
    std::string last_heartbeat;
    std::string last_chunk;
    bool active = false;
    std::string environment;
};

class RecordServeTest : public ::testing::Test {
  protected:
    void SetUp() override {
        OV2HA_REQUIRE_PROGRAM("ffmpeg");
        for (const char* folder : {"recordings", "serve", "record"}) {
            fs::create_directories(m_dir / folder);
        }
    }

    std::vector<std::string> record_args(const std::string& id) const {
        return {ov2ha_binary(),      "record",
                "--recordings-dir",  m_dir / "recordings",
                "--video-id",        id,
                "--stop-file",       m_dir / "stop",
                "--video-input",     "lavfi:testsrc2=size=320x240:rate=25",
                "--audio-input",     "lavfi:sine=frequency=440:sample_rate=48000",
                "--resolution",      "320x240",
                "--chunk-time-size", "1"};
    }

    Seen session(int port, const std::string& id) const {
        const HttpReply reply =
            http_call(port, "GET", "/api/sessions/" + id, "", {basic_authorization("rec", "pw")});
        Seen seen;
        seen.status = reply.status;
        rapidjson::Document json;
        json.Parse(reply.body.c_str());
        if (reply.status != 200 || !json.IsObject()) {
            return seen;
        }
        seen.state = json["status"].GetString();
        seen.last_heartbeat = json["lastHeartbeat"].GetString();
        seen.last_chunk = json["lastChunk"].IsString() ? json["lastChunk"].GetString() : "";
        seen.active = json["active"].GetBool();
        seen.environment = json["environment"].IsString() ? json["environment"].GetString() : "";
        return seen;
    }

    TempDir m_dir;
};

TEST_F(RecordServeTest, TheSessionAppearsHeartbeatsAndEndsCompleted) {
    std::unique_ptr<RedisServer> redis;
    OV2HA_START_REDIS_SERVER(redis);
    const int port = free_loopback_port();
    Background serve({ov2ha_binary(), "serve", "--listen", "127.0.0.1:" + std::to_string(port),
                      "--redis", redis->url()},
                     {{"HA_CONTROLLER_USERNAME", "rec"}, {"HA_CONTROLLER_PASSWORD", "pw"}},
                     m_dir / "serve");
    ASSERT_TRUE(eventually(
        [port] { return http_call(port, "GET", "/actuator/health").status == 200; }, 10s))
        << serve.stderr_text();

    Background recorder(record_args("rec_ha"),
                        {{"HA_CONTROLLER_HOST", "127.0.0.1"},
                         {"HA_CONTROLLER_PORT", std::to_string(port)},
                         {"HA_CONTROLLER_USERNAME", "rec"},
                         {"HA_CONTROLLER_PASSWORD", "pw"},
                         {"HEARTBEAT_INTERVAL", "1"},
                         {"URL", "http://layout/rec_ha"},
                         {"RECORDING_JSON", R"({"id":"rec_ha","uniqueSessionId":"ses_HA"})"}},
                        m_dir / "record");
    Seen first;
    ASSERT_TRUE(eventually(
        [&] {
            first = session(port, "rec_ha");
            return first.status == 200 && !first.last_chunk.empty() && first.state == "RECORDING";
        },
        15s))
        << recorder.stderr_text() << serve.stderr_text();
    EXPECT_TRUE(first.active);
    EXPECT_NE(first.environment.find(R"("videoId":"rec_ha")"), std::string::npos)
        << first.environment;
    EXPECT_NE(first.environment.find(R"("url":"http://layout/rec_ha")"), std::string::npos);
    EXPECT_NE(first.environment.find(R"("chunkTimeSize":"1")"), std::string::npos);

    Seen later;
    EXPECT_TRUE(eventually(
        [&] {
            later = session(port, "rec_ha");
            return later.last_chunk > first.last_chunk &&
                   later.last_heartbeat > first.last_heartbeat;
        },
        10s))
        << "first " << first.last_chunk << " " << first.last_heartbeat << ", later "
        << later.last_chunk << " " << later.last_heartbeat;

    std::ofstream(m_dir / "stop") << "q\n";
    ASSERT_EQ(recorder.wait(30), 0) << recorder.stderr_text();
    const Seen done = session(port, "rec_ha");
    EXPECT_EQ(done.state, "COMPLETED") << recorder.stderr_text();
    EXPECT_FALSE(done.active);
    EXPECT_NE(recorder.stderr_text().find("status reported to the HA controller status=STOPPING"),
              std::string::npos);
    serve.signal(SIGTERM);
    EXPECT_EQ(serve.wait(10), 0);
}

TEST_F(RecordServeTest, AnUnreachableControllerDoesNotStopTheRecording) {
    Background recorder(record_args("rec_alone"),
                        {{"HA_CONTROLLER_HOST", "127.0.0.1"},
                         {"HA_CONTROLLER_PORT", std::to_string(free_loopback_port())},
                         {"HEARTBEAT_INTERVAL", "1"}},
                        m_dir / "record");
    std::this_thread::sleep_for(3500ms);
    std::ofstream(m_dir / "stop") << "q\n";
    ASSERT_EQ(recorder.wait(30), 0) << recorder.stderr_text();
    EXPECT_GT(fs::file_size(m_dir / "recordings/rec_alone/rec_alone.mp4"), 1000u);
    const std::string log = recorder.stderr_text();
    const std::string warning = "the HA controller cannot be reached";
    const size_t first = log.find(warning);
    ASSERT_NE(first, std::string::npos) << log;
    EXPECT_EQ(log.find(warning, first + 1), std::string::npos) << "at most one warning a minute";
}

} // namespace
} // namespace ov2ha::test
