// Path-style and virtual-hosted addresses, the default choice between them, and
// endpoint URLs that are refused with a reason.
#include "core/s3/addressing.hpp"

#include <gtest/gtest.h>

namespace ov2ha::s3 {
namespace {

ObjectAddress address(const std::string& endpoint, const std::string& bucket, std::string_view key,
                      bool path_style, const std::string& region = "") {
    const auto result = address_object({endpoint, region, bucket, path_style}, key);
    EXPECT_TRUE(result) << result.message();
    return result ? *result : ObjectAddress{};
}

TEST(Addressing, PathStyleOnACustomEndpoint) {
    const auto a = address("http://minio:9000", "recordings", "ses_1/chunks/0001.mp4", true);
    EXPECT_EQ(a.scheme, "http");
    EXPECT_EQ(a.host, "minio:9000");
    EXPECT_EQ(a.path, "/recordings/ses_1/chunks/0001.mp4");
    EXPECT_EQ(a.url, "http://minio:9000/recordings/ses_1/chunks/0001.mp4");
}

TEST(Addressing, VirtualHostedOnAws) {
    const auto a = address("", "examplebucket", "test.txt", false, "eu-west-1");
    EXPECT_EQ(a.scheme, "https");
    EXPECT_EQ(a.host, "examplebucket.s3.eu-west-1.amazonaws.com");
    EXPECT_EQ(a.path, "/test.txt");
    EXPECT_EQ(a.url, "https://examplebucket.s3.eu-west-1.amazonaws.com/test.txt");
    EXPECT_EQ(address("", "b-1", "k", false, "cn-north-1").host,
              "b-1.s3.cn-north-1.amazonaws.com.cn");
}

TEST(Addressing, KeysAreKeptAsTheyAreAndEncodedOnceInTheUrl) {
    const auto a = address("https://s3.example.com", "b", "/a//b/./c/../d e+%.mp4", true);
    EXPECT_EQ(a.path, "/b//a//b/./c/../d e+%.mp4");
    EXPECT_EQ(a.url, "https://s3.example.com/b//a//b/./c/../d%20e%2B%25.mp4");
    const auto v = address("https://s3.example.com", "bucket", "/x", false);
    EXPECT_EQ(v.path, "//x");
    EXPECT_EQ(v.url, "https://bucket.s3.example.com//x");
}

TEST(Addressing, AnEmptyKeyAddressesTheBucket) {
    EXPECT_EQ(address("http://minio:9000", "b", "", true).path, "/b");
    EXPECT_EQ(address("http://minio:9000", "bucket", "", false).path, "/");
}

TEST(Addressing, DefaultPortsAreLeftOutOfTheHostOthersKept) {
    EXPECT_EQ(address("https://S3.Example.COM:443/", "b", "k", true).host, "s3.example.com");
    EXPECT_EQ(address("http://s3.example.com:80", "b", "k", true).host, "s3.example.com");
    EXPECT_EQ(address("http://s3.example.com:443", "b", "k", true).host, "s3.example.com:443");
    EXPECT_EQ(address("https://s3.example.com:9000", "bucket", "k", false).host,
              "bucket.s3.example.com:9000");
    EXPECT_EQ(address("http://[::1]:9000", "b", "k", true).url, "http://[::1]:9000/b/k");
}

TEST(Addressing, DefaultRuleIsVirtualHostedForAwsPathStyleElsewhere) {
    EXPECT_FALSE(default_path_style("", "recordings"));
    EXPECT_FALSE(default_path_style("https://s3.eu-west-1.amazonaws.com", "recordings"));
    EXPECT_FALSE(default_path_style("https://s3.cn-north-1.amazonaws.com.cn", "recordings"));
    EXPECT_TRUE(default_path_style("http://minio:9000", "recordings"));
    EXPECT_TRUE(default_path_style("https://storage.example.com", "recordings"));
    // AWS buckets that cannot be one TLS-matching host label stay path-style.
    EXPECT_TRUE(default_path_style("", "my.recordings"));
    EXPECT_TRUE(default_path_style("", "My_Recordings"));
    EXPECT_TRUE(is_aws_endpoint(""));
    EXPECT_FALSE(is_aws_endpoint("https://amazonaws.com.evil.example"));
}

TEST(Addressing, RefusesAddressesThatCannotWork) {
    const auto refused = [](const BucketLocation& location, const std::string& expected) {
        const auto result = address_object(location, "k");
        ASSERT_FALSE(result) << expected;
        EXPECT_NE(result.message().find(expected), std::string::npos) << result.message();
    };
    refused({"minio:9000", "", "b", true}, "must start with http:// or https://");
    refused({"ftp://minio", "", "b", true}, "must start with http:// or https://");
    refused({"http://minio:9000/prefix", "", "b", true}, "must not have a path");
    refused({"http://user:pw@minio", "", "b", true}, "must not hold a user name");
    refused({"http://minio:99999", "", "b", true}, "bad port");
    refused({"http://minio:", "", "b", true}, "empty port");
    refused({"http://", "", "b", true}, "needs a host name");
    refused({"http://127.0.0.1:9000", "", "bucket", false}, "is an IP address");
    refused({"https://s3.example.com", "", "My_Bucket", false}, "is not a DNS name");
    refused({"http://minio", "", "", true}, "bucket name");
    refused({"http://minio", "", "a/b", true}, "bucket name");
    refused({"", "", "bucket", false}, "region");
    refused({"", "EU WEST", "bucket", false}, "region");
}

TEST(Addressing, ParsesEndpointParts) {
    const auto endpoint = parse_endpoint("HTTPS://Minio.Local:9443", "");
    ASSERT_TRUE(endpoint) << endpoint.message();
    EXPECT_EQ(endpoint->scheme, "https");
    EXPECT_EQ(endpoint->host, "minio.local");
    EXPECT_EQ(endpoint->port, 9443);
    const auto aws = parse_endpoint("", "us-east-1");
    ASSERT_TRUE(aws);
    EXPECT_EQ(aws->host, "s3.us-east-1.amazonaws.com");
    EXPECT_EQ(aws->port, 443);
}

} // namespace
} // namespace ov2ha::s3
