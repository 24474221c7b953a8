// The binary's global behaviour: version, help, usage errors, --print-config.
#include "tests/support/process.hpp"

#include <gtest/gtest.h>

namespace ov2ha::test {
namespace {

TEST(Cli, VersionPrintsTheVersion) {
    const auto result = run({ov2ha_binary(), "--version"});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_NE(result.out.find("ov2ha "), std::string::npos);
}

TEST(Cli, UnknownCommandIsAUsageError) {
    const auto result = run({ov2ha_binary(), "nonsense"});
    EXPECT_EQ(result.exit_code, 2);
}

TEST(Cli, RecordHelpExplainsStopFileAndEnvironment) {
    const auto result = run({ov2ha_binary(), "record", "--help"});
    EXPECT_EQ(result.exit_code, 0);
    for (const char* words : {"--stop-file", "VIDEO_ID", "RECORDING_JSON", "CHUNK_TIME_SIZE",
                              "ONLY_VIDEO", "/recordings/.env", "--video-input", "--no-audio"}) {
        EXPECT_NE(result.out.find(words), std::string::npos) << words;
    }
}

TEST(Cli, PrintConfigShowsSourcesAndHidesNothingItShouldNot) {
    const auto result =
        run({ov2ha_binary(), "record", "--print-config", "--recordings-dir", "/nonexistent"},
            {{"CHUNK_TIME_SIZE", "12"}});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("chunk_time_size = \"12\"  # environment CHUNK_TIME_SIZE"),
              std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("# flag --recordings-dir"), std::string::npos);
}

TEST(Cli, BadSettingExitsTwoWithOneClearLine) {
    const auto result =
        run({ov2ha_binary(), "record", "--print-config"}, {{"CHUNK_TIME_SIZE", "abc"}});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.err.find("recorder.chunk_time_size=\"abc\" from environment CHUNK_TIME_SIZE"),
              std::string::npos)
        << result.err;
}

} // namespace
} // namespace ov2ha::test
