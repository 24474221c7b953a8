// S3 error words and retry classes; see error.hpp.
#include "core/s3/error.hpp"

#include <array>
#include <string_view>

namespace ov2ha::s3 {
namespace {

// Codes AWS's SDKs retry whatever the status: throttling and server-side timeouts.
constexpr std::array<std::string_view, 8> k_retryable_codes = {
    "RequestTimeout",      "RequestTimeoutException", "SlowDown",           "Throttling",
    "ThrottlingException", "InternalError",           "ServiceUnavailable", "RequestLimitExceeded"};

} // namespace

std::string S3Error::text() const {
    std::string text = "S3 " + operation;
    if (!target.empty()) {
        text += " " + target;
    }
    text += ": ";
    if (!code.empty()) {
        text += code + ": ";
    }
    text += message;
    if (attempts > 1) {
        text += " (after " + std::to_string(attempts) + " attempts)";
    }
    return text;
}

ErrorKind kind_of_status(long http_status, const std::string& code) {
    for (std::string_view retryable : k_retryable_codes) {
        if (code == retryable) {
            return ErrorKind::retryable;
        }
    }
    if (http_status >= 500 || http_status == 408 || http_status == 429) {
        return ErrorKind::retryable;
    }
    return ErrorKind::final;
}

} // namespace ov2ha::s3
