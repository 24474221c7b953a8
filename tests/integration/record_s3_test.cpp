// `ov2ha record` with HA_RECORDING_STORAGE=s3 against a real S3 server (s3rver): every
// chunk in the bucket at stop under <VIDEO_ID>/chunks/, numbering after the bucket's
// chunks, a stop that still finishes locally, in time, when S3 is unreachable, and a local
// disk that fills up.
#include "core/chunks/upload_journal.hpp"
#include "tests/support/media_tools.hpp"
#include "tests/support/process.hpp"
#include "tests/support/s3_bucket.hpp"
#include "tests/support/s3_server.hpp"
#include "tests/support/small_disk.hpp"

#include <chrono>
#include <filesystem>
#include <gtest/gtest.h>
#include <iterator>
#include <map>

namespace ov2ha::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* k_bucket = "recordings";

class RecordS3Test : public ::testing::Test {
  protected:
    void SetUp() override {
        OV2HA_REQUIRE_PROGRAM("ffprobe");
        fs::create_directories(m_recordings);
    }

    // Records `seconds` of lavfi test input in 1-second chunks with the given environment.
    RunResult record(const std::string& video_id, int seconds,
                     std::map<std::string, std::string> environment,
                     std::vector<std::string> extra = {}) const {
        std::vector<std::string> argv{
            ov2ha_binary(),      "record",
            "--recordings-dir",  m_recordings,
            "--video-id",        video_id,
            "--stop-file",       m_dir / "stop",
            "--video-input",     "lavfi:testsrc2=size=320x240:rate=25",
            "--audio-input",     "lavfi:sine=frequency=440:sample_rate=48000",
            "--resolution",      "320x240",
            "--chunk-time-size", "1",
            "--max-duration",    std::to_string(seconds)};
        argv.insert(argv.end(), extra.begin(), extra.end());
        environment["HA_RECORDING_STORAGE"] = "s3";
        environment["HA_AWS_S3_BUCKET"] = k_bucket;
        return run(argv, environment);
    }

    std::string chunk_folder(const std::string& video_id) const {
        return m_recordings + "/" + video_id + "/chunks";
    }

    // The local chunk files by name, with their bytes.
    std::map<std::string, std::string> local_chunks(const std::string& video_id) const {
        std::map<std::string, std::string> chunks;
        for (const auto& entry : fs::directory_iterator(chunk_folder(video_id))) {
            const std::string name = entry.path().filename().string();
            if (name.front() != '.') {
                chunks[name] = slurp(entry.path().string());
            }
        }
        return chunks;
    }

    TempDir m_dir;
    std::string m_recordings = m_dir / "recordings"; // --recordings-dir
};

TEST_F(RecordS3Test, EveryChunkIsInTheBucketAtStopAndNumberingFollowsTheBucket) {
    std::unique_ptr<S3Server> server;
    OV2HA_START_S3_SERVER(server);
    BucketProbe probe(server->settings(k_bucket));
    ASSERT_TRUE(probe.create_bucket());
    // A chunk an earlier recorder of this id left only in the bucket.
    ASSERT_TRUE(probe.put("rec_s3/chunks/0007.mp4", "from an earlier recorder"));

    const auto result = record("rec_s3", 4, server->environment());
    ASSERT_EQ(result.exit_code, 0) << result.err;

    const auto local = local_chunks("rec_s3");
    ASSERT_GE(local.size(), 3u);
    EXPECT_EQ(local.begin()->first, "0008.mp4") << "numbering continues after the bucket's 0007";
    auto listed = probe.list("rec_s3/chunks/");
    ASSERT_TRUE(listed) << listed.error().text();
    std::map<std::string, std::string> etags;
    for (const auto& object : *listed) {
        etags[object.key] = object.etag;
    }
    EXPECT_EQ(etags.size(), local.size() + 1);
    for (const auto& [name, bytes] : local) {
        EXPECT_EQ(etags["rec_s3/chunks/" + name], md5_hex(bytes)) << name;
    }
    const auto journal =
        chunks::parse_journal(slurp(chunk_folder("rec_s3") + "/" + chunks::k_journal_file_name));
    EXPECT_EQ(journal.entries.size(), local.size());
    EXPECT_NE(result.err.find("every chunk is in the bucket"), std::string::npos) << result.err;

    const std::string video = m_dir / "recordings/rec_s3/rec_s3.mp4";
    EXPECT_GT(probe_duration(video), 3.0);
}

