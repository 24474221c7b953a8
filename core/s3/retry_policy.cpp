// Backoff with full jitter; see retry_policy.hpp.
#include "core/s3/retry_policy.hpp"

#include <algorithm>

namespace ov2ha::s3 {

Status check_retry_policy(const RetryPolicy& policy) {
    if (policy.max_attempts < 1) {
        return failure("retries: max_attempts must be at least 1, not " +
                       std::to_string(policy.max_attempts));
    }
    if (policy.base_delay.count() < 0 || policy.max_delay < policy.base_delay) {
        return failure("retries: delays must satisfy 0 <= base_delay <= max_delay (" +
                       std::to_string(policy.base_delay.count()) + " ms, " +
                       std::to_string(policy.max_delay.count()) + " ms)");
    }
    return success();
}

bool should_retry(const RetryPolicy& policy, ErrorKind kind, int attempts_made) {
    return kind == ErrorKind::retryable && attempts_made < policy.max_attempts;
}

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int attempts_made,
                                        std::uint64_t random) {
    const auto base =
        static_cast<std::uint64_t>(std::max<std::int64_t>(0, policy.base_delay.count()));
    const auto cap =
        static_cast<std::uint64_t>(std::max<std::int64_t>(0, policy.max_delay.count()));
    // Doubling stops once it passes the cap, so large attempt counts cannot overflow.
    std::uint64_t ceiling = std::min(base, cap);
    for (int doubling = 1; doubling < attempts_made && ceiling < cap; ++doubling) {
        ceiling = std::min(cap, ceiling * 2);
    }
    return std::chrono::milliseconds(static_cast<std::int64_t>(random % (ceiling + 1)));
}

} // namespace ov2ha::s3
