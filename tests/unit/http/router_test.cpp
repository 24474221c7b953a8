// Route matching: literals, {name} parameters, specificity, 404/405, bad patterns.
#include "core/http/router.hpp"

#include <gtest/gtest.h>

namespace ov2ha::http {
namespace {

using Outcome = RouteMatch::Outcome;

class RouterTest : public ::testing::Test {
  protected:
    size_t add(std::string_view method, std::string_view pattern) {
        auto number = router.add(method, pattern);
        EXPECT_TRUE(number) << number.message();
        return number ? *number : 0;
    }

    Router router;
};

TEST_F(RouterTest, MatchesLiteralAndParameterSegments) {
    const size_t heartbeat = add("PUT", "/api/sessions/{id}/heartbeat");
    const size_t health = add("GET", "/actuator/health");

    const RouteMatch match = router.match("PUT", "/api/sessions/abc-1/heartbeat");
    ASSERT_EQ(match.outcome, Outcome::found);
    EXPECT_EQ(match.route, heartbeat);
    EXPECT_EQ(match.params, (std::map<std::string, std::string>{{"id", "abc-1"}}));
    EXPECT_EQ(router.pattern(match.route), "/api/sessions/{id}/heartbeat");

    EXPECT_EQ(router.match("GET", "/actuator/health").route, health);
    EXPECT_EQ(router.match("GET", "/actuator/health").outcome, Outcome::found);
}

TEST_F(RouterTest, DecodesParametersAfterSplittingOnSlashes) {
    add("GET", "/api/sessions/{id}");
    const RouteMatch match = router.match("GET", "/api/sessions/a%2Fb%20c");
    ASSERT_EQ(match.outcome, Outcome::found);
    EXPECT_EQ(match.params.at("id"), "a/b c");
}

TEST_F(RouterTest, LiteralSegmentsWinOverParameters) {
    const size_t by_id = add("GET", "/api/sessions/{id}");
    const size_t all = add("GET", "/api/sessions/all");
    const size_t active = add("GET", "/api/sessions/{id}/active");
    const size_t first_literal = add("GET", "/api/{kind}/all/active");

    EXPECT_EQ(router.match("GET", "/api/sessions/all").route, all);
    EXPECT_EQ(router.match("GET", "/api/sessions/x").route, by_id);
    EXPECT_EQ(router.match("GET", "/api/sessions/all/active").route, active);
    EXPECT_EQ(router.match("GET", "/api/other/all/active").route, first_literal);
}

TEST_F(RouterTest, UnknownPathIsNotFound) {
    add("GET", "/api/sessions");
    EXPECT_EQ(router.match("GET", "/api/nothing").outcome, Outcome::not_found);
    EXPECT_EQ(router.match("GET", "/api/sessions/").outcome, Outcome::not_found);
    EXPECT_EQ(router.match("GET", "/api").outcome, Outcome::not_found);
    EXPECT_EQ(router.match("GET", "/").outcome, Outcome::not_found);
}

TEST_F(RouterTest, EmptyParameterDoesNotMatch) {
    add("PUT", "/api/sessions/{id}/stop");
    EXPECT_EQ(router.match("PUT", "/api/sessions//stop").outcome, Outcome::not_found);
}

TEST_F(RouterTest, KnownPathWithOtherMethodIsNotAllowedAndListsMethods) {
    add("GET", "/api/sessions/{id}");
    add("DELETE", "/api/sessions/{id}");
    add("POST", "/api/sessions");
    const RouteMatch match = router.match("PATCH", "/api/sessions/x");
    EXPECT_EQ(match.outcome, Outcome::method_not_allowed);
    EXPECT_EQ(match.allowed_methods, (std::vector<std::string>{"DELETE", "GET"}));
}

TEST_F(RouterTest, MethodIsMatchedBeforeSpecificity) {
    add("GET", "/api/sessions/all");
    const size_t remove = add("DELETE", "/api/sessions/{id}");
    const RouteMatch match = router.match("DELETE", "/api/sessions/all");
    ASSERT_EQ(match.outcome, Outcome::found);
    EXPECT_EQ(match.route, remove);
    EXPECT_EQ(match.params.at("id"), "all");
}

TEST_F(RouterTest, HeadFallsBackToGet) {
    const size_t get = add("GET", "/actuator/health");
    const RouteMatch match = router.match("HEAD", "/actuator/health");
    ASSERT_EQ(match.outcome, Outcome::found);
    EXPECT_EQ(match.route, get);
}

TEST_F(RouterTest, BrokenEscapeIsBadPath) {
    add("GET", "/api/sessions/{id}");
    EXPECT_EQ(router.match("GET", "/api/sessions/%zz").outcome, Outcome::bad_path);
    EXPECT_EQ(router.match("GET", "/api/sessions/%2").outcome, Outcome::bad_path);
}

TEST_F(RouterTest, RootPatternMatchesOnlyRoot) {
    const size_t root = add("GET", "/");
    EXPECT_EQ(router.match("GET", "/").route, root);
    EXPECT_EQ(router.match("GET", "/x").outcome, Outcome::not_found);
}

TEST_F(RouterTest, RefusesMalformedPatterns) {
    for (const char* pattern :
         {"api/x", "", "/api/{id", "/api/id}", "/api/x{id}", "/api/{}", "/api/{a-b}"}) {
        auto added = router.add("GET", pattern);
        EXPECT_FALSE(added) << pattern;
    }
    EXPECT_FALSE(router.add("get", "/api"));
    auto repeated = router.add("GET", "/a/{id}/b/{id}");
    ASSERT_FALSE(repeated);
    EXPECT_NE(repeated.message().find("{id} appears twice"), std::string::npos);
}

TEST_F(RouterTest, RefusesARouteThatShadowsAnother) {
    add("GET", "/api/sessions/{id}");
    auto same = router.add("GET", "/api/sessions/{sessionId}");
    ASSERT_FALSE(same);
    EXPECT_EQ(same.message(), "bad route GET /api/sessions/{sessionId}: it matches the same "
                              "requests as GET /api/sessions/{id}");
    EXPECT_TRUE(router.add("PUT", "/api/sessions/{sessionId}"));
}

} // namespace
} // namespace ov2ha::http