TEST_F(RecordS3Test, UnreachableS3StillFinishesLocallyWithinTheStopWait) {
    const std::string closed = "http://127.0.0.1:" + std::to_string(free_loopback_port());
    const auto started = std::chrono::steady_clock::now();
    const auto result = record("rec_down", 3,
                               {{"HA_AWS_S3_SERVICE_ENDPOINT", closed},
                                {"HA_AWS_ACCESS_KEY", S3Server::k_access_key},
                                {"HA_AWS_SECRET_KEY", S3Server::k_secret_key},
                                {"OV2HA_S3_RETRY_BASE_MS", "10"},
                                {"OV2HA_S3_RETRY_MAX_MS", "50"}},
                               {"--stop-wait-seconds", "2", "--retry-max-seconds", "1"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 15s);
    EXPECT_NE(result.err.find("cannot list the bucket's chunks"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("chunk not uploaded"), std::string::npos) << result.err;
    const auto local = local_chunks("rec_down");
    EXPECT_GE(local.size(), 2u);
    EXPECT_TRUE(
        chunks::parse_journal(slurp(chunk_folder("rec_down") + "/" + chunks::k_journal_file_name))
            .entries.empty());
    EXPECT_GT(probe_duration(m_dir / "recordings/rec_down/rec_down.mp4"), 2.0);
}

TEST_F(RecordS3Test, AFullLocalDiskLosesNoClosedChunk) {
    std::unique_ptr<S3Server> server;
    OV2HA_START_S3_SERVER(server);
    BucketProbe probe(server->settings(k_bucket));
    ASSERT_TRUE(probe.create_bucket());
    std::unique_ptr<SmallDisk> disk;
    OV2HA_MOUNT_SMALL_DISK(disk, 8 << 20);
    m_recordings = *disk / "recordings";
    fs::create_directories(m_recordings);
    // Room for a few one-second chunks and the live join's copy of them.
    ASSERT_TRUE(disk->fill(400 << 10));
    const auto started = std::chrono::steady_clock::now();
    const auto result = record("rec_full", 60, server->environment(),
                               {"--stop-wait-seconds", "3", "--retry-max-seconds", "1"});
    EXPECT_EQ(result.exit_code, 1) << result.err;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 20s) << result.err;
    EXPECT_NE(result.err.find(chunk_folder("rec_full") + "/"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("No space left on device"), std::string::npos) << result.err;

    const auto local = local_chunks("rec_full");
    ASSERT_GE(local.size(), 2u) << result.err;
    auto listed = probe.list("rec_full/chunks/");
    ASSERT_TRUE(listed) << listed.error().text();
    std::map<std::string, std::string> etags;
    for (const auto& object : *listed) {
        etags[object.key] = object.etag;
    }
    // Every chunk but the one the disk filled during was closed whole and is in the bucket.
    for (auto chunk = local.begin(); std::next(chunk) != local.end(); ++chunk) {
        EXPECT_EQ(etags["rec_full/chunks/" + chunk->first], md5_hex(chunk->second))
            << chunk->first << "\n"
            << result.err;
    }
}

TEST_F(RecordS3Test, AMissingBucketInS3ModeIsASettingError) {
    const auto result = run({ov2ha_binary(), "record", "--recordings-dir", m_dir / "recordings",
                             "--video-id", "rec_cfg"},
                            {{"HA_RECORDING_STORAGE", "s3"},
                             {"HA_AWS_ACCESS_KEY", "key"},
                             {"HA_AWS_SECRET_KEY", "secret"}});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.err.find("bad setting s3.bucket=\"\" from default: a bucket is required"),
              std::string::npos)
        << result.err;
    EXPECT_TRUE(fs::is_empty(m_dir / "recordings"));
}

} // namespace
} // namespace ov2ha::test
