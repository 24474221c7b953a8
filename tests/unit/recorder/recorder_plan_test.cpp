// Config -> RecorderPlan: paths, inputs and the refusal of a missing VIDEO_ID.
#include "core/recorder/recorder_plan.hpp"

#include <gtest/gtest.h>

namespace ov2ha::recorder {
namespace {

Config config_with(std::initializer_list<std::pair<std::string, std::string>> values) {
    Config config = Config::defaults();
    for (const auto& [key, value] : values) {
        config = config.with(key, value, "test");
    }
    return config;
}

TEST(RecorderPlan, MissingVideoIdIsRefusedWithTheFix) {
    auto plan = plan_recording(Config::defaults());
    ASSERT_FALSE(plan);
    EXPECT_NE(plan.message().find("--video-id"), std::string::npos);
}

TEST(RecorderPlan, PathsFollowOpenViduLayout) {
    auto plan = plan_recording(config_with({{"recorder.video_id", "ses_A"}}));
    ASSERT_TRUE(plan) << plan.message();
    EXPECT_EQ(plan->video_name, "ses_A");
    EXPECT_EQ(plan->paths.recording_folder, "/recordings/ses_A");
    EXPECT_EQ(plan->paths.chunk_folder, "/recordings/ses_A/chunks");
    EXPECT_EQ(plan->paths.final_video, "/recordings/ses_A/ses_A.mp4");
    EXPECT_EQ(plan->paths.recording_json, "/recordings/ses_A/.recording.ses_A");
    EXPECT_EQ(plan->paths.info, "/recordings/ses_A/ses_A.info");
    EXPECT_EQ(plan->paths.thumbnail, "/recordings/ses_A/ses_A.jpg");
    EXPECT_EQ(plan->paths.stop_file, "./stop");
    EXPECT_EQ(plan->capture.chunk_folder, plan->paths.chunk_folder);
}

TEST(RecorderPlan, VideoNameAndChunkFolderOverride) {
    auto plan = plan_recording(config_with({{"recorder.video_id", "ses_A"},
                                            {"recorder.video_name", "talk"},
                                            {"recorder.chunk_folder", "/local-chunks"}}));
    ASSERT_TRUE(plan);
    EXPECT_EQ(plan->paths.final_video, "/recordings/ses_A/talk.mp4");
    EXPECT_EQ(plan->paths.chunk_folder, "/local-chunks/ses_A/chunks");
}

TEST(RecorderPlan, DefaultInputsFollowOpenViduContainer) {
    auto plan = plan_recording(config_with({{"recorder.video_id", "v"}}));
    ASSERT_TRUE(plan);
    EXPECT_EQ(plan->capture.video.format, "x11grab");
    EXPECT_EQ(plan->capture.video.spec, ":99");
    ASSERT_TRUE(plan->capture.audio);
    EXPECT_EQ(plan->capture.audio->format, "pulse");
    EXPECT_EQ(plan->capture.resolution.width, 1280);
    EXPECT_EQ(plan->capture.framerate, 25);
    EXPECT_EQ(plan->capture.chunk_seconds, 10);
    EXPECT_EQ(plan->capture.encoder.preset, "ultrafast");
    EXPECT_EQ(plan->capture.encoder.crf, 28);
}

TEST(RecorderPlan, OnlyVideoOrNoAudioDropsAudio) {
    for (const char* key : {"recorder.only_video", "recorder.no_audio"}) {
        auto plan = plan_recording(config_with({{"recorder.video_id", "v"}, {key, "true"}}));
        ASSERT_TRUE(plan);
        EXPECT_FALSE(plan->capture.audio) << key;
    }
}

TEST(RecorderPlan, ExplicitInputsWin) {
    auto plan = plan_recording(config_with({{"recorder.video_id", "v"},
                                            {"recorder.video_input", "lavfi:testsrc2"},
                                            {"recorder.audio_input", "lavfi:sine"},
                                            {"recorder.display", ":5"}}));
    ASSERT_TRUE(plan);
    EXPECT_EQ(plan->capture.video.format, "lavfi");
    EXPECT_EQ(plan->capture.video.spec, "testsrc2");
    EXPECT_EQ(plan->capture.audio->spec, "sine");
}

} // namespace
} // namespace ov2ha::recorder
