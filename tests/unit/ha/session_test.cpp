// The session model: its JSON shape, status words, request validation, times, and the pure
// decisions (missed heartbeats, expiry, the final recording's name).
#include "core/ha/session.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace ov2ha::ha {
namespace {

Session sample() {
    Session session;
    session.session_id = "ses_A~1";
    session.client_id = "recorder-1";
    session.client_host = "10.0.0.5";
    session.status = SessionStatus::recording;
    session.created_at = "2025-03-01 10:00:00";
    session.last_heartbeat = "2025-03-01 10:00:30";
    session.last_chunk = "0003.mp4";
    session.environment = R"({"videoName":"my-video","videoFormat":"mp4"})";
    session.unique_session_id = "ses_A";
    return session;
}

TEST(Session, JsonHasEveryFieldInOrder) {
    EXPECT_EQ(session_json(sample()),
              R"({"sessionId":"ses_A~1","clientId":"recorder-1","clientHost":"10.0.0.5",)"
              R"("status":"RECORDING","createdAt":"2025-03-01 10:00:00",)"
              R"("lastHeartbeat":"2025-03-01 10:00:30","recordingPath":null,"metadata":null,)"
              R"("lastChunk":"0003.mp4","active":true,"backupContainerId":null,)"
              R"("backupContainerName":null,)"
              R"("environment":"{\"videoName\":\"my-video\",\"videoFormat\":\"mp4\"}",)"
              R"("uniqueSessionId":"ses_A","originalSessionId":null})");
}

TEST(Session, ParsesWhatItWritesAndWhatLuaReorders) {
    const Session original = sample();
    auto again = parse_session(session_json(original));
    ASSERT_TRUE(again) << again.message();
    EXPECT_EQ(session_json(*again), session_json(original));
    // cjson writes keys in any order and escapes '/'.
    auto reordered = parse_session(
        R"({"active":false,"status":"COMPLETED","lastChunk":"0009.mp4","sessionId":"x",)"
        R"("clientId":"c","recordingPath":"\/recordings\/x","metadata":null})");
    ASSERT_TRUE(reordered) << reordered.message();
    EXPECT_EQ(reordered->session_id, "x");
    EXPECT_FALSE(reordered->active);
    EXPECT_EQ(reordered->status, SessionStatus::completed);
    EXPECT_EQ(reordered->recording_path, "/recordings/x");
    EXPECT_FALSE(reordered->metadata);
    EXPECT_FALSE(parse_session("[]"));
    EXPECT_FALSE(parse_session(R"({"sessionId":"x","status":"WEIRD"})"));
}

TEST(Session, StatusWords) {
    EXPECT_EQ(parse_status("recording"), SessionStatus::recording);
    EXPECT_EQ(parse_status("Paused"), SessionStatus::paused);
    EXPECT_EQ(parse_status("started"), SessionStatus::recording);
    EXPECT_EQ(parse_status("stopped"), SessionStatus::stopping);
    EXPECT_EQ(parse_status("ready"), SessionStatus::completed);
    EXPECT_EQ(parse_status("failed"), SessionStatus::failed);
    EXPECT_FALSE(parse_status("running"));
    for (SessionStatus status : k_all_statuses) {
        EXPECT_EQ(parse_status(status_word(status)), status);
        const bool active = status == SessionStatus::starting || status == SessionStatus::recording;
        EXPECT_EQ(keeps_session_active(status), active) << status_word(status);
    }
}

TEST(Session, RegistrationTakesTheDocumentedFields) {
    auto session =
        registration_from_body(R"({"sessionId":"rec1","clientId":"host-a","clientHost":"10.1.1.1",)"
                               R"("uniqueSessionId":"ses_X","metadata":{"k":1},)"
                               R"("environment":{"url":"http://layout","videoId":"rec1"},)"
                               R"("recordingJson":"{\"id\":\"rec1\",\"name\":\"n\"}"})",
                               "2025-01-02 03:04:05");
    ASSERT_TRUE(session) << session.message();
    EXPECT_EQ(session->session_id, "rec1");
    EXPECT_EQ(session->client_host, "10.1.1.1");
    EXPECT_EQ(session->status, SessionStatus::starting);
    EXPECT_TRUE(session->active);
    EXPECT_EQ(session->metadata, R"({"k":1})");
    EXPECT_EQ(session->created_at, "2025-01-02 03:04:05");
    EXPECT_EQ(session->last_heartbeat, "2025-01-02 03:04:05");
    rapidjson::Document environment;
    environment.Parse(session->environment->c_str());
    ASSERT_TRUE(environment.IsObject());
    EXPECT_STREQ(environment["url"].GetString(), "http://layout");
    EXPECT_STREQ(environment["recordingJson"].GetString(), R"({"id":"rec1","name":"n"})");

    auto stopped = registration_from_body(R"({"sessionId":"r","clientId":"c","status":"FAILED"})",
                                          "2025-01-02 03:04:05");
    ASSERT_TRUE(stopped);
    EXPECT_FALSE(stopped->active);
}

