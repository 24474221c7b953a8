// s3://BUCKET/PREFIX parsing and keys under a prefix.
#include "core/s3/s3_url.hpp"

#include <gtest/gtest.h>

namespace ov2ha::s3 {
namespace {

TEST(S3Url, BucketAndPrefixAreSplitAndTrimmed) {
    const struct {
        const char* text;
        const char* bucket;
        const char* prefix;
    } cases[] = {
        {"s3://rec", "rec", ""},
        {"s3://rec/", "rec", ""},
        {"s3://rec/ses_1/chunks", "rec", "ses_1/chunks"},
        {"s3://rec/ses_1/chunks///", "rec", "ses_1/chunks"},
        {"S3://My_Old.Bucket-1/a b/ü", "My_Old.Bucket-1", "a b/ü"},
    };
    for (const auto& c : cases) {
        auto url = parse_s3_url(c.text);
        ASSERT_TRUE(url) << c.text << ": " << url.message();
        EXPECT_EQ(url->bucket, c.bucket) << c.text;
        EXPECT_EQ(url->prefix, c.prefix) << c.text;
    }
}

TEST(S3Url, MalformedUrlsAreRefusedInWords) {
    const struct {
        const char* text;
        const char* words;
    } cases[] = {
        {"", "must start with s3://"},
        {"rec/prefix", "must start with s3://"},
        {"s3:/rec", "must start with s3://"},
        {"http://rec/x", "must start with s3://"},
        {"s3://", "bucket name is empty"},
        {"s3:///prefix", "bucket name is empty"},
        {"s3://bad bucket/x", "must be letters, digits"},
        {"s3://rec:9000/x", "must be letters, digits"},
        {"s3://rec//x", "empty, \".\" or \"..\" segment"},
        {"s3://rec/a/../b", "empty, \".\" or \"..\" segment"},
        {"s3://rec/./b", "empty, \".\" or \"..\" segment"},
        {"s3://rec/a\tb", "control character"},
    };
    for (const auto& c : cases) {
        auto url = parse_s3_url(c.text);
        ASSERT_FALSE(url) << c.text;
        EXPECT_NE(url.message().find(c.words), std::string::npos) << url.message();
        EXPECT_NE(url.message().find("bad S3 URL"), std::string::npos) << url.message();
    }
}

TEST(S3Url, KeysUnderAPrefix) {
    EXPECT_EQ(key_under("", "0001.mp4"), "0001.mp4");
    EXPECT_EQ(key_under("ses/chunks", "0001.mp4"), "ses/chunks/0001.mp4");
}

} // namespace
} // namespace ov2ha::s3
