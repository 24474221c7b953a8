// Backoff with full jitter: bounds, the cap, reproducibility with a seeded generator, and
// which failures are tried again.
#include "core/s3/retry_policy.hpp"

#include <gtest/gtest.h>
#include <random>

namespace ov2ha::s3 {
namespace {

using std::chrono::milliseconds;

const RetryPolicy k_policy{5, milliseconds(100), milliseconds(1'000)};

TEST(RetryPolicy, DelaysStayWithinTheDoublingCeilingAndTheCap) {
    std::mt19937_64 random(42);
    const std::int64_t ceilings[] = {100, 200, 400, 800, 1'000, 1'000, 1'000};
    for (int attempt = 1; attempt <= 7; ++attempt) {
        std::int64_t largest = 0;
        for (int draw = 0; draw < 2'000; ++draw) {
            const auto delay = backoff_delay(k_policy, attempt, random()).count();
            ASSERT_GE(delay, 0);
            ASSERT_LE(delay, ceilings[attempt - 1]) << "attempt " << attempt;
            largest = std::max(largest, delay);
        }
        // Full jitter spreads over the whole range, not just near the ceiling or zero.
        EXPECT_GT(largest, ceilings[attempt - 1] * 9 / 10) << "attempt " << attempt;
    }
}

TEST(RetryPolicy, TheSameSeedGivesTheSameDelays) {
    std::mt19937_64 first(7), second(7);
    std::vector<std::int64_t> a, b;
    for (int attempt = 1; attempt <= 6; ++attempt) {
        a.push_back(backoff_delay(k_policy, attempt, first()).count());
        b.push_back(backoff_delay(k_policy, attempt, second()).count());
    }
    EXPECT_EQ(a, b);
    // std::mt19937_64 is specified exactly, so these values hold on every platform.
    std::mt19937_64 fixed(1);
    const std::uint64_t r = fixed();
    EXPECT_EQ(backoff_delay(k_policy, 1, r).count(), static_cast<std::int64_t>(r % 101));
    EXPECT_EQ(backoff_delay(k_policy, 3, r).count(), static_cast<std::int64_t>(r % 401));
}

TEST(RetryPolicy, HugeAttemptCountsDoNotOverflow) {
    const RetryPolicy policy{1'000, milliseconds(250), milliseconds(30'000)};
    EXPECT_LE(backoff_delay(policy, 1'000, ~std::uint64_t{0}).count(), 30'000);
    EXPECT_EQ(backoff_delay(policy, 1'000, 30'000).count(), 30'000);
    EXPECT_EQ(backoff_delay(RetryPolicy{3, milliseconds(0), milliseconds(0)}, 3, 12345).count(), 0);
}

TEST(RetryPolicy, OnlyRetryableFailuresAreTriedAgainWhileAttemptsRemain) {
    EXPECT_TRUE(should_retry(k_policy, ErrorKind::retryable, 1));
    EXPECT_TRUE(should_retry(k_policy, ErrorKind::retryable, 4));
    EXPECT_FALSE(should_retry(k_policy, ErrorKind::retryable, 5));
    EXPECT_FALSE(should_retry(k_policy, ErrorKind::final, 1));
    EXPECT_FALSE(should_retry(k_policy, ErrorKind::cancelled, 1));
    EXPECT_FALSE(
        should_retry(RetryPolicy{1, milliseconds(1), milliseconds(1)}, ErrorKind::retryable, 1));
}

TEST(RetryPolicy, UnworkablePoliciesAreRefused) {
    EXPECT_TRUE(check_retry_policy(k_policy));
    EXPECT_FALSE(check_retry_policy(RetryPolicy{0, milliseconds(1), milliseconds(2)}));
    EXPECT_FALSE(check_retry_policy(RetryPolicy{3, milliseconds(-1), milliseconds(2)}));
    const Status inverted = check_retry_policy(RetryPolicy{3, milliseconds(5), milliseconds(2)});
    ASSERT_FALSE(inverted);
    EXPECT_NE(inverted.message().find("base_delay <= max_delay"), std::string::npos);
}

} // namespace
} // namespace ov2ha::s3
