// Configuration precedence, sources, validation messages and --print-config.
#include "core/base/config.hpp"
#include "tests/support/process.hpp"

#include <fstream>
#include <gtest/gtest.h>

namespace ov2ha {
namespace {

ConfigInputs inputs_for(std::vector<std::string> sections) {
    ConfigInputs inputs;
    inputs.sections = std::move(sections);
    inputs.default_config_file = "/nonexistent/ov2ha.toml";
    return inputs;
}

TEST(Config, DefaultsApplyWhenNothingIsSet) {
    auto config = Config::load(inputs_for({"recorder"}));
    ASSERT_TRUE(config) << config.message();
    EXPECT_EQ(config->integer("recorder.chunk_time_size"), 10);
    EXPECT_EQ(config->text("recorder.resolution"), "1280x720");
    EXPECT_EQ(config->source("recorder.chunk_time_size"), "default");
}

TEST(Config, EachLayerOverridesTheOneBelow) {
    test::TempDir dir;
    std::ofstream(dir / "ov2ha.toml") << "[recorder]\nchunk_time_size = 20\nframerate = 30\n"
                                         "crf_unused_line_absent = false\n";
    // Rewrite without the unknown key; the unknown-key case has its own test.
    std::ofstream(dir / "ov2ha.toml") << "[recorder]\nchunk_time_size = 20\nframerate = 30\n"
                                         "resolution = \"640x480\"\nstart_chunk = 3\n";
    std::ofstream(dir / ".env") << "# ha settings\nCHUNK_TIME_SIZE=15\nFRAMERATE=24\n"
                                   "RESOLUTION=800x600\n";
    auto inputs = inputs_for({"recorder"});
    inputs.config_file = dir / "ov2ha.toml";
    inputs.dotenv_folder_key = "recorder.recordings_dir";
    inputs.environment = {{"OV2HA_RECORDER_RECORDINGS_DIR", dir.path()},
                          {"CHUNK_TIME_SIZE", "12"},
                          {"RESOLUTION", "1920x1080"}};
    inputs.flags = {{"recorder.resolution", "320x240", "flag --resolution"}};

    auto config = Config::load(inputs);
    ASSERT_TRUE(config) << config.message();
    EXPECT_EQ(config->integer("recorder.start_chunk"), 3);
    EXPECT_EQ(config->source("recorder.start_chunk"), "file " + dir / "ov2ha.toml" + " line 5");
    EXPECT_EQ(config->integer("recorder.framerate"), 24);
    EXPECT_EQ(config->source("recorder.framerate"), dir / ".env" + " line 3 (FRAMERATE)");
    EXPECT_EQ(config->integer("recorder.chunk_time_size"), 12);
    EXPECT_EQ(config->source("recorder.chunk_time_size"), "environment CHUNK_TIME_SIZE");
    EXPECT_EQ(config->text("recorder.resolution"), "320x240");
    EXPECT_EQ(config->source("recorder.resolution"), "flag --resolution");
}

TEST(Config, Ov2haEnvironmentNameWinsOverLegacyName) {
    auto inputs = inputs_for({"recorder"});
    inputs.environment = {{"CHUNK_TIME_SIZE", "12"}, {"OV2HA_RECORDER_CHUNK_TIME_SIZE", "7"}};
    auto config = Config::load(inputs);
    ASSERT_TRUE(config) << config.message();
    EXPECT_EQ(config->integer("recorder.chunk_time_size"), 7);
    EXPECT_EQ(config->source("recorder.chunk_time_size"),
              "environment OV2HA_RECORDER_CHUNK_TIME_SIZE");
}

TEST(Config, BadValueNamesKeyValueSourceAndWhatIsAllowed) {
    auto inputs = inputs_for({"recorder"});
    inputs.environment = {{"CHUNK_TIME_SIZE", "abc"}};
    auto config = Config::load(inputs);
    ASSERT_FALSE(config);
    EXPECT_EQ(config.message(), "bad setting recorder.chunk_time_size=\"abc\" from environment "
                                "CHUNK_TIME_SIZE: expected a whole number from 1 to 3600");
}

TEST(Config, BadResolutionIsRefused) {
    auto inputs = inputs_for({"recorder"});
    inputs.environment = {{"RESOLUTION", "12"}};
    auto config = Config::load(inputs);
    ASSERT_FALSE(config);
    EXPECT_NE(config.message().find("recorder.resolution=\"12\""), std::string::npos);
    EXPECT_NE(config.message().find("WIDTHxHEIGHT"), std::string::npos);
}

TEST(Config, UnusedSectionsAreNotValidated) {
    auto inputs = inputs_for({"log"});
    inputs.environment = {{"RESOLUTION", "12"}};
    EXPECT_TRUE(Config::load(inputs));
}

TEST(Config, UnknownTomlKeyIsRefusedWithItsLine) {
    test::TempDir dir;
    std::ofstream(dir / "ov2ha.toml") << "[recorder]\n\nchunk_size = 5\n";
    auto inputs = inputs_for({"recorder"});
    inputs.config_file = dir / "ov2ha.toml";
    auto config = Config::load(inputs);
    ASSERT_FALSE(config);
    EXPECT_NE(config.message().find("unknown key recorder.chunk_size"), std::string::npos);
    EXPECT_NE(config.message().find("line 3"), std::string::npos);
}

TEST(Config, TomlSyntaxErrorNamesTheFile) {
    test::TempDir dir;
    std::ofstream(dir / "ov2ha.toml") << "[recorder\n";
    auto inputs = inputs_for({"recorder"});
    inputs.config_file = dir / "ov2ha.toml";
    auto config = Config::load(inputs);
    ASSERT_FALSE(config);
    EXPECT_NE(config.message().find(dir / "ov2ha.toml"), std::string::npos);
}

TEST(Config, ConfigFileFromEnvironmentIsUsed) {
    test::TempDir dir;
    std::ofstream(dir / "x.toml") << "[recorder]\nframerate = 50\n";
    auto inputs = inputs_for({"recorder"});
    inputs.environment = {{"OV2HA_CONFIG", dir / "x.toml"}};
    auto config = Config::load(inputs);
    ASSERT_TRUE(config) << config.message();
    EXPECT_EQ(config->integer("recorder.framerate"), 50);
}

TEST(Config, MalformedDotenvLineIsAnError) {
    test::TempDir dir;
    std::ofstream(dir / ".env") << "GOOD=1\nthis line has no equals\n";
    auto inputs = inputs_for({"recorder"});
    inputs.dotenv_folder_key = "recorder.recordings_dir";
    inputs.flags = {{"recorder.recordings_dir", dir.path(), "flag --recordings-dir"}};
    auto config = Config::load(inputs);
    ASSERT_FALSE(config);
    EXPECT_NE(config.message().find(".env line 2"), std::string::npos);
}

TEST(Config, DescribeShowsSourcesAndOnlyRequestedSections) {
    auto inputs = inputs_for({"log", "recorder"});
    inputs.environment = {{"CHUNK_TIME_SIZE", "12"}};
    auto config = Config::load(inputs);
    ASSERT_TRUE(config);
    const std::string text = config->describe({"recorder"});
    EXPECT_NE(text.find("chunk_time_size = \"12\"  # environment CHUNK_TIME_SIZE"),
              std::string::npos);
    EXPECT_EQ(text.find("[log]"), std::string::npos);
}

TEST(Config, EveryRowIsWellFormed) {
    for (const auto& spec : all_settings()) {
        EXPECT_NE(spec.key.find('.'), std::string::npos) << spec.key;
        EXPECT_FALSE(spec.help.empty()) << spec.key;
        EXPECT_TRUE(spec.validate(spec.default_value) || spec.default_value.empty()) << spec.key;
    }
}

} // namespace
} // namespace ov2ha
