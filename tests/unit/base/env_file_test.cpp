// KEY=VALUE files as ov2-ha-recorder deployments write them.
#include "core/base/env_file.hpp"

#include <gtest/gtest.h>

namespace ov2ha {
namespace {

TEST(EnvFile, CommentsBlanksExportAndQuotes) {
    auto entries = parse_env_file(
        "# comment\n\nexport A=1\nB = \"two words\"\nC='x'\nD=\nE=a=b\r\n", "/recordings/.env");
    ASSERT_TRUE(entries) << entries.message();
    ASSERT_EQ(entries->size(), 5u);
    EXPECT_EQ((*entries)[0].name, "A");
    EXPECT_EQ((*entries)[0].line, 3);
    EXPECT_EQ((*entries)[1].value, "two words");
    EXPECT_EQ((*entries)[2].value, "x");
    EXPECT_EQ((*entries)[3].value, "");
    EXPECT_EQ((*entries)[4].value, "a=b");
}

TEST(EnvFile, LineWithoutEqualsNamesFileAndLine) {
    auto entries = parse_env_file("A=1\nnot a setting\n", "/recordings/.env");
    ASSERT_FALSE(entries);
    EXPECT_EQ(entries.message(),
              "/recordings/.env line 2: expected KEY=VALUE, found 'not a setting'");
}

TEST(EnvFile, EmptyNameIsAnError) {
    EXPECT_FALSE(parse_env_file("=1\n", "f"));
}

} // namespace
} // namespace ov2ha