TEST(Session, RegistrationErrorsNameTheField) {
    const std::pair<const char*, const char*> cases[] = {
        {"[1,2]", "the request body must be a JSON object"},
        {"{", "the request body is not valid JSON"},
        {"", "the request body is not valid JSON"},
        {R"({"clientId":"c"})", "field sessionId is required"},
        {R"({"sessionId":null,"clientId":"c"})", "field sessionId is required"},
        {R"({"sessionId":5,"clientId":"c"})", "field sessionId must be a string"},
        {R"({"sessionId":"a/b","clientId":"c"})", "field sessionId: session id"},
        {R"({"sessionId":"..","clientId":"c"})", "field sessionId: session id"},
        {R"({"sessionId":"","clientId":"c"})", "field sessionId: session id is empty"},
        {R"({"sessionId":"a"})", "field clientId is required"},
        {R"({"sessionId":"a","clientId":""})", "field clientId must not be empty"},
        {R"({"sessionId":"a","clientId":"c","clientHost":1})", "field clientHost must be a string"},
        {R"({"sessionId":"a","clientId":"c","status":"SLEEPING"})", "field status: unknown"},
        {R"({"sessionId":"a","clientId":"c","environment":"not json"})", "field environment"},
        {R"({"sessionId":"a","clientId":"c","environment":[1]})", "field environment"},
        {R"({"sessionId":"a","clientId":"c","metadata":true})", "field metadata"},
    };
    for (const auto& [body, words] : cases) {
        auto result = registration_from_body(body, "2025-01-02 03:04:05");
        ASSERT_FALSE(result) << body;
        EXPECT_NE(result.message().find(words), std::string::npos)
            << body << " -> " << result.message();
    }
    const std::string long_id(201, 'a');
    EXPECT_FALSE(registration_from_body(R"({"sessionId":")" + long_id + R"(","clientId":"c"})",
                                        "2025-01-02 03:04:05"));
    EXPECT_FALSE(registration_from_body("{\"sessionId\":\"a\\u0001b\",\"clientId\":\"c\"}",
                                        "2025-01-02 03:04:05"));
}

TEST(Session, SmallerBodies) {
    EXPECT_FALSE(heartbeat_chunk_from_body("")->has_value());
    EXPECT_FALSE(heartbeat_chunk_from_body("{}")->has_value());
    EXPECT_FALSE(heartbeat_chunk_from_body(R"({"lastChunk":null})")->has_value());
    EXPECT_EQ(heartbeat_chunk_from_body(R"({"lastChunk":"0007.mp4"})")->value(), "0007.mp4");
    EXPECT_NE(heartbeat_chunk_from_body(R"({"lastChunk":7})").message().find("field lastChunk"),
              std::string::npos);
    EXPECT_FALSE(heartbeat_chunk_from_body(R"({"lastChunk":"../x"})"));
    EXPECT_FALSE(heartbeat_chunk_from_body("[]"));

    EXPECT_EQ(*status_from_body(R"({"status":"stopping"})"), SessionStatus::stopping);
    EXPECT_NE(status_from_body("{}").message().find("field status is required"), std::string::npos);
    EXPECT_NE(status_from_body(R"({"status":true})").message().find("must be a string"),
              std::string::npos);
    EXPECT_EQ(*recording_path_from_body(R"({"recordingPath":"/r/x.mp4"})"), "/r/x.mp4");
    EXPECT_NE(recording_path_from_body("{}").message().find("field recordingPath is required"),
              std::string::npos);
}

TEST(Session, TimesRoundTripInLocalTime) {
    const std::time_t when = 1'700'000'000;
    const std::string text = format_session_time(when);
    ASSERT_EQ(text.size(), 19u);
    EXPECT_EQ(parse_session_time(text), when);
    for (const char* bad : {"", "2025-01-01", "2025-01-01T10:00:00", "2025-13-01 10:00:00",
                            "2025-01-01 25:00:00", "2025/01/01 10:00:00"}) {
        EXPECT_FALSE(parse_session_time(bad)) << bad;
    }
    const std::string stamp = format_timestamp(1'700'000'000'123);
    EXPECT_EQ(stamp.size(), 23u);
    EXPECT_EQ(stamp.substr(19), ".123");
    EXPECT_EQ(stamp[10], 'T');
}

TEST(Session, FinalRecordingName) {
    EXPECT_EQ(final_recording_name(sample()), "my-video.mp4");
    Session from_recording = sample();
    from_recording.environment = R"({"recordingJson":"{\"name\":\"named\"}"})";
    EXPECT_EQ(final_recording_name(from_recording), "named.mp4");
    Session bare = sample();
    bare.environment.reset();
    EXPECT_EQ(final_recording_name(bare), "ses_A~1.mp4");
    Session hostile = sample();
    hostile.environment = R"({"videoName":"../../etc/passwd"})";
    EXPECT_EQ(final_recording_name(hostile), "ses_A~1.mp4");
}

TEST(Session, MissedHeartbeatsAndExpiry) {
    const std::time_t now = *parse_session_time("2025-03-01 10:01:00");
    std::vector<Session> sessions(3, sample());
    sessions[0].session_id = "fresh";
    sessions[0].last_heartbeat = "2025-03-01 10:00:50";
    sessions[1].session_id = "late";
    sessions[1].last_heartbeat = "2025-03-01 10:00:00";
    sessions[2].session_id = "done";
    sessions[2].active = false;
    sessions[2].last_heartbeat = "2025-03-01 09:00:00";
    EXPECT_FALSE(missed_heartbeat(sessions[0], now, 30));
    EXPECT_TRUE(missed_heartbeat(sessions[1], now, 30));
    EXPECT_FALSE(missed_heartbeat(sessions[2], now, 30));
    EXPECT_FALSE(expired(sessions[1], now, 10));
    EXPECT_TRUE(expired(sessions[2], now, 600));
    EXPECT_FALSE(expired(sessions[2], now, 7200));
}

} // namespace
} // namespace ov2ha::ha
