// Listen addresses, Redis URLs, HTTP URLs and header lists as settings spell them.
#include "core/base/addresses.hpp"
#include "core/base/header_list.hpp"

#include <gtest/gtest.h>

namespace ov2ha {
namespace {

TEST(Addresses, HostPort) {
    auto any = parse_host_port("0.0.0.0:8080");
    ASSERT_TRUE(any);
    EXPECT_EQ(any->host, "0.0.0.0");
    EXPECT_EQ(any->port, 8080);
    auto v6 = parse_host_port("[::1]:0");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->host, "::1");
    EXPECT_EQ(v6->port, 0);
    for (const char* bad : {"", "8080", "localhost:8080", "0.0.0.0:", "0.0.0.0:70000", "0.0.0.0:-1",
                            "::1:8080", "[::1]8080", "1.2.3.4:+80"}) {
        EXPECT_FALSE(parse_host_port(bad)) << bad;
    }
    EXPECT_FALSE(host_port_text()("localhost:80"));
}

TEST(Addresses, RedisUrl) {
    auto plain = parse_redis_url("redis://127.0.0.1:6379/0");
    ASSERT_TRUE(plain) << plain.message();
    EXPECT_EQ(plain->host, "127.0.0.1");
    EXPECT_EQ(plain->port, 6379);
    EXPECT_EQ(plain->database, 0);
    EXPECT_EQ(plain->describe(), "127.0.0.1:6379/0");
    auto named = parse_redis_url("redis://redis");
    ASSERT_TRUE(named);
    EXPECT_EQ(named->host, "redis");
    EXPECT_EQ(named->port, 6379);
    auto database = parse_redis_url("redis://cache:7000/3");
    ASSERT_TRUE(database);
    EXPECT_EQ(database->port, 7000);
    EXPECT_EQ(database->database, 3);
    auto v6 = parse_redis_url("redis://[::1]:6380/1");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->host, "::1");
    EXPECT_EQ(v6->describe(), "[::1]:6380/1");

    const auto credentials = parse_redis_url("redis://:secret@host:6379/0");
    ASSERT_FALSE(credentials);
    EXPECT_NE(credentials.message().find("OV2HA_REDIS_PASSWORD"), std::string::npos);
    EXPECT_EQ(credentials.message().find("secret"), std::string::npos);
    for (const char* bad : {"", "http://h:1", "redis://", "redis://h:0", "redis://h:x/0",
                            "redis://h:1/16", "redis://h:1/a", "redis://:6379"}) {
        EXPECT_FALSE(parse_redis_url(bad)) << bad;
    }
}

TEST(Addresses, HttpUrl) {
    EXPECT_TRUE(is_http_url("http://example.com/hook"));
    EXPECT_TRUE(is_http_url("https://10.0.0.1:8443"));
    EXPECT_FALSE(is_http_url("ftp://x"));
    EXPECT_FALSE(is_http_url("http://"));
    EXPECT_FALSE(is_http_url("http:///path"));
    EXPECT_FALSE(http_url_text()("example.com"));
}

TEST(HeaderList, EveryWayOperatorsWriteIt) {
    auto json = parse_header_list(R"({"Authorization":"Bearer abc","X-Custom":"v"})");
    ASSERT_TRUE(json) << json.message();
    EXPECT_EQ(*json, (HeaderList{{"Authorization", "Bearer abc"}, {"X-Custom", "v"}}));
    auto array = parse_header_list(R"(["Authorization: Basic T1BF", "X-A:1"])");
    ASSERT_TRUE(array) << array.message();
    EXPECT_EQ(*array, (HeaderList{{"Authorization", "Basic T1BF"}, {"X-A", "1"}}));
    auto pairs = parse_header_list("X-One: 1, X-Two:two words");
    ASSERT_TRUE(pairs);
    EXPECT_EQ(*pairs, (HeaderList{{"X-One", "1"}, {"X-Two", "two words"}}));
    auto empty = parse_header_list("  ");
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->empty());
    EXPECT_TRUE(parse_header_list("{}"));
}

TEST(HeaderList, RefusesWhatCannotBeSent) {
    for (const char* bad : {"{", R"({"X":1})", R"(["no colon"])", "Bad Name: x", "X-A: 1\n2",
                            R"({"X":"a\r\nInjected: yes"})", "[1]", "42"}) {
        const auto parsed = parse_header_list(bad);
        EXPECT_FALSE(parsed) << bad;
    }
    const auto validated = header_list_text()("nonsense");
    ASSERT_FALSE(validated);
    EXPECT_NE(validated.message().find("Name: value"), std::string::npos);
}

} // namespace
} // namespace ov2ha
