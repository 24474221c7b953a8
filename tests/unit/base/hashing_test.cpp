// SHA-256, HMAC-SHA256, MD5, hex and base64 against their standards' published vectors.
#include "core/base/hashing.hpp"

#include <gtest/gtest.h>

namespace ov2ha {
namespace {

std::string hex_of(const Result<std::string>& digest) {
    EXPECT_TRUE(digest) << digest.message();
    return digest ? hex_lower(*digest) : std::string();
}

// FIPS 180-2 appendix B.1 and B.3.
TEST(Hashing, Sha256MatchesFips180) {
    EXPECT_EQ(hex_of(sha256("abc")),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(hex_of(sha256(std::string(1000000, 'a'))),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    EXPECT_EQ(hex_of(sha256("")),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Hashing, DigestInPiecesEqualsDigestAtOnce) {
    auto digest = Digest::sha256();
    ASSERT_TRUE(digest) << digest.message();
    for (int i = 0; i < 1000; ++i) {
        ASSERT_TRUE(digest->update(std::string(1000, 'a')));
    }
    EXPECT_EQ(hex_of(digest->finish()),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    EXPECT_FALSE(digest->update("more"));
    EXPECT_FALSE(digest->finish());
}

// RFC 4231 test cases 1, 2 and 6 (a key longer than the block is hashed first).
TEST(Hashing, HmacSha256MatchesRfc4231) {
    EXPECT_EQ(hex_of(hmac_sha256(std::string(20, '\x0b'), "Hi There")),
              "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    EXPECT_EQ(hex_of(hmac_sha256("Jefe", "what do ya want for nothing?")),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    EXPECT_EQ(hex_of(hmac_sha256(std::string(131, '\xaa'),
                                 "Test Using Larger Than Block-Size Key - Hash Key First")),
              "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(Hashing, HmacSha256TakesAnEmptyKeyAndMessage) {
    EXPECT_EQ(hex_of(hmac_sha256("", "")),
              "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

// RFC 1321 appendix A.5.
TEST(Hashing, Md5MatchesRfc1321) {
    EXPECT_EQ(hex_of(md5("")), "d41d8cd98f00b204e9800998ecf8427e");
    EXPECT_EQ(hex_of(md5("abc")), "900150983cd24fb0d6963f7d28e17f72");
    const auto digest = md5("abc");
    ASSERT_TRUE(digest);
    EXPECT_EQ(base64(*digest), "kAFQmDzST7DWlj99KOF/cg==");
}

// RFC 4648 section 10.
TEST(Hashing, Base64MatchesRfc4648) {
    EXPECT_EQ(base64(""), "");
    EXPECT_EQ(base64("f"), "Zg==");
    EXPECT_EQ(base64("fo"), "Zm8=");
    EXPECT_EQ(base64("foo"), "Zm9v");
    EXPECT_EQ(base64("foob"), "Zm9vYg==");
    EXPECT_EQ(base64("fooba"), "Zm9vYmE=");
    EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
}

TEST(Hashing, Base64OfLongInputIsOneStream) {
    std::string bytes;
    for (int i = 0; i < 20 * 256; ++i) {
        bytes += static_cast<char>(i % 256);
    }
    const std::string text = base64(bytes);
    EXPECT_EQ(text.size(), 6828u);
    EXPECT_EQ(text.substr(text.size() - 20), "8vP09fb3+Pn6+/z9/v8=");
    EXPECT_EQ(text.find('\n'), std::string::npos);
}

TEST(Hashing, HexIsLowerCaseTwoDigitsPerByte) {
    EXPECT_EQ(hex_lower(std::string("\x00\x0f\xf0\xff", 4)), "000ff0ff");
}

} // namespace
} // namespace ov2ha
