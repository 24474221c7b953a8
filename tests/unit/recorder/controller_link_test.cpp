// What the recorder sends the HA controller when it registers: the URL it talks to and the
// registration body with the environment a backup recorder needs.
#include "core/recorder/controller_link.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace ov2ha::recorder {
namespace {

Config recorder_config(std::map<std::string, std::string> values) {
    Config config = Config::defaults().with("recorder.video_id", "rec~1", "test");
    for (const auto& [key, value] : values) {
        config = config.with(key, value, "test");
    }
    return config;
}

TEST(ControllerLinkSettings, NoHostNoLink) {
    const Config config = recorder_config({});
    auto plan = plan_recording(config);
    ASSERT_TRUE(plan);
    EXPECT_FALSE(controller_link_settings(config, *plan, {"host", "10.0.0.2"}));
}

TEST(ControllerLinkSettings, UrlFromHostAndPort) {
    const std::pair<const char*, const char*> cases[] = {
        {"ctl.example", "http://ctl.example:15443"},
        {"10.0.0.1", "http://10.0.0.1:15443"},
        {"https://ctl.example/", "https://ctl.example:15443"},
        {"http://ctl.example:9000", "http://ctl.example:9000"},
    };
    for (const auto& [host, url] : cases) {
        const Config config =
            recorder_config({{"controller.host", host}, {"controller.port", "15443"}});
        auto settings = controller_link_settings(config, *plan_recording(config), {});
        ASSERT_TRUE(settings) << host;
        EXPECT_EQ(settings->base_url, url) << host;
    }
}

TEST(ControllerLinkSettings, RegistrationCarriesWhatABackupNeeds) {
    const Config config = recorder_config({
        {"controller.host", "ctl"},
        {"controller.username", "rec"},
        {"controller.password", "pw"},
        {"controller.heartbeat_interval", "7"},
        {"recorder.video_name", "final"},
        {"recorder.url", "https://layout/x?y=1"},
        {"recorder.only_video", "true"},
        {"recorder.resolution", "640x480"},
        {"recorder.framerate", "30"},
        {"recorder.chunk_folder", "/chunks"},
        {"recorder.chunk_time_size", "4"},
        {"recorder.recording_json", R"({"id":"rec~1","uniqueSessionId":"ses_U","name":"final"})"},
    });
    auto plan = plan_recording(config);
    ASSERT_TRUE(plan) << plan.message();
    auto settings = controller_link_settings(config, *plan, {"rec-host", "10.0.0.9"});
    ASSERT_TRUE(settings);
    EXPECT_EQ(settings->session_id, "rec~1");
    EXPECT_EQ(settings->username, "rec");
    EXPECT_EQ(settings->heartbeat_interval.count(), 7);
    rapidjson::Document body;
    body.Parse(settings->registration.c_str());
    ASSERT_TRUE(body.IsObject()) << settings->registration;
    EXPECT_STREQ(body["sessionId"].GetString(), "rec~1");
    EXPECT_STREQ(body["clientId"].GetString(), "rec-host");
    EXPECT_STREQ(body["clientHost"].GetString(), "10.0.0.9");
    EXPECT_STREQ(body["uniqueSessionId"].GetString(), "ses_U");
    EXPECT_STREQ(body["status"].GetString(), "STARTING");
    EXPECT_STREQ(body["recordingJson"].GetString(),
                 R"({"id":"rec~1","uniqueSessionId":"ses_U","name":"final"})");
    const auto& environment = body["environment"];
    const std::pair<const char*, const char*> expected[] = {{"url", "https://layout/x?y=1"},
                                                            {"onlyVideo", "true"},
                                                            {"resolution", "640x480"},
                                                            {"framerate", "30"},
                                                            {"videoId", "rec~1"},
                                                            {"videoName", "final"},
                                                            {"videoFormat", "mp4"},
                                                            {"chunkFolder", "/chunks"},
                                                            {"chunkTimeSize", "4"},
                                                            {"startChunk", "1"},
                                                            {"hostname", "rec-host"},
                                                            {"containerIp", "10.0.0.9"},
                                                            {"containerWorkingMode", "COMPOSED"}};
    for (const auto& [key, value] : expected) {
        ASSERT_TRUE(environment.HasMember(key)) << key;
        EXPECT_STREQ(environment[key].GetString(), value) << key;
    }
    EXPECT_STREQ(environment["recordingJson"].GetString(), body["recordingJson"].GetString());
}

} // namespace
} // namespace ov2ha::recorder
