// Basic authentication: header parsing, constant-time comparison, the check and the challenge.
#include "core/http/basic_auth.hpp"

#include <gtest/gtest.h>

namespace ov2ha::http {
namespace {

TEST(BasicAuth, ParsesUserAndPassword) {
    // "aladdin:open sesame", the RFC 7617 example.
    const auto credentials = parse_basic_authorization("Basic YWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    ASSERT_TRUE(credentials);
    EXPECT_EQ(credentials->user, "aladdin");
    EXPECT_EQ(credentials->password, "open sesame");
}

TEST(BasicAuth, SchemeIsCaseInsensitiveAndPaddingOptional) {
    const auto credentials = parse_basic_authorization("  bAsIc   dXNlcjpwYTpzcw  ");
    ASSERT_TRUE(credentials);
    EXPECT_EQ(credentials->user, "user");
    EXPECT_EQ(credentials->password, "pa:ss");
}

TEST(BasicAuth, EmptyPasswordIsAllowed) {
    const auto credentials = parse_basic_authorization("Basic dXNlcjo="); // "user:"
    ASSERT_TRUE(credentials);
    EXPECT_EQ(credentials->user, "user");
    EXPECT_EQ(credentials->password, "");
}

TEST(BasicAuth, RefusesEverythingElse) {
    for (const char* value : {"", "Basic", "Basic ", "Bearer dXNlcjpwYXNz", "BasicdXNlcjpwYXNz",
                              "Basic dXNlcnBhc3M=", // "userpass": no colon
                              "Basic dXNlcjpwYXNz!", "Basic d", "Basic dXN=lcjpwYXNz"}) {
        EXPECT_FALSE(parse_basic_authorization(value)) << value;
    }
}

TEST(BasicAuth, ConstantTimeEqualComparesWholeTexts) {
    EXPECT_TRUE(constant_time_equal("secret", "secret"));
    EXPECT_TRUE(constant_time_equal("", ""));
    EXPECT_FALSE(constant_time_equal("secret", "secreT"));
    EXPECT_FALSE(constant_time_equal("secret", "secret2"));
    EXPECT_FALSE(constant_time_equal("secret2", "secret"));
    EXPECT_FALSE(constant_time_equal("", "secret"));
    EXPECT_FALSE(constant_time_equal(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
    // A prefix padded with NUL bytes must not pass for the shorter text.
    EXPECT_FALSE(constant_time_equal(std::string_view("ab\0", 3), "ab"));
}

TEST(BasicAuth, AllowsOnlyTheConfiguredUserAndPassword) {
    const BasicAuth auth("admin", "s3cret:x");
    EXPECT_TRUE(auth.allows("Basic YWRtaW46czNjcmV0Ong="));  // admin:s3cret:x
    EXPECT_FALSE(auth.allows("Basic YWRtaW46czNjcmV0"));     // admin:s3cret
    EXPECT_FALSE(auth.allows("Basic cm9vdDpzM2NyZXQ6eA==")); // root:s3cret:x
    EXPECT_FALSE(auth.allows(""));
    EXPECT_FALSE(auth.allows("Basic !!!"));
}

TEST(BasicAuth, ChallengeIsA401JsonErrorWithRealm) {
    const Response response = BasicAuth::challenge();
    EXPECT_EQ(response.status, 401);
    EXPECT_EQ(response.body, R"({"error":"authentication required"})");
    bool has_challenge = false;
    for (const auto& [name, value] : response.headers) {
        has_challenge |= name == "WWW-Authenticate" && value.starts_with("Basic realm=\"ov2ha\"");
    }
    EXPECT_TRUE(has_challenge);
}

} // namespace
} // namespace ov2ha::http
