// What went wrong with an S3 request, in words and as a type: S3's own error (code and
// message from its XML body) or the transport's, and whether trying again may help. Pure.
#pragma once

#include "core/base/result.hpp"

#include <string>
#include <utility>
#include <variant>

namespace ov2ha::s3 {

// Whether a failed request is worth sending again.
enum class ErrorKind {
    retryable, // 5xx, 408, 429, S3's throttling and timeout codes, connection trouble
    final,     // every other 4xx, bad input, local file errors
    cancelled, // the client was closed or the operation was cancelled
};

// One failed S3 operation, as the caller sees it after any retries.
struct S3Error {
    std::string operation; // "PutObject", "ListObjectsV2", …
    std::string target;    // the key, or "bucket <name>" for bucket operations
    long http_status = 0;  // 0 when no HTTP response arrived
    std::string code;      // S3's error code ("NoSuchBucket"); empty when S3 gave none
    std::string message;   // S3's message, or the transport's words
    ErrorKind kind = ErrorKind::final;
    int attempts = 0; // requests sent, retries included

    // "S3 PutObject rec/chunks/0001.mp4: AccessDenied: Access Denied", with the attempt
    // count appended when there was more than one.
    std::string text() const;
    bool retryable() const { return kind == ErrorKind::retryable; }
    bool not_found() const { return http_status == 404; }
};

// The kind of an HTTP error response: retryable for 5xx, 408, 429 and S3's codes that
// mean "try again" (RequestTimeout, SlowDown, InternalError, …); final otherwise.
ErrorKind kind_of_status(long http_status, const std::string& code);

// A value or the S3Error saying why there is none.
template <class T> using S3Result = Result<T, S3Error>;

} // namespace ov2ha::s3
