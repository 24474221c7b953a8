// UriEncode() as SigV4 defines it, checked over every byte value.
#include "core/s3/uri_encoding.hpp"

#include <cstdio>
#include <gtest/gtest.h>

namespace ov2ha::s3 {
namespace {

TEST(UriEncoding, UnreservedBytesAreKeptAndAllOthersBecomeUpperCaseHex) {
    for (int value = 0; value < 256; ++value) {
        const std::string byte(1, static_cast<char>(value));
        const bool unreserved = (value >= 'A' && value <= 'Z') || (value >= 'a' && value <= 'z') ||
                                (value >= '0' && value <= '9') || value == '-' || value == '_' ||
                                value == '.' || value == '~';
        char escaped[4];
        std::snprintf(escaped, sizeof escaped, "%%%02X", value);
        EXPECT_EQ(is_unreserved(byte[0]), unreserved) << value;
        EXPECT_EQ(uri_encode_component(byte), unreserved ? byte : std::string(escaped)) << value;
        if (value != '/') {
            EXPECT_EQ(uri_encode_path(byte), uri_encode_component(byte)) << value;
        }
    }
}

TEST(UriEncoding, PathKeepsSlashesComponentDoesNot) {
    EXPECT_EQ(uri_encode_path("/a b/c//d/./../e+f"), "/a%20b/c//d/./../e%2Bf");
    EXPECT_EQ(uri_encode_component("/a b/c"), "%2Fa%20b%2Fc");
}

TEST(UriEncoding, EncodesOnceOnly) {
    EXPECT_EQ(uri_encode_path("/a%20b"), "/a%2520b");
    EXPECT_EQ(uri_encode_component("100%"), "100%25");
}

TEST(UriEncoding, Utf8IsEncodedBytewise) {
    EXPECT_EQ(uri_encode_component("\xe1\x88\xb4"), "%E1%88%B4");
    EXPECT_EQ(uri_encode_path("/\xf0\x9f\x8e\xa5.mp4"), "/%F0%9F%8E%A5.mp4");
}

} // namespace
} // namespace ov2ha::s3
