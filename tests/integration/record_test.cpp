// `ov2ha record` end to end with lavfi inputs, on a roomy disk and on one that fills up;
// ffprobe/ffmpeg only judge.
#include "tests/support/media_tools.hpp"
#include "tests/support/process.hpp"
#include "tests/support/small_disk.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <thread>

namespace ov2ha::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* k_video = "lavfi:testsrc2=size=320x240:rate=25";
constexpr const char* k_audio = "lavfi:sine=frequency=440:sample_rate=48000";

class RecordTest : public ::testing::Test {
  protected:
    void SetUp() override {
        OV2HA_REQUIRE_PROGRAM("ffprobe");
        OV2HA_REQUIRE_PROGRAM("ffmpeg");
        fs::create_directories(m_dir / "recordings");
        fs::create_directories(m_dir / "logs1");
        fs::create_directories(m_dir / "logs2");
    }

    // A record command line on small lavfi inputs; `chunk_seconds` and
    // `video_input` vary per test, everything else is fixed.
    std::vector<std::string> record_args(const std::string& video_id,
                                         std::vector<std::string> extra = {},
                                         const std::string& chunk_seconds = "2",
                                         const std::string& video_input = k_video) const {
        std::vector<std::string> args{
            ov2ha_binary(),  "record",    "--recordings-dir",  m_recordings,
            "--video-id",    video_id,    "--stop-file",       m_dir / "stop",
            "--video-input", video_input, "--audio-input",     k_audio,
            "--resolution",  "320x240",   "--chunk-time-size", chunk_seconds};
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    }

    std::string recording(const std::string& video_id, const std::string& name) const {
        return m_recordings + "/" + video_id + "/" + name;
    }

    void write_stop_q() const { std::ofstream(m_dir / "stop") << "q\n"; }

    TempDir m_dir;
    std::string m_recordings = m_dir / "recordings"; // --recordings-dir
};

rapidjson::Document parse_json_file(const std::string& path) {
    rapidjson::Document document;
    const std::string text = slurp(path);
    document.Parse(text.c_str());
    EXPECT_FALSE(document.HasParseError()) << path << ": " << text;
    return document;
}

bool wait_for_nonempty(const std::string& path, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        std::error_code error;
        if (fs::file_size(path, error) > 0 && !error) {
            return true;
        }
        std::this_thread::sleep_for(20ms);
    }
    return false;
}

TEST_F(RecordTest, StopByQWritesEveryFileOpenViduReads) {
    Background recorder(record_args("rec_q"), {}, m_dir / "logs1");
    ASSERT_TRUE(wait_for_nonempty(recording("rec_q", "rec_q.mp4"), 2000ms))
        << "OpenVidu needs a non-empty <name>.mp4 within 2 s";
    ASSERT_TRUE(fs::exists(recording("rec_q", ".recording.rec_q")));
    std::this_thread::sleep_for(5s);
    write_stop_q();
    ASSERT_EQ(recorder.wait(20), 0) << recorder.stderr_text();

    const std::string video = recording("rec_q", "rec_q.mp4");
    const auto streams = stream_types(video);
    EXPECT_EQ(streams, (std::vector<std::string>{"video", "audio"}));
    EXPECT_TRUE(decodes_silently(video));
    const double duration = probe_duration(video);
    EXPECT_GT(duration, 4.0);
    EXPECT_LT(duration, 8.0);

    double chunk_sum = 0;
    for (const auto& entry : fs::directory_iterator(recording("rec_q", "chunks"))) {
        chunk_sum += probe_duration(entry.path().string());
    }
    EXPECT_NEAR(duration, chunk_sum, 0.1);

    auto info = parse_json_file(recording("rec_q", "rec_q.info"));
    ASSERT_TRUE(info.HasMember("format"));
    EXPECT_NEAR(std::stod(info["format"]["duration"].GetString()), duration, 0.05);
    EXPECT_EQ(std::stoull(info["format"]["size"].GetString()), fs::file_size(video));
    bool saw_video = false;
    for (const auto& stream : info["streams"].GetArray()) {
        if (std::string(stream["codec_type"].GetString()) == "video") {
            saw_video = true;
            EXPECT_EQ(stream["width"].GetInt(), 320);
            EXPECT_EQ(stream["height"].GetInt(), 240);
            EXPECT_STREQ(stream["r_frame_rate"].GetString(), "25/1");
        }
    }
    EXPECT_TRUE(saw_video);

    auto json = parse_json_file(recording("rec_q", ".recording.rec_q"));
    EXPECT_STREQ(json["status"].GetString(), "stopped");
    EXPECT_EQ(json["size"].GetUint64(), fs::file_size(video));
    EXPECT_NEAR(json["duration"].GetDouble(), duration, 0.05);
    EXPECT_TRUE(json["hasAudio"].GetBool());
    EXPECT_TRUE(json["hasVideo"].GetBool());
    EXPECT_TRUE(json.HasMember("url"));

    EXPECT_EQ(video_width(recording("rec_q", "rec_q.jpg")), 480);
    EXPECT_TRUE(slurp(m_dir / "stop").find('q') != std::string::npos);
}

