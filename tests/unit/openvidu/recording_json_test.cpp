// .recording.<id>: complete at start, updated at the end, unknown keys and url kept.
#include "core/openvidu/recording_json.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace ov2ha::openvidu {
namespace {

RecordingDefaults defaults() {
    return RecordingDefaults{"ses_A", "ses_A", "1280x720", 25, true, true, 1700000000000};
}

rapidjson::Document parse(const std::string& text) {
    rapidjson::Document document;
    document.Parse(text.c_str());
    EXPECT_FALSE(document.HasParseError()) << text;
    return document;
}

TEST(RecordingJson, DefaultHasEveryKeyOpenViduReads) {
    auto text = started_recording_json("", defaults());
    ASSERT_TRUE(text) << text.message();
    auto document = parse(*text);
    for (const char* key : {"id", "object", "name", "outputMode", "resolution", "frameRate",
                            "recordingLayout", "sessionId", "uniqueSessionId", "createdAt", "size",
                            "duration", "url", "hasAudio", "hasVideo", "status"}) {
        EXPECT_TRUE(document.HasMember(key)) << key;
    }
    EXPECT_TRUE(document["url"].IsNull());
    EXPECT_STREQ(document["status"].GetString(), "started");
    EXPECT_EQ(document["createdAt"].GetInt64(), 1700000000000);
    EXPECT_TRUE(document["duration"].IsDouble());
}

TEST(RecordingJson, GivenValuesWinAndUnknownKeysStay) {
    auto text = started_recording_json(
        R"({"id":"rec_1","name":"talk","url":"https://x/y","status":"ready","custom":{"a":1},"frameRate":30})",
        defaults());
    ASSERT_TRUE(text);
    auto document = parse(*text);
    EXPECT_STREQ(document["id"].GetString(), "rec_1");
    EXPECT_STREQ(document["name"].GetString(), "talk");
    EXPECT_STREQ(document["url"].GetString(), "https://x/y");
    EXPECT_EQ(document["frameRate"].GetInt(), 30);
    EXPECT_EQ(document["custom"]["a"].GetInt(), 1);
    EXPECT_STREQ(document["status"].GetString(), "started");
}

TEST(RecordingJson, MalformedRecordingJsonIsRefusedInWords) {
    for (const char* bad : {"{", "[1]", "\"text\"", "nope"}) {
        auto text = started_recording_json(bad, defaults());
        ASSERT_FALSE(text) << bad;
        EXPECT_NE(text.message().find("RECORDING_JSON"), std::string::npos);
    }
}

TEST(RecordingJson, FinishedSetsOutcomeAndKeepsUrl) {
    auto started = started_recording_json(R"({"url":"https://x/y"})", defaults());
    ASSERT_TRUE(started);
    auto finished = finished_recording_json(*started, {false, 123456, 61.25, true, true});
    ASSERT_TRUE(finished);
    auto document = parse(*finished);
    EXPECT_STREQ(document["status"].GetString(), "stopped");
    EXPECT_EQ(document["size"].GetUint64(), 123456u);
    EXPECT_DOUBLE_EQ(document["duration"].GetDouble(), 61.25);
    EXPECT_STREQ(document["url"].GetString(), "https://x/y");

    auto failed = finished_recording_json(*started, {true, 0, 0, false, false});
    ASSERT_TRUE(failed);
    EXPECT_STREQ(parse(*failed)["status"].GetString(), "failed");
}

} // namespace
} // namespace ov2ha::openvidu
