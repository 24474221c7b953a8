// Every validator accepts what it should and explains what it refuses.
#include "core/base/validators.hpp"

#include <gtest/gtest.h>

namespace ov2ha {
namespace {

TEST(Validators, IntegerBetween) {
    const auto check = integer_between(1, 3600);
    EXPECT_TRUE(check("1"));
    EXPECT_TRUE(check("3600"));
    EXPECT_TRUE(check("+10"));
    for (const char* bad : {"0", "3601", "abc", "", "10s", " 10", "1.5", "-3"}) {
        const auto result = check(bad);
        ASSERT_FALSE(result) << bad;
        EXPECT_EQ(result.message(), "expected a whole number from 1 to 3600");
    }
}

TEST(Validators, BooleanWord) {
    const auto check = boolean_word();
    for (const char* good : {"true", "FALSE", "1", "0", "yes", "No", "on", "off"}) {
        EXPECT_TRUE(check(good)) << good;
    }
    EXPECT_FALSE(check("maybe"));
    EXPECT_FALSE(check(""));
}

TEST(Validators, OneOfListsTheChoices) {
    const auto check = one_of({"text", "json"});
    EXPECT_TRUE(check("json"));
    const auto result = check("xml");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.message(), "expected one of: text json");
}

TEST(Validators, Resolution) {
    const auto check = resolution_text();
    EXPECT_TRUE(check("1280x720"));
    EXPECT_TRUE(check("1920x1080"));
    for (const char* bad : {"12", "1280", "1280x", "x720", "1281x720", "8x8", "99999x720", "axb"}) {
        EXPECT_FALSE(check(bad)) << bad;
    }
    const auto parsed = parse_resolution("640x480");
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->width, 640);
    EXPECT_EQ(parsed->height, 480);
}

TEST(Validators, SafeIdRefusesPathsWhitespaceAndControls) {
    const auto check = safe_id();
    EXPECT_TRUE(check("ses_ABC~1"));
    EXPECT_TRUE(check("a.b-c"));
    for (const char* bad : {"", "a/b", "..", "a..b", "a b", "a\tb", "a\nb", "\x01", "a\\b"}) {
        EXPECT_FALSE(check(bad)) << bad;
    }
    EXPECT_FALSE(check(std::string(201, 'a')));
    EXPECT_TRUE(check(std::string(200, 'a')));
}

TEST(Validators, JsonObject) {
    const auto check = json_object_text();
    EXPECT_TRUE(check(""));
    EXPECT_TRUE(check(R"({"id":"x"})"));
    EXPECT_FALSE(check("[1,2]"));
    EXPECT_FALSE(check("{\"id\":"));
    EXPECT_FALSE(check("not json"));
}

TEST(Validators, MediaInput) {
    const auto check = media_input_text();
    EXPECT_TRUE(check("x11grab::99.0"));
    EXPECT_TRUE(check("lavfi:testsrc2=size=1280x720:rate=25"));
    EXPECT_TRUE(check(""));
    EXPECT_FALSE(check("nocolon"));
    EXPECT_FALSE(check(":spec"));
    EXPECT_FALSE(check("format:"));
    const auto parsed = parse_media_input("x11grab::99.0");
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->format, "x11grab");
    EXPECT_EQ(parsed->spec, ":99.0");
}

TEST(Validators, FileName) {
    const auto check = file_name_text();
    EXPECT_FALSE(check("my recording"));
    EXPECT_TRUE(check("recording-1"));
    EXPECT_FALSE(check("../x"));
}

} // namespace
} // namespace ov2ha

namespace ov2ha {
namespace {

TEST(Validators, NonemptyAnyAndEmptyOr) {
    EXPECT_TRUE(any_text()(""));
    EXPECT_TRUE(any_text()("anything at all"));
    EXPECT_TRUE(nonempty_text()("x"));
    const auto empty = nonempty_text()("");
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.message(), "a non-empty value is required");
    const auto id_or_unset = empty_or(safe_id());
    EXPECT_TRUE(id_or_unset(""));
    EXPECT_TRUE(id_or_unset("ses_1"));
    EXPECT_FALSE(id_or_unset("a/b"));
}

TEST(Validators, ParseHelpers) {
    EXPECT_EQ(parse_integer("-7"), -7);
    EXPECT_EQ(parse_integer("+7"), 7);
    EXPECT_FALSE(parse_integer("7x"));
    EXPECT_FALSE(parse_integer("99999999999999999999"));
    EXPECT_EQ(parse_boolean("TRUE"), true);
    EXPECT_EQ(parse_boolean("off"), false);
    EXPECT_FALSE(parse_boolean("2"));
}

} // namespace
} // namespace ov2ha