TEST_F(RecordTest, SigkillKeepsTheCutChunkAndTheNextRunContinuesNumbering) {
    {
        Background recorder(record_args("rec_kill", {}, "6"), {}, m_dir / "logs1");
        ASSERT_TRUE(wait_for_nonempty(recording("rec_kill", "chunks/0002.mp4"), 15000ms));
        std::this_thread::sleep_for(4000ms);
        recorder.signal(SIGKILL);
        recorder.wait(5);
    }
    const std::string cut = recording("rec_kill", "chunks/0002.mp4");
    ASSERT_TRUE(fs::exists(cut));
    const double kept = probe_duration(cut);
    // Killed about 4 s into the chunk; fragments are flushed every second. The
    // bound leaves room for an encoder running late on a loaded machine.
    EXPECT_GT(kept, 1.5) << "the cut chunk lost more than it should";
    EXPECT_FALSE(fs::exists(recording("rec_kill", "chunks/0003.mp4")));

    Background again(record_args("rec_kill", {}, "6"), {}, m_dir / "logs2");
    ASSERT_TRUE(wait_for_nonempty(recording("rec_kill", "chunks/0003.mp4"), 10000ms))
        << again.stderr_text();
    std::this_thread::sleep_for(2s);
    write_stop_q();
    ASSERT_EQ(again.wait(20), 0) << again.stderr_text();
    const std::string video = recording("rec_kill", "rec_kill.mp4");
    EXPECT_TRUE(decodes_silently(video));
    EXPECT_GT(probe_duration(video), 6.0 + kept + 1.0);
}

TEST_F(RecordTest, SigtermStopsAndFinalises) {
    Background recorder(record_args("rec_term"), {}, m_dir / "logs1");
    ASSERT_TRUE(wait_for_nonempty(recording("rec_term", "chunks/0001.mp4"), 5000ms));
    std::this_thread::sleep_for(2s);
    recorder.signal(SIGTERM);
    ASSERT_EQ(recorder.wait(20), 0) << recorder.stderr_text();
    auto json = parse_json_file(recording("rec_term", ".recording.rec_term"));
    EXPECT_STREQ(json["status"].GetString(), "stopped");
}

TEST_F(RecordTest, MaxDurationStopsByItselfAndOnlyVideoHasNoAudio) {
    Background recorder(record_args("rec_max", {"--max-duration", "3"}), {{"ONLY_VIDEO", "true"}},
                        m_dir / "logs1");
    ASSERT_EQ(recorder.wait(20), 0) << recorder.stderr_text();
    const std::string video = recording("rec_max", "rec_max.mp4");
    EXPECT_EQ(stream_types(video), std::vector<std::string>{"video"});
    auto json = parse_json_file(recording("rec_max", ".recording.rec_max"));
    EXPECT_FALSE(json["hasAudio"].GetBool());
}

