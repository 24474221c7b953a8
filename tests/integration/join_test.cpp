// `ov2ha join`, the joiner library (whole folders and chunk by chunk) and
// the moov move on files made by the ffmpeg CLI, judged by ffprobe and ffmpeg:
// durations, streams, silent decoding, moov placement on file systems that
// insert room and on one that does not (tmpfs), truncated and garbage chunks,
// numeric order, the .info, report and thumbnail, and an output disk that fills up.
#include "core/chunks/chunk_folder.hpp"
#include "core/media/joiner.hpp"
#include "core/media/mp4_moov.hpp"
#include "core/media/thumbnail.hpp"
#include "tests/support/media_tools.hpp"
#include "tests/support/process.hpp"
#include "tests/support/small_disk.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <linux/falloc.h>
#include <linux/magic.h>
#include <map>
#include <memory>
#include <rapidjson/document.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

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

// Every packet's timestamps, size and MD5 as `ffmpeg -c copy -f framemd5`
// prints them: equal for two files exactly when they hold the same packets.
std::string packet_checksums(const std::string& path) {
    const RunResult result = run(
        {"ffmpeg", "-v", "error", "-i", path, "-map", "0", "-c", "copy", "-f", "framemd5", "-"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return result.out;
}

std::uint64_t inode_of(const std::string& path) {
    struct stat info {};
    EXPECT_EQ(::stat(path.c_str(), &info), 0) << path << ": " << std::strerror(errno);
    return info.st_ino;
}

// Why the file system under `folder` will not insert room at the start of a
// file (FALLOC_FL_INSERT_RANGE), or empty when it will.
std::string insert_range_refusal(const std::string& folder) {
    const std::string probe = folder + "/insert-range-probe";
    const int fd = ::open(probe.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        return std::string("cannot create a probe file: ") + std::strerror(errno);
    }
    struct stat info {};
    std::string refusal;
    if (::fstat(fd, &info) != 0) {
        refusal = std::string("cannot inspect the probe file: ") + std::strerror(errno);
    } else {
        const std::string bytes(static_cast<size_t>(info.st_blksize) * 2, 'x');
        if (::write(fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size()) ||
            ::fallocate(fd, FALLOC_FL_INSERT_RANGE, 0, info.st_blksize) != 0) {
            refusal = std::strerror(errno);
        }
    }
    ::close(fd);
    ::unlink(probe.c_str());
    return refusal;
}

// A fresh folder on the tmpfs at /dev/shm, which does not insert room in a
// file; removed when destroyed. path() is empty when there is no such tmpfs.
class TmpfsDir {
  public:
    TmpfsDir() {
        struct statfs info {};
        if (::statfs("/dev/shm", &info) != 0 || info.f_type != TMPFS_MAGIC) {
            return;
        }
        std::string pattern = "/dev/shm/ov2ha-join-test-XXXXXX";
        if (::mkdtemp(pattern.data())) {
            m_path = pattern;
        }
    }
    ~TmpfsDir() {
        if (!m_path.empty()) {
            std::error_code ignored;
            std::filesystem::remove_all(m_path, ignored);
        }
    }
    TmpfsDir(const TmpfsDir&) = delete;
    TmpfsDir& operator=(const TmpfsDir&) = delete;
    const std::string& path() const { return m_path; }
    std::string operator/(const std::string& name) const { return m_path + "/" + name; }

  private:
    std::string m_path;
};

// Skips the test, saying why, unless `dir` is a tmpfs folder that refuses to
// insert room (so the moov move must copy).
#define OV2HA_REQUIRE_TMPFS_WITHOUT_INSERT(dir)                                                    \
    do {                                                                                           \
        if ((dir).path().empty()) {                                                                \
            GTEST_SKIP() << "no tmpfs at /dev/shm to test the copying moov move on";               \
        }                                                                                          \
        if (insert_range_refusal((dir).path()).empty()) {                                          \
            GTEST_SKIP() << "this kernel's tmpfs inserts room; nothing here forces the copy";      \
        }                                                                                          \
    } while (0)

class Join : public ::testing::Test {
  protected:
    void SetUp() override {
        OV2HA_REQUIRE_PROGRAM("ffmpeg");
        OV2HA_REQUIRE_PROGRAM("ffprobe");
    }

    // Makes three chunks from `recipe`, joins them into out.mp4 with the
    // command and checks that the join is sound and its timeline continuous.
    void expect_seamless_join_of(const ChunkRecipe& recipe) {
        const auto chunks = make_test_chunks(m_dir / "chunks", recipe);
        ASSERT_EQ(chunks.size(), 3U);
        const auto result = join({m_dir / "chunks", "-o", m_dir / "out.mp4"});
        ASSERT_EQ(result.exit_code, 0) << result.err;
        expect_sound_join(m_dir / "out.mp4", total_duration(chunks), recipe.audio);
        expect_continuous_timeline(m_dir / "out.mp4", recipe.audio);
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
    expect_seamless_join_of(recipe);
}

TEST_F(Join, SegmentChunksWithResetTimestampsJoinSeamlessly) {
    ChunkRecipe recipe;
    recipe.layout = ChunkLayout::plain_reset;
    expect_seamless_join_of(recipe);
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
    expect_seamless_join_of(recipe);
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

TEST_F(Join, AFullOutputDiskExitsOneNamingThePathAndLeavesNothingBehind) {
    const auto chunks = make_test_chunks(m_dir / "chunks", {});
    ASSERT_EQ(chunks.size(), 3U);
    std::map<std::string, std::string> sources;
    std::uint64_t source_bytes = 0;
    for (const auto& chunk : chunks) {
        sources[chunk] = slurp(chunk);
        source_bytes += sources[chunk].size();
    }
    std::unique_ptr<SmallDisk> disk;
    OV2HA_MOUNT_SMALL_DISK(disk, 4 * source_bytes);
    const std::string out_folder = *disk / "out";
    std::filesystem::create_directories(out_folder);
    // No room at all; room for half the media; room for the media but not for the copy
    // that puts the moov in front on a tmpfs.
    for (const std::uint64_t room : {std::uint64_t{0}, source_bytes / 2, source_bytes * 3 / 2}) {
        SCOPED_TRACE("free bytes: " + std::to_string(room));
        ASSERT_TRUE(disk->fill(room));
        const std::string out = out_folder + "/out.mp4";
        const auto result = join({m_dir / "chunks", "-o", out});
        EXPECT_EQ(result.exit_code, 1) << result.err;
        EXPECT_NE(result.err.find(out_folder + "/"), std::string::npos) << result.err;
        EXPECT_NE(result.err.find("No space left on device"), std::string::npos) << result.err;
        EXPECT_FALSE(std::filesystem::exists(out));
        EXPECT_EQ(hidden_files(out_folder), std::vector<std::string>{});
        disk->free_space();
    }
    for (const auto& [chunk, bytes] : sources) {
        EXPECT_EQ(slurp(chunk), bytes) << chunk << " must stay as it was";
    }
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

// Moving the moov of a finished MP4 to its front.
class Mp4MoveMoov : public Join {
  protected:
    // A 3 s MP4 as ffmpeg writes it without +faststart: [ftyp][free][mdat][moov].
    std::string make_plain_mp4(const std::string& path) {
        ChunkRecipe recipe;
        recipe.total_seconds = 3;
        EXPECT_TRUE(make_test_media(path, recipe));
        EXPECT_EQ(top_level_boxes(path),
                  (std::vector<std::string>{"ftyp", "free", "mdat", "moov"}));
        return path;
    }

    // Moves the moov of `path` and checks that the file holds the same
    // packets, decodes silently with moov before mdat, and is the same file
    // (room inserted) or a new one (copied) as `same_file` says.
    void expect_moov_moved(const std::string& path, bool same_file) {
        const std::string before = packet_checksums(path);
        const double duration = probe_duration(path);
        const std::uint64_t inode = inode_of(path);
        const auto moved = media::move_moov_to_front(path);
        ASSERT_TRUE(moved) << moved.message();
        expect_sound_join(path, duration);
        EXPECT_NEAR(probe_duration(path), duration, 0.001);
        EXPECT_EQ(packet_checksums(path), before);
        EXPECT_EQ(inode_of(path) == inode, same_file) << "inode before " << inode;
        EXPECT_EQ(hidden_files(std::filesystem::path(path).parent_path()),
                  std::vector<std::string>{});
    }
};

TEST_F(Mp4MoveMoov, InsertsRoomInFrontWhereTheFileSystemCan) {
    if (const std::string refusal = insert_range_refusal(m_dir.path()); !refusal.empty()) {
        GTEST_SKIP() << "the test folder's file system does not insert room (" << refusal
                     << "); the copying move is tested on tmpfs";
    }
    const std::string path = make_plain_mp4(m_dir / "plain.mp4");
    expect_moov_moved(path, true);
    const auto boxes = top_level_boxes(path);
    ASSERT_GE(boxes.size(), 3U);
    EXPECT_EQ(boxes[0], "ftyp");
    EXPECT_EQ(boxes[1], "moov");
    EXPECT_EQ(boxes[2], "free");
}

TEST_F(Mp4MoveMoov, CopiesTheFileWhereTheFileSystemCannotInsertRoom) {
    TmpfsDir tmpfs;
    OV2HA_REQUIRE_TMPFS_WITHOUT_INSERT(tmpfs);
    const std::string plain = make_plain_mp4(m_dir / "plain.mp4");
    std::filesystem::copy_file(plain, tmpfs / "plain.mp4");
    expect_moov_moved(tmpfs / "plain.mp4", false);
    const auto boxes = top_level_boxes(tmpfs / "plain.mp4");
    EXPECT_EQ(boxes, (std::vector<std::string>{"ftyp", "moov", "free", "mdat"}));
}

TEST_F(Mp4MoveMoov, FollowsA64BitMdatSizeAndAMoovRunningToTheEnd) {
    // Rewrite ffmpeg's [free 8][mdat] as one mdat with a 64-bit size (what
    // the muxer does past 4 GiB) and give the moov size 0 ("to the end").
    const std::string path = make_plain_mp4(m_dir / "plain.mp4");
    const std::string before = packet_checksums(path);
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    const auto read32 = [&file](std::uint64_t at) {
        unsigned char bytes[4] = {};
        file.seekg(static_cast<std::streamoff>(at));
        file.read(reinterpret_cast<char*>(bytes), 4);
        return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
               (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
    };
    const auto write_be = [&file](std::uint64_t at, std::uint64_t value, int bytes) {
        file.seekp(static_cast<std::streamoff>(at));
        for (int i = bytes - 1; i >= 0; --i) {
            file.put(static_cast<char>((value >> (8 * i)) & 0xff));
        }
    };
    const std::uint64_t free_at = read32(0);
    const std::uint64_t mdat_at = free_at + 8;
    const std::uint64_t mdat_size = read32(mdat_at);
    const std::uint64_t moov_at = mdat_at + mdat_size;
    write_be(free_at, 1, 4);
    file.seekp(static_cast<std::streamoff>(free_at + 4));
    file.write("mdat", 4);
    write_be(free_at + 8, mdat_size + 8, 8);
    write_be(moov_at, 0, 4);
    file.close();
    ASSERT_EQ(top_level_boxes(path), (std::vector<std::string>{"ftyp", "mdat", "moov"}));
    ASSERT_EQ(packet_checksums(path), before) << "the rewritten file must still be read alike";
    expect_moov_moved(path, insert_range_refusal(m_dir.path()).empty());
}

TEST_F(Mp4MoveMoov, WidensChunkOffsetsThatWouldPass4GiB) {
    if (const std::string refusal = insert_range_refusal(m_dir.path()); !refusal.empty()) {
        GTEST_SKIP() << "the test folder's file system does not insert room (" << refusal
                     << "); copying a 4 GiB file is too slow for a test";
    }
    // A sparse file whose one chunk sits just below 4 GiB, so that the room
    // put in front pushes its offset past what a 32-bit stco holds.
    const auto box = [](const char* type, const std::string& payload) {
        std::string bytes;
        const auto size = static_cast<std::uint32_t>(8 + payload.size());
        for (int shift = 24; shift >= 0; shift -= 8) {
            bytes += static_cast<char>((size >> shift) & 0xff);
        }
        return bytes + type + payload;
    };
    const std::uint64_t chunk_at = 0xfffff800;
    const std::string chunk = "sixteen bytes...";
    const std::string stco_entries = std::string("\0\0\0\0\0\0\0\1\xff\xff\xf8\0", 12);
    const std::string moov =
        box("moov", box("trak", box("mdia", box("minf", box("stbl", box("stco", stco_entries))))));
    const std::string ftyp = box("ftyp", std::string("isom\0\0\2\0isom", 12));
    std::string mdat_header = std::string("\0\0\0\1mdat", 8);
    const std::uint64_t mdat_size = chunk_at + chunk.size() - ftyp.size();
    for (int shift = 56; shift >= 0; shift -= 8) {
        mdat_header += static_cast<char>((mdat_size >> shift) & 0xff);
    }
    const std::string path = m_dir / "sparse.mp4";
    {
        std::ofstream file(path, std::ios::binary);
        file << ftyp << mdat_header;
        file.seekp(static_cast<std::streamoff>(chunk_at));
        file << chunk << moov;
    }
    ASSERT_EQ(top_level_boxes(path), (std::vector<std::string>{"ftyp", "mdat", "moov"}));

    const auto moved = media::move_moov_to_front(path);
    ASSERT_TRUE(moved) << moved.message();
    EXPECT_EQ(top_level_boxes(path),
              (std::vector<std::string>{"ftyp", "moov", "free", "free", "mdat"}));
    std::ifstream file(path, std::ios::binary);
    std::string front(4096, '\0');
    file.read(front.data(), static_cast<std::streamsize>(front.size()));
    EXPECT_EQ(front.find("stco"), std::string::npos);
    const auto co64 = front.find("co64");
    ASSERT_NE(co64, std::string::npos);
    std::uint64_t offset = 0;
    for (size_t i = 0; i < 8; ++i) {
        offset = (offset << 8) | static_cast<unsigned char>(front[co64 + 12 + i]);
    }
    EXPECT_GT(offset, 0xffffffffULL);
    std::string found(chunk.size(), '\0');
    file.seekg(static_cast<std::streamoff>(offset));
    file.read(found.data(), static_cast<std::streamsize>(found.size()));
    EXPECT_EQ(found, chunk) << "the widened offset " << offset << " must still find the chunk";
}

TEST_F(Mp4MoveMoov, RefusesFilesItCannotRearrangeAndLeavesThemAlone) {
    const std::string faststart = m_dir / "faststart.mp4";
    auto argv = std::vector<std::string>{
        "ffmpeg",  "-v",        "error",     "-y",
        "-f",      "lavfi",     "-i",        "testsrc2=size=160x120:rate=25",
        "-t",      "1",         "-c:v",      "libx264",
        "-preset", "ultrafast", "-movflags", "+faststart",
        faststart};
    ASSERT_EQ(run(argv).exit_code, 0);
    std::ofstream(m_dir / "text.mp4") << "not an mp4, just words";
    for (const auto& [name, words] : std::vector<std::pair<std::string, std::string>>{
             {"faststart.mp4", "does not end with its moov"},
             {"text.mp4", "not a well-formed MP4"}}) {
        const std::string before = slurp(m_dir / name);
        const auto moved = media::move_moov_to_front(m_dir / name);
        ASSERT_FALSE(moved) << name;
        EXPECT_NE(moved.message().find(words), std::string::npos) << moved.message();
        EXPECT_NE(moved.message().find(m_dir / name), std::string::npos) << moved.message();
        EXPECT_TRUE(slurp(m_dir / name) == before) << name << " was changed";
    }
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

TEST_F(JoinChunks, JoinOnTmpfsCopiesTheMoovToTheFront) {
    TmpfsDir tmpfs;
    OV2HA_REQUIRE_TMPFS_WITHOUT_INSERT(tmpfs);
    const auto chunks = make_test_chunks(m_dir / "chunks", {});
    ASSERT_EQ(chunks.size(), 3U);
    auto listed = chunks::list_chunk_folder(m_dir / "chunks");
    ASSERT_TRUE(listed);
    media::JoinOptions options;
    options.chunks = *listed;
    options.output_path = tmpfs / "out.mp4";
    const auto report = media::join_chunks(options);
    ASSERT_TRUE(report) << report.message();
    expect_sound_join(tmpfs / "out.mp4", total_duration(chunks));
    expect_continuous_timeline(tmpfs / "out.mp4");
    EXPECT_EQ(report->output_bytes, std::filesystem::file_size(tmpfs / "out.mp4"));
    EXPECT_EQ(hidden_files(tmpfs.path()), std::vector<std::string>{});
}

// The writer the recorder feeds one chunk at a time while it records.
class JoinWriting : public Join {
  protected:
    std::vector<chunks::ChunkFile> listed_chunks() {
        auto listed = chunks::list_chunk_folder(m_dir / "chunks");
        EXPECT_TRUE(listed) << listed.message();
        return listed ? *listed : std::vector<chunks::ChunkFile>{};
    }
};

TEST_F(JoinWriting, ChunksAppendedOneAtATimeJoinSeamlessly) {
    const auto chunks = make_test_chunks(m_dir / "chunks", {});
    ASSERT_EQ(chunks.size(), 3U);
    const std::string temporary = m_dir / ".out.mp4.live";
    auto writer = media::JoinWriter::create(temporary);
    ASSERT_TRUE(writer) << writer.message();
    EXPECT_FALSE(std::filesystem::exists(temporary)) << "created before the first chunk";
    const auto listed = listed_chunks();
    for (const auto& chunk : listed) {
        const auto appended = (*writer)->append(chunk);
        ASSERT_TRUE(appended) << appended.message();
        EXPECT_TRUE(std::filesystem::exists(temporary));
    }
    ASSERT_EQ((*writer)->appended().size(), listed.size());
    for (size_t i = 0; i < listed.size(); ++i) {
        EXPECT_EQ((*writer)->appended()[i].path, listed[i].path);
    }
    const auto report = (*writer)->finish(m_dir / "out.mp4");
    ASSERT_TRUE(report) << report.message();
    ASSERT_EQ(report->chunks.size(), 3U);
    for (const auto& outcome : report->chunks) {
        EXPECT_EQ(outcome.status, "ok") << outcome.chunk << ": " << outcome.detail;
    }
    EXPECT_FALSE(std::filesystem::exists(temporary));
    expect_sound_join(m_dir / "out.mp4", total_duration(chunks));
    expect_continuous_timeline(m_dir / "out.mp4");
    EXPECT_EQ(report->output_bytes, std::filesystem::file_size(m_dir / "out.mp4"));
    EXPECT_NEAR(report->duration_seconds, probe_duration(m_dir / "out.mp4"), 0.01);

    const auto again = (*writer)->finish(m_dir / "again.mp4");
    EXPECT_FALSE(again);
    EXPECT_FALSE(std::filesystem::exists(m_dir / "again.mp4"));
}

TEST_F(JoinWriting, AudioStoredBeforeVideoWaitsForTheFirstVideoPacket) {
    // Audio is the first track, so each chunk's first second of audio packets
    // comes before its first video packet, which fixes the chunk's place.
    std::filesystem::create_directories(m_dir / "chunks");
    const RunResult made = run({"ffmpeg",
                                "-v",
                                "error",
                                "-y",
                                "-f",
                                "lavfi",
                                "-i",
                                "testsrc2=size=320x240:rate=25",
                                "-f",
                                "lavfi",
                                "-i",
                                "sine=frequency=440:sample_rate=48000",
                                "-t",
                                "6",
                                "-map",
                                "1:a",
                                "-map",
                                "0:v",
                                "-c:v",
                                "libx264",
                                "-preset",
                                "ultrafast",
                                "-pix_fmt",
                                "yuv420p",
                                "-force_key_frames",
                                "expr:gte(t,n_forced*1)",
                                "-c:a",
                                "aac",
                                "-b:a",
                                "64k",
                                "-f",
                                "segment",
                                "-segment_time",
                                "2",
                                "-segment_start_number",
                                "1",
                                "-segment_format",
                                "mp4",
                                "-segment_format_options",
                                "movflags=+frag_keyframe+empty_moov+default_base_moof+delay_moov",
                                m_dir / "chunks/%04d.mp4"});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    const auto first = run({"ffprobe", "-v", "error", "-show_entries", "packet=codec_type", "-of",
                            "csv=p=0", m_dir / "chunks/0002.mp4"});
    ASSERT_EQ(first.out.rfind("audio", 0), 0U) << "the chunk must start with audio packets";
    const auto listed = listed_chunks();
    ASSERT_EQ(listed.size(), 3U);
    media::JoinOptions options;
    options.chunks = listed;
    options.output_path = m_dir / "out.mp4";
    const auto report = media::join_chunks(options);
    ASSERT_TRUE(report) << report.message();
    for (const auto& outcome : report->chunks) {
        EXPECT_EQ(outcome.status, "ok") << outcome.chunk << ": " << outcome.detail;
        EXPECT_EQ(outcome.packets_dropped, 0U) << outcome.chunk;
    }
    double expected = 0;
    for (const auto& chunk : listed) {
        expected += probe_duration(chunk.path);
    }
    expect_sound_join(m_dir / "out.mp4", expected);
    expect_continuous_timeline(m_dir / "out.mp4");
}

TEST_F(JoinWriting, NoReadableChunkCreatesNoFileAndCannotFinish) {
    std::filesystem::create_directories(m_dir / "chunks");
    std::ofstream(m_dir / "chunks/0001.mp4") << "garbage";
    const std::string temporary = m_dir / ".out.mp4.live";
    auto writer = media::JoinWriter::create(temporary);
    ASSERT_TRUE(writer) << writer.message();
    const auto appended = (*writer)->append(listed_chunks().at(0));
    ASSERT_TRUE(appended) << "an unreadable chunk is skipped, not an error: " << appended.message();
    EXPECT_FALSE(std::filesystem::exists(temporary));
    const auto report = (*writer)->finish(m_dir / "out.mp4");
    ASSERT_FALSE(report);
    EXPECT_NE(report.message().find("none of the 1 chunk file(s) holds readable media"),
              std::string::npos)
        << report.message();
    EXPECT_FALSE(std::filesystem::exists(m_dir / "out.mp4"));
    EXPECT_EQ(hidden_files(m_dir.path()), std::vector<std::string>{});
}

TEST_F(JoinWriting, CancelledWriterTakesNothingMoreAndLeavesNothing) {
    ASSERT_EQ(make_test_chunks(m_dir / "chunks", {}).size(), 3U);
    const auto listed = listed_chunks();
    const std::string temporary = m_dir / ".out.mp4.live";
    auto writer = media::JoinWriter::create(temporary);
    ASSERT_TRUE(writer) << writer.message();
    std::atomic<bool> cancel{false};
    ASSERT_TRUE((*writer)->append(listed[0], &cancel));
    EXPECT_TRUE(std::filesystem::exists(temporary));
    cancel.store(true);
    const auto cancelled = (*writer)->append(listed[1], &cancel);
    ASSERT_FALSE(cancelled);
    EXPECT_NE(cancelled.message().find("cancelled"), std::string::npos) << cancelled.message();
    cancel.store(false);
    EXPECT_FALSE((*writer)->append(listed[2], &cancel));
    EXPECT_EQ((*writer)->appended().size(), 3U);
    EXPECT_FALSE((*writer)->finish(m_dir / "out.mp4"));
    writer->reset();
    EXPECT_FALSE(std::filesystem::exists(m_dir / "out.mp4"));
    EXPECT_EQ(hidden_files(m_dir.path()), std::vector<std::string>{});
}

TEST_F(JoinWriting, UnfinishedWriterRemovesItsFile) {
    ASSERT_EQ(make_test_chunks(m_dir / "chunks", {}).size(), 3U);
    const std::string temporary = m_dir / ".out.mp4.live";
    {
        auto writer = media::JoinWriter::create(temporary);
        ASSERT_TRUE(writer) << writer.message();
        ASSERT_TRUE((*writer)->append(listed_chunks().at(0)));
        EXPECT_TRUE(std::filesystem::exists(temporary));
    }
    EXPECT_EQ(hidden_files(m_dir.path()), std::vector<std::string>{});
}

TEST_F(JoinWriting, AWriterOnAFullDiskRemovesItsFileAsSoonAsAWriteFails) {
    ASSERT_EQ(make_test_chunks(m_dir / "chunks", {}).size(), 3U);
    const auto listed = listed_chunks();
    std::unique_ptr<SmallDisk> disk;
    OV2HA_MOUNT_SMALL_DISK(disk, 4 * std::filesystem::file_size(listed.at(0).path) * 3);
    std::filesystem::create_directories(*disk / "out");
    const std::string temporary = *disk / "out/.out.mp4.live";
    auto writer = media::JoinWriter::create(temporary);
    ASSERT_TRUE(writer) << writer.message();
    ASSERT_TRUE((*writer)->append(listed[0]));
    ASSERT_TRUE(disk->fill(0));
    Status written = success();
    for (size_t i = 1; i < listed.size() && written; ++i) {
        written = (*writer)->append(listed[i]);
    }
    std::string error = written ? "" : written.message();
    if (written) {
        auto finished = (*writer)->finish(*disk / "out/out.mp4");
        ASSERT_FALSE(finished) << "the disk was full";
        error = finished.message();
    }
    EXPECT_NE(error.find("No space left on device"), std::string::npos) << error;
    // The writer still exists (a live join keeps it to the end): its file must not.
    EXPECT_EQ(hidden_files(*disk / "out"), std::vector<std::string>{});
    EXPECT_FALSE(std::filesystem::exists(*disk / "out/out.mp4"));
}

} // namespace
} // namespace ov2ha::test
