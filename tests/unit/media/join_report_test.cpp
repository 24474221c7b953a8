// The join report's JSON shape, which operators and scripts read.
#include "core/media/joiner.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace ov2ha::media {
namespace {

TEST(JoinReport, JsonCarriesTotalsCountsAndEveryChunk) {
    JoinReport report;
    report.duration_seconds = 25.0416666;
    report.output_bytes = 123456789012;
    report.has_video = true;
    report.has_audio = false;
    report.chunks = {{"0001.mp4", "ok", 10.04, "", 250, 0},
                     {"0002.mp4", "truncated", 5.5, "a packet is cut short", 137, 1},
                     {"0003.mp4", "skipped", 0, "not a readable media file", 0, 0},
                     {"0004.mp4", "ok", 9.5, "", 240, 2}};

    rapidjson::Document json;
    json.Parse(join_report_json(report).c_str());
    ASSERT_FALSE(json.HasParseError());
    EXPECT_DOUBLE_EQ(json["duration_seconds"].GetDouble(), 25.042);
    EXPECT_EQ(json["output_bytes"].GetUint64(), 123456789012U);
    EXPECT_TRUE(json["has_video"].GetBool());
    EXPECT_FALSE(json["has_audio"].GetBool());
    EXPECT_EQ(json["counts"]["ok"].GetInt(), 2);
    EXPECT_EQ(json["counts"]["truncated"].GetInt(), 1);
    EXPECT_EQ(json["counts"]["skipped"].GetInt(), 1);
    ASSERT_EQ(json["chunks"].Size(), 4U);
    const auto& truncated = json["chunks"][1];
    EXPECT_STREQ(truncated["chunk"].GetString(), "0002.mp4");
    EXPECT_STREQ(truncated["status"].GetString(), "truncated");
    EXPECT_DOUBLE_EQ(truncated["seconds_kept"].GetDouble(), 5.5);
    EXPECT_EQ(truncated["packets_kept"].GetInt(), 137);
    EXPECT_EQ(truncated["packets_dropped"].GetInt(), 1);
    EXPECT_STREQ(truncated["detail"].GetString(), "a packet is cut short");
}

TEST(JoinReport, EmptyReportIsStillAnObject) {
    rapidjson::Document json;
    json.Parse(join_report_json(JoinReport{}).c_str());
    ASSERT_FALSE(json.HasParseError());
    EXPECT_EQ(json["chunks"].Size(), 0U);
    EXPECT_EQ(json["counts"]["ok"].GetInt(), 0);
}

TEST(JoinReport, DetailIsEscaped) {
    JoinReport report;
    report.chunks = {{"0001.mp4", "skipped", 0, "a \"quoted\"\nline\\", 0, 0}};
    rapidjson::Document json;
    json.Parse(join_report_json(report).c_str());
    ASSERT_FALSE(json.HasParseError());
    EXPECT_STREQ(json["chunks"][0]["detail"].GetString(), "a \"quoted\"\nline\\");
}

} // namespace
} // namespace ov2ha::media