TEST_F(RecordTest, StartChunkAndRecordingJsonFromTheEnvironment) {
    Background recorder(
        record_args("rec_env", {"--max-duration", "2"}),
        {{"START_CHUNK", "50"},
         {"RECORDING_JSON", R"({"id":"rec_env","url":"https://x/layout","sessionId":"ses_1"})"}},
        m_dir / "logs1");
    ASSERT_EQ(recorder.wait(20), 0) << recorder.stderr_text();
    EXPECT_TRUE(fs::exists(recording("rec_env", "chunks/0050.mp4")));
    EXPECT_FALSE(fs::exists(recording("rec_env", "chunks/0001.mp4")));
    auto json = parse_json_file(recording("rec_env", ".recording.rec_env"));
    EXPECT_STREQ(json["url"].GetString(), "https://x/layout");
    EXPECT_STREQ(json["sessionId"].GetString(), "ses_1");
    EXPECT_STREQ(json["object"].GetString(), "recording");
}

TEST_F(RecordTest, DotenvUnderTheRecordingsFolderIsRead) {
    std::ofstream(m_dir / "recordings/.env") << "# HA settings\nCHUNK_TIME_SIZE=7\n";
    const auto result =
        run({ov2ha_binary(), "record", "--print-config", "--recordings-dir", m_dir / "recordings"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("chunk_time_size = \"7\""), std::string::npos) << result.out;
}

TEST_F(RecordTest, BadVideoIdsAreRefusedBeforeAnythingStarts) {
    for (const std::string bad : {"a/b", "..", "../x", "a b", "tab\there", ""}) {
        const auto result = run(record_args(bad));
        EXPECT_EQ(result.exit_code, 2) << "VIDEO_ID '" << bad << "'";
        const bool named = result.err.find("video_id") != std::string::npos ||
                           result.err.find("VIDEO_ID") != std::string::npos;
        EXPECT_TRUE(named) << result.err;
    }
    const auto missing = run({ov2ha_binary(), "record", "--recordings-dir", m_dir / "recordings"});
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.err.find("VIDEO_ID is not set"), std::string::npos) << missing.err;
    EXPECT_TRUE(fs::is_empty(m_dir / "recordings"));
}

TEST_F(RecordTest, BadRecordingJsonIsRefused) {
    const auto result = run(record_args("rec_json"), {{"RECORDING_JSON", "{\"id\": "}});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.err.find("RECORDING_JSON"), std::string::npos) << result.err;
}

TEST_F(RecordTest, UnopenableInputFailsFastInWords) {
    const auto args = record_args("rec_bad", {}, "2", "lavfi:no_such_filter_anywhere");
    const auto started = std::chrono::steady_clock::now();
    const auto result = run(args);
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 15s);
    EXPECT_NE(result.err.find("no_such_filter_anywhere"), std::string::npos) << result.err;
    auto json = parse_json_file(recording("rec_bad", ".recording.rec_bad"));
    EXPECT_STREQ(json["status"].GetString(), "failed");
}

TEST_F(RecordTest, AFullDiskEndsTheRecordingInWordsAndKeepsTheClosedChunks) {
    std::unique_ptr<SmallDisk> disk;
    OV2HA_MOUNT_SMALL_DISK(disk, 8 << 20);
    m_recordings = *disk / "recordings";
    fs::create_directories(m_recordings);
    // Room for a few one-second chunks and the live join's copy of them.
    ASSERT_TRUE(disk->fill(400 << 10));
    const auto started = std::chrono::steady_clock::now();
    Background recorder(record_args("rec_full", {"--max-duration", "60"}, "1"), {},
                        m_dir / "logs1");
    const int code = recorder.wait(30);
    const std::string log = recorder.stderr_text();
    ASSERT_EQ(code, 1) << log;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 20s) << log;
    const std::string chunk_folder = recording("rec_full", "chunks");
    EXPECT_NE(log.find(chunk_folder + "/"), std::string::npos) << log;
    EXPECT_NE(log.find("No space left on device"), std::string::npos) << log;

    std::vector<std::string> chunks;
    for (const auto& entry : fs::directory_iterator(chunk_folder)) {
        chunks.push_back(entry.path().string());
    }
    std::sort(chunks.begin(), chunks.end());
    ASSERT_GE(chunks.size(), 2u) << log;
    // Every chunk closed before the disk filled is whole; the one it filled during keeps
    // what reached the disk.
    for (size_t i = 0; i + 1 < chunks.size(); ++i) {
        EXPECT_EQ(decode_complaints(chunks[i]), "") << chunks[i];
        EXPECT_GT(probe_duration(chunks[i]), 0.5) << chunks[i];
    }
    EXPECT_EQ(hidden_files(chunk_folder), std::vector<std::string>{});
    EXPECT_EQ(hidden_files(recording("rec_full", "")),
              std::vector<std::string>{".recording.rec_full"});
    // The failed join's temporary file is gone, so .recording had room to say "failed".
    auto json = parse_json_file(recording("rec_full", ".recording.rec_full"));
    EXPECT_STREQ(json["status"].GetString(), "failed") << log;
}

} // namespace
} // namespace ov2ha::test
