// Percent-decoding and query strings.
#include "core/http/url.hpp"

#include <gtest/gtest.h>

namespace ov2ha::http {
namespace {

TEST(Url, PercentDecodes) {
    EXPECT_EQ(percent_decode("a%20b%2Fc%7e", false), "a b/c~");
    EXPECT_EQ(percent_decode("a+b", false), "a+b");
    EXPECT_EQ(percent_decode("a+b", true), "a b");
    EXPECT_EQ(percent_decode("", false), "");
}

TEST(Url, RefusesBrokenEscapes) {
    for (const char* text : {"%", "%2", "a%g0", "%0g", "abc%"}) {
        EXPECT_FALSE(percent_decode(text, false)) << text;
    }
}

TEST(Url, ParsesQueries) {
    const auto query = parse_query("a=1&b=x%20y&flag&&c=&a=2&d=p+q");
    ASSERT_TRUE(query);
    EXPECT_EQ(*query, (QueryMap{{"a", "2"}, {"b", "x y"}, {"flag", ""}, {"c", ""}, {"d", "p q"}}));
    EXPECT_TRUE(parse_query("")->empty());
    EXPECT_FALSE(parse_query("a=%zz"));
}

} // namespace
} // namespace ov2ha::http
