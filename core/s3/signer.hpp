// AWS Signature Version 4 as S3 checks it: the Authorization header and presigned
// URLs. Pure: time, credentials and payload hash come in; nothing is read or sent.
#pragma once

#include "core/base/result.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ov2ha::s3 {

// The payload hash that leaves the body out of the signature.
inline constexpr std::string_view k_unsigned_payload = "UNSIGNED-PAYLOAD";

// The hex SHA-256 of an empty body.
inline constexpr std::string_view k_empty_payload_sha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// The longest a presigned URL may stay valid: seven days.
inline constexpr std::chrono::seconds k_max_presign_expiry{7 * 24 * 3600};

// Name and value pairs in the caller's order; a name may repeat.
using NameValues = std::vector<std::pair<std::string, std::string>>;

// Who signs.
struct Credentials {
    std::string access_key;
    std::string secret_key;
    std::string session_token; // empty for long-term keys
};

// Who signs, for which region and service, and when.
struct SigningContext {
    Credentials credentials;
    std::string region;
    std::string service = "s3";
    std::chrono::system_clock::time_point time; // the caller's clock; the signer reads none
    // S3 wants x-amz-content-sha256 on every request, so it is signed and sent; services
    // that do not (AWS's generic test suite) set this to false.
    bool content_sha256_header = true;
};

// One HTTP request as it will be sent.
struct Request {
    std::string method;           // "GET", "PUT", …
    std::string scheme = "https"; // used for presigned URLs only
    std::string host;             // the Host header value, ":port" included when not default
    std::string path = "/";       // decoded, starting with '/'; encoded once, never normalised
    NameValues query;             // decoded names and values
    // Signed as given, so only headers that reach S3 unchanged (not User-Agent or
    // Expect); the signer adds host and its own x-amz-* headers.
    NameValues headers;
    std::string payload_hash = std::string(k_unsigned_payload); // hex SHA-256 of the body
};

// The result of signing with the Authorization header.
struct HeaderSignature {
    // To add to the request: x-amz-date, x-amz-content-sha256 (when asked for),
    // x-amz-security-token (with a session token) and Authorization.
    NameValues headers;
    std::string authorization;
    std::string canonical_request;
    std::string string_to_sign;
    std::string signature; // lower-case hex
};

// Signs `request` for the Authorization header. Fails on input S3 could never accept:
// empty credentials, region, method or host, a path without a leading '/', a header
// name that is not an HTTP token or that the signer sets itself (Host, Authorization,
// x-amz-date, x-amz-content-sha256, x-amz-security-token), a control character in a
// header value, or a payload hash that is neither 64 lower-case hex digits nor
// UNSIGNED-PAYLOAD.
Result<HeaderSignature> sign_headers(const Request& request, const SigningContext& context);

// The result of presigning.
struct PresignedUrl {
    std::string url; // scheme://host/path?<canonical query>&X-Amz-Signature=…
    std::string canonical_request;
    std::string string_to_sign;
    std::string signature; // lower-case hex
};

// A URL that performs `request` without credentials until `expires` has passed (1 s to
// k_max_presign_expiry). The payload is always UNSIGNED-PAYLOAD, so `payload_hash`
// must be left at that; headers given are signed and must then be sent as given.
// Fails as sign_headers() does, on a scheme other than http or https, and on query
// names the signer adds (X-Amz-Algorithm, X-Amz-Signature, …).
Result<PresignedUrl> presign_url(const Request& request, const SigningContext& context,
                                 std::chrono::seconds expires);

// The query in canonical form: names and values encoded, pairs sorted by name then
// value, "name=" for an empty value. Send this same string so URL and signature agree.
std::string canonical_query_string(const NameValues& query);

} // namespace ov2ha::s3
