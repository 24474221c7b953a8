// When to send a failed S3 request again and how long to wait first: capped exponential
// backoff with full jitter. Pure: the random number comes in.
#pragma once

#include "core/base/result.hpp"
#include "core/s3/error.hpp"

#include <chrono>
#include <cstdint>

namespace ov2ha::s3 {

// How many times a request is tried and how the waits between tries grow.
struct RetryPolicy {
    int max_attempts = 4; // the first try included; 1 means never retry
    std::chrono::milliseconds base_delay{200};
    std::chrono::milliseconds max_delay{20'000};
};

// Fails with words when the policy cannot work (no attempt, negative or inverted delays).
Status check_retry_policy(const RetryPolicy& policy);

// True when a request that failed with `kind` after `attempts_made` tries is tried again:
// only retryable failures, and only while attempts remain.
bool should_retry(const RetryPolicy& policy, ErrorKind kind, int attempts_made);

// The wait before the next try after `attempts_made` failed tries (1 or more): a delay
// drawn uniformly from 0 to min(max_delay, base_delay * 2^(attempts_made - 1)) inclusive,
// using `random` (any 64-bit value, e.g. from a seeded std::mt19937_64).
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int attempts_made,
                                        std::uint64_t random);

} // namespace ov2ha::s3
