// The recorder's live join: chunks joined as they arrive give the same video
// as a join at the end, and a folder that changed behind its back is joined
// again whole. ffmpeg makes the chunks; ffprobe judges the result.
#include "core/base/loop.hpp"
#include "core/recorder/live_join.hpp"
#include "tests/support/media_tools.hpp"
#include "tests/support/process.hpp"

#include <filesystem>
#include <gtest/gtest.h>

namespace ov2ha::test {
namespace {

namespace fs = std::filesystem;

// Runs `live` to the end on `loop` and returns what finish() reported.
Result<media::JoinReport> finish_on(uv_loop_t* loop, recorder::LiveJoin& live) {
    std::optional<Result<media::JoinReport>> outcome;
    live.finish([&](Result<media::JoinReport> joined) { outcome.emplace(std::move(joined)); });
    uv_run(loop, UV_RUN_DEFAULT);
    if (!outcome) {
        return failure("finish() never reported");
    }
    return std::move(*outcome);
}

class LiveJoinTest : public ::testing::Test {
  protected:
    void SetUp() override {
        OV2HA_REQUIRE_PROGRAM("ffmpeg");
        OV2HA_REQUIRE_PROGRAM("ffprobe");
        ASSERT_EQ(uv_loop_init(&m_loop), 0);
    }
    void TearDown() override { EXPECT_TRUE(shut_down_loop(&m_loop)); }

    uv_loop_t m_loop{};
    TempDir m_dir;
};

TEST_F(LiveJoinTest, ChunksAddedOneByOneMakeTheWholeRecording) {
    const auto made = make_test_chunks(m_dir / "source", {6, 2});
    ASSERT_EQ(made.size(), 3u);
    fs::create_directories(m_dir / "chunks");
    const std::string output = m_dir / "out.mp4";
    recorder::LiveJoin live(&m_loop, m_dir / "chunks", output);
    live.start();
    for (size_t i = 0; i < made.size(); ++i) {
        const std::string name = fs::path(made[i]).filename().string();
        fs::copy_file(made[i], m_dir / ("chunks/" + name));
        live.add({i + 1, m_dir / ("chunks/" + name)});
        uv_run(&m_loop, UV_RUN_NOWAIT);
    }
    auto joined = finish_on(&m_loop, live);
    ASSERT_TRUE(joined) << joined.message();
    EXPECT_EQ(joined->chunks.size(), 3u);
    EXPECT_NEAR(probe_duration(output), total_duration(made), 0.1);
    EXPECT_EQ(decode_complaints(output), "");
    const auto boxes = top_level_boxes(output);
    const auto moov = std::find(boxes.begin(), boxes.end(), "moov");
    const auto mdat = std::find(boxes.begin(), boxes.end(), "mdat");
    EXPECT_TRUE(moov < mdat) << "faststart: moov must come before mdat";
    EXPECT_TRUE(hidden_files(m_dir.path()).empty());
}

TEST_F(LiveJoinTest, ChunksAlreadyInTheFolderAreJoinedFirst) {
    ChunkRecipe recipe;
    recipe.total_seconds = 4;
    const auto made = make_test_chunks(m_dir / "chunks", recipe);
    const std::string output = m_dir / "out.mp4";
    recorder::LiveJoin live(&m_loop, m_dir / "chunks", output);
    live.start();
    uv_run(&m_loop, UV_RUN_DEFAULT);
    // Joined before finish(): a join of the whole folder at the end would give
    // the same video, so the live join's file must be there already.
    const auto live_files = hidden_files(m_dir.path());
    ASSERT_EQ(live_files.size(), 1u);
    EXPECT_EQ(fs::path(live_files[0]).extension(), ".live") << live_files[0];
    auto joined = finish_on(&m_loop, live);
    ASSERT_TRUE(joined) << joined.message();
    EXPECT_NEAR(probe_duration(output), total_duration(made), 0.1);
}

TEST_F(LiveJoinTest, AFolderThatChangedBehindItsBackIsJoinedWhole) {
    ChunkRecipe recipe;
    recipe.total_seconds = 6;
    const auto made = make_test_chunks(m_dir / "source", recipe);
    ASSERT_EQ(made.size(), 3u);
    fs::create_directories(m_dir / "chunks");
    const std::string output = m_dir / "out.mp4";
    recorder::LiveJoin live(&m_loop, m_dir / "chunks", output);
    live.start();
    fs::copy_file(made[2], m_dir / "chunks/0003.mp4");
    live.add({3, m_dir / "chunks/0003.mp4"});
    uv_run(&m_loop, UV_RUN_DEFAULT);
    // Chunks 1 and 2 arrive late (say, fetched from the bucket): out of order.
    fs::copy_file(made[0], m_dir / "chunks/0001.mp4");
    fs::copy_file(made[1], m_dir / "chunks/0002.mp4");
    auto joined = finish_on(&m_loop, live);
    ASSERT_TRUE(joined) << joined.message();
    ASSERT_EQ(joined->chunks.size(), 3u);
    EXPECT_EQ(joined->chunks[0].chunk, "0001.mp4");
    EXPECT_NEAR(probe_duration(output), total_duration(made), 0.1);
    EXPECT_EQ(decode_complaints(output), "");
}

TEST_F(LiveJoinTest, NothingReadableIsAFailureInWords) {
    fs::create_directories(m_dir / "chunks");
    recorder::LiveJoin live(&m_loop, m_dir / "chunks", m_dir / "out.mp4");
    live.start();
    auto joined = finish_on(&m_loop, live);
    ASSERT_FALSE(joined);
    EXPECT_FALSE(joined.message().empty());
    EXPECT_FALSE(fs::exists(m_dir / "out.mp4"));
}

} // namespace
} // namespace ov2ha::test
