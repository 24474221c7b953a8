// The .info JSON: ffprobe's field names and, field by field, ffprobe's types.
#include "core/openvidu/info_json.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace ov2ha::openvidu {
namespace {

media::MediaInfo sample_recording() {
    media::MediaInfo info;
    info.filename = "/recordings/ses_A/ses_A.mp4";
    info.format_name = "mov,mp4,m4a,3gp,3g2,mj2";
    info.format_long_name = "QuickTime / MOV";
    info.start_time_seconds = 0;
    info.duration_seconds = 12.345;
    info.size_bytes = 3145728;
    info.bit_rate = 2038553;
    info.probe_score = 100;

    media::StreamInfo video;
    video.index = 0;
    video.codec_type = "video";
    video.codec_name = "h264";
    video.codec_long_name = "H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10";
    video.profile = "Constrained Baseline";
    video.codec_tag_string = "avc1";
    video.codec_tag = 0x31637661;
    video.width = 1280;
    video.height = 720;
    video.sample_aspect_ratio = media::Rational{1, 1};
    video.pix_fmt = "yuv420p";
    video.level = 31;
    video.r_frame_rate = {25, 1};
    video.avg_frame_rate = {25, 1};
    video.time_base = {1, 12800};
    video.start_pts = 0;
    video.duration_ts = 158016;
    video.bit_rate = 1966080;
    video.nb_frames = 309;

    media::StreamInfo audio;
    audio.index = 1;
    audio.codec_type = "audio";
    audio.codec_name = "aac";
    audio.codec_long_name = "AAC (Advanced Audio Coding)";
    audio.profile = "LC";
    audio.codec_tag_string = "mp4a";
    audio.codec_tag = 0x6134706d;
    audio.sample_fmt = "fltp";
    audio.sample_rate = 48000;
    audio.channels = 2;
    audio.channel_layout = "stereo";
    audio.time_base = {1, 48000};
    audio.start_pts = -1024;
    audio.duration_ts = 592896;
    info.streams = {video, audio};
    return info;
}

rapidjson::Document parse(const std::string& text) {
    rapidjson::Document json;
    json.Parse(text.c_str());
    EXPECT_FALSE(json.HasParseError()) << text;
    return json;
}

TEST(InfoJson, FormatHasWhatOpenViduReadsWithFfprobesTypes) {
    const auto json = parse(info_json(sample_recording()));
    const auto& format = json["format"];
    EXPECT_STREQ(format["filename"].GetString(), "/recordings/ses_A/ses_A.mp4");
    ASSERT_TRUE(format["nb_streams"].IsInt());
    EXPECT_EQ(format["nb_streams"].GetInt(), 2);
    ASSERT_TRUE(format["nb_programs"].IsInt());
    EXPECT_STREQ(format["format_name"].GetString(), "mov,mp4,m4a,3gp,3g2,mj2");
    EXPECT_STREQ(format["format_long_name"].GetString(), "QuickTime / MOV");
    EXPECT_STREQ(format["start_time"].GetString(), "0.000000");
    EXPECT_STREQ(format["duration"].GetString(), "12.345000");
    EXPECT_STREQ(format["size"].GetString(), "3145728");
    EXPECT_STREQ(format["bit_rate"].GetString(), "2038553");
    ASSERT_TRUE(format["probe_score"].IsInt());
    EXPECT_EQ(format["probe_score"].GetInt(), 100);
}

TEST(InfoJson, VideoStreamHasNumbersForSizeAndStringsForRates) {
    const auto json = parse(info_json(sample_recording()));
    const auto& video = json["streams"][0];
    ASSERT_TRUE(video["index"].IsInt());
    EXPECT_EQ(video["index"].GetInt(), 0);
    EXPECT_STREQ(video["codec_type"].GetString(), "video");
    EXPECT_STREQ(video["codec_name"].GetString(), "h264");
    EXPECT_STREQ(video["profile"].GetString(), "Constrained Baseline");
    EXPECT_STREQ(video["codec_tag_string"].GetString(), "avc1");
    EXPECT_STREQ(video["codec_tag"].GetString(), "0x31637661");
    ASSERT_TRUE(video["width"].IsInt());
    ASSERT_TRUE(video["height"].IsInt());
    EXPECT_EQ(video["width"].GetInt(), 1280);
    EXPECT_EQ(video["height"].GetInt(), 720);
    EXPECT_STREQ(video["sample_aspect_ratio"].GetString(), "1:1");
    EXPECT_STREQ(video["display_aspect_ratio"].GetString(), "16:9");
    EXPECT_STREQ(video["pix_fmt"].GetString(), "yuv420p");
    ASSERT_TRUE(video["level"].IsInt());
    EXPECT_STREQ(video["r_frame_rate"].GetString(), "25/1");
    EXPECT_STREQ(video["avg_frame_rate"].GetString(), "25/1");
    EXPECT_STREQ(video["time_base"].GetString(), "1/12800");
    ASSERT_TRUE(video["start_pts"].IsInt64());
    EXPECT_STREQ(video["start_time"].GetString(), "0.000000");
    ASSERT_TRUE(video["duration_ts"].IsInt64());
    EXPECT_EQ(video["duration_ts"].GetInt64(), 158016);
    EXPECT_STREQ(video["duration"].GetString(), "12.345000");
    EXPECT_STREQ(video["bit_rate"].GetString(), "1966080");
    EXPECT_STREQ(video["nb_frames"].GetString(), "309");
    EXPECT_FALSE(video.HasMember("sample_rate"));
}

TEST(InfoJson, AudioStreamHasSampleRateAsStringAndChannelsAsNumber) {
    const auto json = parse(info_json(sample_recording()));
    const auto& audio = json["streams"][1];
    EXPECT_STREQ(audio["codec_type"].GetString(), "audio");
    EXPECT_STREQ(audio["codec_name"].GetString(), "aac");
    EXPECT_STREQ(audio["sample_fmt"].GetString(), "fltp");
    EXPECT_STREQ(audio["sample_rate"].GetString(), "48000");
    ASSERT_TRUE(audio["channels"].IsInt());
    EXPECT_EQ(audio["channels"].GetInt(), 2);
    EXPECT_STREQ(audio["channel_layout"].GetString(), "stereo");
    EXPECT_STREQ(audio["time_base"].GetString(), "1/48000");
    EXPECT_EQ(audio["start_pts"].GetInt64(), -1024);
    EXPECT_STREQ(audio["start_time"].GetString(), "-0.021333");
    EXPECT_STREQ(audio["duration"].GetString(), "12.352000");
    EXPECT_STREQ(audio["r_frame_rate"].GetString(), "0/0");
    EXPECT_FALSE(audio.HasMember("width"));
}

TEST(InfoJson, UnknownValuesAreLeftOutAsFfprobeDoes) {
    auto info = sample_recording();
    info.bit_rate.reset();
    info.streams[0].bit_rate.reset();
    info.streams[0].nb_frames.reset();
    info.streams[0].sample_aspect_ratio.reset();
    info.streams[1].profile.clear();
    const auto json = parse(info_json(info));
    EXPECT_FALSE(json["format"].HasMember("bit_rate"));
    EXPECT_FALSE(json["streams"][0].HasMember("bit_rate"));
    EXPECT_FALSE(json["streams"][0].HasMember("nb_frames"));
    EXPECT_FALSE(json["streams"][0].HasMember("sample_aspect_ratio"));
    EXPECT_FALSE(json["streams"][0].HasMember("display_aspect_ratio"));
    EXPECT_FALSE(json["streams"][1].HasMember("profile"));
}

TEST(InfoJson, DisplayAspectRatioIsReduced) {
    auto info = sample_recording();
    info.streams[0].width = 720;
    info.streams[0].height = 576;
    info.streams[0].sample_aspect_ratio = media::Rational{64, 45};
    const auto json = parse(info_json(info));
    EXPECT_STREQ(json["streams"][0]["sample_aspect_ratio"].GetString(), "64:45");
    EXPECT_STREQ(json["streams"][0]["display_aspect_ratio"].GetString(), "16:9");
}

TEST(InfoJson, TextIsEscaped) {
    auto info = sample_recording();
    info.filename = "/recordings/a \"b\"\\c.mp4";
    const auto json = parse(info_json(info));
    EXPECT_STREQ(json["format"]["filename"].GetString(), "/recordings/a \"b\"\\c.mp4");
}

} // namespace
} // namespace ov2ha::openvidu
