// `ov2ha join` and the joiner library on chunks made by the ffmpeg CLI, judged
// by ffprobe and ffmpeg: durations, streams, silent decoding, moov placement,
// truncated and garbage chunks, numeric order, the .info, report and thumbnail.
#include "core/chunks/chunk_folder.hpp"
#include "core/media/joiner.hpp"
#include "core/media/thumbnail.hpp"
#include "tests/support/media_tools.hpp"
#include "tests/support/process.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace ov2ha::test {
namespace {

constexpr double k_duration_tolerance = 0.1;

rapidjson::Document parse_json(const std::string& text) {
    rapidjson::Document json;
    json.Parse(text.c_str());
    EXPECT_FALSE(json.HasParseError()) << text;
    return json;
}

RunResult join(const std::vector<std::string>& arguments) {
    std::vector<std::string> argv = {ov2ha_binary(), "join"};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    return run(argv);
}

// The checks every good join must pass against the chunks it came from.
void expect_sound_join(const std::string& output, double expected_seconds, bool audio = true) {
    EXPECT_NEAR(probe_duration(output), expected_seconds, k_duration_tolerance);
    EXPECT_EQ(stream_types(output), audio ? (std::vector<std::string>{"video", "audio"})
                                          : (std::vector<std::string>{"video"}));
    EXPECT_EQ(decode_complaints(output), "");
    const auto boxes = top_level_boxes(output);
    const auto moov = std::find(boxes.begin(), boxes.end(), "moov");
    const auto mdat = std::find(boxes.begin(), boxes.end(), "mdat");
    ASSERT_NE(moov, boxes.end());
    ASSERT_NE(mdat, boxes.end());
    EXPECT_LT(moov - boxes.begin(), mdat - boxes.begin()) << "moov must come before mdat";
}

// One clock across the joined chunks: every stream's DTS rises at its usual
// pace (no repeat, no step back, no hole longer than `max_step` seconds) and
// audio starts and ends with the video.
void expect_continuous_timeline(const std::string& output, bool audio = true) {
    const auto check = [](const std::vector<double>& times, double max_step, const char* what) {
        ASSERT_GT(times.size(), 1U) << what;
        for (size_t i = 1; i < times.size(); ++i) {
            ASSERT_GT(times[i], times[i - 1]) << what << " packet " << i;
            ASSERT_LE(times[i] - times[i - 1], max_step) << what << " packet " << i;
        }
    };
    const auto video = packet_times(output, "video");
    check(video, 2.0 / 25, "video"); // two frames at 25 fps
    if (audio) {
        const auto sound = packet_times(output, "audio");
        check(sound, 2.0 * 1024 / 48000, "audio"); // two AAC frames
        ASSERT_FALSE(video.empty());
        ASSERT_FALSE(sound.empty());
        EXPECT_NEAR(sound.front(), video.front(), 0.05);
        EXPECT_NEAR(sound.back(), video.back(), 0.1);
    }
}

class Join : public ::testing::Test {
  protected:
    void SetUp() override {
        OV2HA_REQUIRE_PROGRAM("ffmpeg");
        OV2HA_REQUIRE_PROGRAM("ffprobe");
    }
    TempDir m_dir;
};

TEST_F(Join, FragmentedChunksOnOneClockJoinSeamlessly) {
    const auto chunks = make_test_chunks(m_dir / "chunks", {});
    ASSERT_EQ(chunks.size(), 3U);
    const auto result =
        join({m_dir / "chunks", "-o", m_dir / "out.mp4", "--report", m_dir / "report.json"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    expect_sound_join(m_dir / "out.mp4", total_duration(chunks));
    expect_continuous_timeline(m_dir / "out.mp4");
    const auto report = parse_json(slurp(m_dir / "report.json"));
    EXPECT_EQ(report["counts"]["ok"].GetInt(), 3);
    EXPECT_NE(result.out.find(m_dir / "out.mp4"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("duration"), std::string::npos) << result.out;
}

TEST_F(Join, FragmentedChunksThatRestartTheirClockJoinSeamlessly) {
    ChunkRecipe recipe;
    recipe.layout = ChunkLayout::fragmented_restarting;
    const auto chunks = make_test_chunks(m_dir / "chunks", recipe);
    ASSERT_EQ(chunks.size(), 3U);
    const auto result = join({m_dir / "chunks", "-o", m_dir / "out.mp4"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    expect_sound_join(m_dir / "out.mp4", total_duration(chunks));
    expect_continuous_timeline(m_dir / "out.mp4");
}

TEST_F(Join, SegmentChunksWithResetTimestampsJoinSeamlessly) {
    ChunkRecipe recipe;
    recipe.layout = ChunkLayout::plain_reset;
    const auto chunks = make_test_chunks(m_dir / "chunks", recipe);
    ASSERT_EQ(chunks.size(), 3U);
    const auto result = join({m_dir / "chunks", "-o", m_dir / "out.mp4"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    expect_sound_join(m_dir / "out.mp4", total_duration(chunks));
    expect_continuous_timeline(m_dir / "out.mp4");
}

TEST_F(Join, RecorderRestartStartsTheClockAgainWithoutAGlitch) {
    // Two recorder runs in one folder: 0001-0002 on one clock, then 0003-0004
    // on a new clock that starts at 0 again.
    ChunkRecipe first;
    first.total_seconds = 4;
    auto chunks = make_test_chunks(m_dir / "first", first);
    ChunkRecipe second = first;
    second.first_number = 3;
    const auto more = make_test_chunks(m_dir / "second", second);
    ASSERT_EQ(chunks.size(), 2U);
    ASSERT_EQ(more.size(), 2U);
    std::filesystem::create_directories(m_dir / "chunks");
    chunks.insert(chunks.end(), more.begin(), more.end());
    for (const auto& chunk : chunks) {
        std::filesystem::copy_file(
            chunk, m_dir / ("chunks/" + std::filesystem::path(chunk).filename().string()));
    }
    const auto result = join({m_dir / "chunks", "-o", m_dir / "out.mp4"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    expect_sound_join(m_dir / "out.mp4", total_duration(chunks));
    expect_continuous_timeline(m_dir / "out.mp4");
}

TEST_F(Join, ChunksJoinInNumericOrderAcross9999) {
    ChunkRecipe recipe;
    recipe.first_number = 9999;
    const auto chunks = make_test_chunks(m_dir / "chunks", recipe);
    ASSERT_EQ(chunks.size(), 3U);
    ASSERT_EQ(std::filesystem::path(chunks[2]).filename(), "10001.mp4");
    const auto result =
        join({m_dir / "chunks", "-o", m_dir / "out.mp4", "--report", m_dir / "report.json"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const auto report = parse_json(slurp(m_dir / "report.json"));
    ASSERT_EQ(report["chunks"].Size(), 3U);
    EXPECT_STREQ(report["chunks"][0]["chunk"].GetString(), "9999.mp4");
    EXPECT_STREQ(report["chunks"][1]["chunk"].GetString(), "10000.mp4");
    EXPECT_STREQ(report["chunks"][2]["chunk"].GetString(), "10001.mp4");
    expect_sound_join(m_dir / "out.mp4", total_duration(chunks));
    expect_continuous_timeline(m_dir / "out.mp4");
}

TEST_F(Join, TruncatedChunkKeepsItsReadablePartAndIsReported) {
    const auto chunks = make_test_chunks(m_dir / "chunks", {});
    ASSERT_EQ(chunks.size(), 3U);
    const double whole = total_duration(chunks);
    cut_file(chunks[1], 0.6);
    const auto result =
        join({m_dir / "chunks", "-o", m_dir / "out.mp4", "--report", m_dir / "report.json"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const auto report = parse_json(slurp(m_dir / "report.json"));
    const auto& cut = report["chunks"][1];
    EXPECT_STREQ(cut["status"].GetString(), "truncated");
    EXPECT_GT(cut["seconds_kept"].GetDouble(), 0.2);
    EXPECT_LT(cut["seconds_kept"].GetDouble(), 1.9);
    EXPECT_STRNE(cut["detail"].GetString(), "");
    EXPECT_EQ(report["counts"]["ok"].GetInt(), 2);
    const double lost = 2.0 - cut["seconds_kept"].GetDouble();
    expect_sound_join(m_dir / "out.mp4", whole - lost);
    EXPECT_NE(result.err.find("0002.mp4"), std::string::npos) << result.err;
}

TEST_F(Join, GarbageAndEmptyChunksAreSkippedAndReported) {
    const auto chunks = make_test_chunks(m_dir / "chunks", {});
    ASSERT_EQ(chunks.size(), 3U);
    const double expected = probe_duration(chunks[0]) + probe_duration(chunks[2]);
    std::ofstream(chunks[1], std::ios::binary | std::ios::trunc)
        << std::string(50000, '\x5a') << "not an mp4 at all";
    std::ofstream(m_dir / "chunks/0004.mp4", std::ios::binary | std::ios::trunc);
    const auto result =
        join({m_dir / "chunks", "-o", m_dir / "out.mp4", "--report", m_dir / "report.json"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const auto report = parse_json(slurp(m_dir / "report.json"));
    ASSERT_EQ(report["chunks"].Size(), 4U);
    EXPECT_STREQ(report["chunks"][1]["status"].GetString(), "skipped");
    EXPECT_STRNE(report["chunks"][1]["detail"].GetString(), "");
    EXPECT_STREQ(report["chunks"][3]["status"].GetString(), "skipped");
    EXPECT_EQ(report["counts"]["skipped"].GetInt(), 2);
    EXPECT_NE(result.err.find("0002.mp4"), std::string::npos) << result.err;
    expect_sound_join(m_dir / "out.mp4", expected);
}

TEST_F(Join, ChunkWithAnotherPictureSizeIsSkipped) {
    const auto chunks = make_test_chunks(m_dir / "chunks", {});
    ASSERT_EQ(chunks.size(), 3U);
    ChunkRecipe small;
    small.total_seconds = 2;
    small.width = 160;
    small.height = 120;
    const auto other = make_test_chunks(m_dir / "other", small);
    ASSERT_EQ(other.size(), 1U);
    std::filesystem::copy_file(other[0], chunks[1],
                               std::filesystem::copy_options::overwrite_existing);
    const auto result =
        join({m_dir / "chunks", "-o", m_dir / "out.mp4", "--report", m_dir / "report.json"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const auto report = parse_json(slurp(m_dir / "report.json"));
    EXPECT_STREQ(report["chunks"][1]["status"].GetString(), "skipped");
    EXPECT_NE(std::string(report["chunks"][1]["detail"].GetString()).find("160x120"),
              std::string::npos);
    expect_sound_join(m_dir / "out.mp4", probe_duration(chunks[0]) + probe_duration(chunks[2]));
}

TEST_F(Join, VideoOnlyChunksJoin) {
    ChunkRecipe recipe;
    recipe.audio = false;
    const auto chunks = make_test_chunks(m_dir / "chunks", recipe);
    ASSERT_EQ(chunks.size(), 3U);
    const auto result = join({m_dir / "chunks", "-o", m_dir / "out.mp4"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    expect_sound_join(m_dir / "out.mp4", total_duration(chunks), false);
    expect_continuous_timeline(m_dir / "out.mp4", false);
}

TEST_F(Join, AudioOnlyChunksUseAudioAsTheClock) {
    ChunkRecipe recipe;
    recipe.video = false;
    recipe.layout = ChunkLayout::plain_reset;
    const auto chunks = make_test_chunks(m_dir / "chunks", recipe);
    ASSERT_GE(chunks.size(), 2U);
    const auto result =
        join({m_dir / "chunks", "-o", m_dir / "out.mp4", "--report", m_dir / "report.json"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(stream_types(m_dir / "out.mp4"), std::vector<std::string>{"audio"});
    EXPECT_NEAR(probe_duration(m_dir / "out.mp4"), total_duration(chunks), k_duration_tolerance);
    EXPECT_EQ(decode_complaints(m_dir / "out.mp4"), "");
    EXPECT_FALSE(parse_json(slurp(m_dir / "report.json"))["has_video"].GetBool());
}

TEST_F(Join, MissingFolderExitsOneWithClearWords) {
    const auto result = join({m_dir / "nowhere/chunks"});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find(m_dir / "nowhere/chunks"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("does not exist"), std::string::npos) << result.err;
}

TEST_F(Join, FolderWithoutChunksExitsOne) {
    std::filesystem::create_directories(m_dir / "chunks");
    std::ofstream(m_dir / "chunks/notes.txt") << "no chunks here";
    const auto result = join({m_dir / "chunks"});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("no chunk files"), std::string::npos) << result.err;
}

TEST_F(Join, OnlyGarbageExitsOneAndLeavesNothingBehind) {
    std::filesystem::create_directories(m_dir / "chunks");
    std::ofstream(m_dir / "chunks/0001.mp4") << "garbage";
    std::ofstream(m_dir / "chunks/0002.mp4") << std::string(4096, '\0');
    const auto result = join({m_dir / "chunks", "-o", m_dir / "out.mp4"});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("none of the 2 chunk file(s) holds readable media"),
              std::string::npos)
        << result.err;
    EXPECT_FALSE(std::filesystem::exists(m_dir / "out.mp4"));
    EXPECT_EQ(hidden_files(m_dir.path()), std::vector<std::string>{});
}

TEST_F(Join, DefaultOutputIsWhereOpenViduLooks) {
    ChunkRecipe recipe;
    recipe.total_seconds = 2;
    ASSERT_EQ(make_test_chunks(m_dir / "ses_A/chunks", recipe).size(), 1U);
    auto result = join({m_dir / "ses_A/chunks/"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_TRUE(std::filesystem::exists(m_dir / "ses_A/ses_A.mp4"));

    std::filesystem::rename(m_dir / "ses_A/chunks", m_dir / "ses_A/parts");
    result = join({m_dir / "ses_A/parts"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_TRUE(std::filesystem::exists(m_dir / "ses_A/parts.mp4"));
}

TEST_F(Join, InfoReportAndThumbnailAreValid) {
    const auto chunks = make_test_chunks(m_dir / "chunks", {});
    ASSERT_EQ(chunks.size(), 3U);
    const std::string out = m_dir / "out.mp4";
    const auto result = join({m_dir / "chunks", "-o", out, "--report", m_dir / "report.json",
                              "--info", m_dir / "out.info", "--thumbnail", m_dir / "out.jpg"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    for (const char* name : {"report.json", "out.info", "out.jpg"}) {
        EXPECT_NE(result.out.find(m_dir / name), std::string::npos) << name << ": " << result.out;
    }

    const auto report = parse_json(slurp(m_dir / "report.json"));
    EXPECT_NEAR(report["duration_seconds"].GetDouble(), probe_duration(out), 0.01);
    EXPECT_EQ(report["output_bytes"].GetUint64(), std::filesystem::file_size(out));
    EXPECT_TRUE(report["has_video"].GetBool());
    EXPECT_TRUE(report["has_audio"].GetBool());

    // Every field of the .info is one ffprobe prints for the same file, with
    // ffprobe's JSON type and value.
    const auto info = parse_json(slurp(m_dir / "out.info"));
    const auto probed = parse_json(ffprobe_json(out));
    const auto same_fields = [](const rapidjson::Value& ours, const rapidjson::Value& theirs,
                                const std::string& where) {
        for (auto field = ours.MemberBegin(); field != ours.MemberEnd(); ++field) {
            const std::string name = field->name.GetString();
            ASSERT_TRUE(theirs.HasMember(name.c_str())) << where << name;
            EXPECT_TRUE(field->value == theirs[name.c_str()]) << where << name;
        }
    };
    same_fields(info["format"], probed["format"], "format.");
    ASSERT_EQ(info["streams"].Size(), probed["streams"].Size());
    for (rapidjson::SizeType i = 0; i < info["streams"].Size(); ++i) {
        same_fields(info["streams"][i], probed["streams"][i],
                    "streams[" + std::to_string(i) + "].");
    }
    for (const char* field :
         {"filename", "nb_streams", "format_name", "start_time", "duration", "size", "bit_rate"}) {
        EXPECT_TRUE(info["format"].HasMember(field)) << field;
    }
    const auto& video = info["streams"][0];
    for (const char* field :
         {"index", "codec_name", "codec_type", "width", "height", "pix_fmt", "r_frame_rate",
          "avg_frame_rate", "time_base", "start_time", "duration"}) {
        EXPECT_TRUE(video.HasMember(field)) << field;
    }
    EXPECT_TRUE(info["streams"][1].HasMember("sample_rate"));
    EXPECT_TRUE(info["streams"][1].HasMember("channels"));

    EXPECT_EQ(stream_field(m_dir / "out.jpg", "video", "codec_name"), "mjpeg");
    EXPECT_EQ(stream_field(m_dir / "out.jpg", "video", "width"), "480");
    EXPECT_EQ(stream_field(m_dir / "out.jpg", "video", "height"), "360");
}

TEST_F(Join, HelpTeachesFlagsReportAndExitCodes) {
    const auto result = join({"--help"});
    EXPECT_EQ(result.exit_code, 0);
    for (const char* words : {"SRC", "--output", "--report", "--info", "--thumbnail", "chunks",
                              "truncated", "skipped", "Exit codes", "10000.mp4"}) {
        EXPECT_NE(result.out.find(words), std::string::npos) << words;
    }
}

TEST_F(Join, ThumbnailKeepsAspectWithAnEvenHeight) {
    ChunkRecipe recipe;
    recipe.total_seconds = 2;
    recipe.width = 350;
    recipe.height = 240;
    recipe.audio = false;
    ASSERT_TRUE(make_test_media(m_dir / "odd.mp4", recipe));
    const auto written = media::write_thumbnail(m_dir / "odd.mp4", m_dir / "odd.jpg");
    ASSERT_TRUE(written) << written.message();
    EXPECT_EQ(stream_field(m_dir / "odd.jpg", "video", "width"), "480");
    EXPECT_EQ(stream_field(m_dir / "odd.jpg", "video", "height"), "330"); // 480 * 240 / 350 = 329.1
    EXPECT_EQ(hidden_files(m_dir.path()), std::vector<std::string>{});
}

TEST_F(Join, ThumbnailOfAudioOnlyFileFailsWithWords) {
    ChunkRecipe recipe;
    recipe.total_seconds = 1;
    recipe.video = false;
    ASSERT_TRUE(make_test_media(m_dir / "audio.mp4", recipe));
    const auto written = media::write_thumbnail(m_dir / "audio.mp4", m_dir / "audio.jpg");
    ASSERT_FALSE(written);
    EXPECT_NE(written.message().find("no decodable video"), std::string::npos) << written.message();
    EXPECT_FALSE(std::filesystem::exists(m_dir / "audio.jpg"));
}

// The library as the recorder calls it.
class JoinChunks : public Join {};

TEST_F(JoinChunks, ReportsProgressOnTheCallingThreadUpToTheTotal) {
    ASSERT_EQ(make_test_chunks(m_dir / "chunks", {}).size(), 3U);
    auto chunks = chunks::list_chunk_folder(m_dir / "chunks");
    ASSERT_TRUE(chunks);
    media::JoinOptions options;
    options.chunks = *chunks;
    options.output_path = m_dir / "out.mp4";
    std::vector<std::pair<std::size_t, std::size_t>> calls;
    options.progress = [&calls](std::size_t done, std::size_t total) {
        calls.emplace_back(done, total);
    };
    const auto report = media::join_chunks(options);
    ASSERT_TRUE(report) << report.message();
    ASSERT_FALSE(calls.empty());
    EXPECT_EQ(calls.back(), (std::pair<std::size_t, std::size_t>{3, 3}));
    EXPECT_TRUE(report->has_video);
    EXPECT_TRUE(report->has_audio);
    EXPECT_EQ(report->output_bytes, std::filesystem::file_size(m_dir / "out.mp4"));
    EXPECT_NEAR(report->duration_seconds, probe_duration(m_dir / "out.mp4"), 0.01);
}

TEST_F(JoinChunks, CancelledJoinLeavesNoFileBehind) {
    ASSERT_EQ(make_test_chunks(m_dir / "chunks", {}).size(), 3U);
    auto chunks = chunks::list_chunk_folder(m_dir / "chunks");
    ASSERT_TRUE(chunks);
    std::atomic<bool> cancel{false};
    media::JoinOptions options;
    options.chunks = *chunks;
    options.output_path = m_dir / "out.mp4";
    options.cancel = &cancel;
    // Cancel once the copy is under way (the first chunk is done).
    options.progress = [&cancel](std::size_t, std::size_t) { cancel.store(true); };
    const auto report = media::join_chunks(options);
    ASSERT_FALSE(report);
    EXPECT_NE(report.message().find("cancelled"), std::string::npos) << report.message();
    EXPECT_FALSE(std::filesystem::exists(m_dir / "out.mp4"));
    EXPECT_EQ(hidden_files(m_dir.path()), std::vector<std::string>{});
}

TEST_F(JoinChunks, NoChunksIsAnError) {
    media::JoinOptions options;
    options.output_path = m_dir / "out.mp4";
    const auto report = media::join_chunks(options);
    ASSERT_FALSE(report);
    EXPECT_NE(report.message().find("no chunk files"), std::string::npos) << report.message();
}

} // namespace
} // namespace ov2ha::test
