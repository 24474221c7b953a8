// SigV4 canonical request, string to sign, signing key and signature as the S3 API
// Reference lays them out (Authorization header and query-string auth); see signer.hpp.
#include "core/s3/signer.hpp"

#include "core/base/hashing.hpp"
#include "core/s3/ascii.hpp"
#include "core/s3/uri_encoding.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>

namespace ov2ha::s3 {
namespace {

constexpr std::string_view k_algorithm = "AWS4-HMAC-SHA256";

// Header names the signer writes itself, lower-case.
constexpr std::array<std::string_view, 5> k_signer_headers = {
    "host", "authorization", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token"};

// Query names a presigned URL writes itself, lower-case.
constexpr std::array<std::string_view, 7> k_presign_parameters = {
    "x-amz-algorithm",     "x-amz-credential", "x-amz-date",          "x-amz-expires",
    "x-amz-signedheaders", "x-amz-signature",  "x-amz-security-token"};

template <size_t N>
bool contains(const std::array<std::string_view, N>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

// RFC 9110 tchar: what a method or header name is made of.
bool is_token(std::string_view text) {
    constexpr std::string_view k_symbols = "!#$%&'*+-.^_`|~";
    return !text.empty() && std::all_of(text.begin(), text.end(), [&](char c) {
        return is_ascii_alnum(c) || k_symbols.find(c) != std::string_view::npos;
    });
}

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

// Trimall(): no blanks at either end, each inner run of blanks one space.
std::string trim_all(std::string_view value) {
    std::string trimmed;
    bool pending_space = false;
    for (char c : value) {
        if (is_blank(c)) {
            pending_space = !trimmed.empty();
            continue;
        }
        if (pending_space) {
            trimmed += ' ';
            pending_space = false;
        }
        trimmed += c;
    }
    return trimmed;
}

bool is_payload_hash(std::string_view hash) {
    return hash == k_unsigned_payload ||
           (hash.size() == 64 && std::all_of(hash.begin(), hash.end(), [](char c) {
                return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
            }));
}

struct Timestamp {
    std::string date;      // 20130524
    std::string date_time; // 20130524T000000Z
};

Result<Timestamp> format_time(std::chrono::system_clock::time_point time) {
    using namespace std::chrono;
    const auto second = floor<seconds>(time);
    const auto day = floor<days>(second);
    const year_month_day date{day};
    const hh_mm_ss clock{second - day};
    const int year = static_cast<int>(date.year());
    if (year < 1 || year > 9999) {
        return failure("signing time is outside the years 1 to 9999");
    }
    char text[32];
    std::snprintf(
        text, sizeof text, "%04d%02u%02uT%02d%02d%02dZ", year, static_cast<unsigned>(date.month()),
        static_cast<unsigned>(date.day()), static_cast<int>(clock.hours().count()),
        static_cast<int>(clock.minutes().count()), static_cast<int>(clock.seconds().count()));
    const std::string date_time = text;
    return Timestamp{date_time.substr(0, 8), date_time};
}

Status check_request(const Request& request, const SigningContext& context) {
    const Credentials& credentials = context.credentials;
    if (credentials.access_key.empty() || credentials.secret_key.empty()) {
        return failure("signing needs an access key and a secret key");
    }
    if (context.region.empty() || context.service.empty()) {
        return failure("signing needs a region and a service");
    }
    if (!is_token(request.method)) {
        return failure("HTTP method \"" + request.method + "\" is not a token");
    }
    if (request.host.empty() || !std::all_of(request.host.begin(), request.host.end(), [](char c) {
            return is_ascii_alnum(c) ||
                   std::string_view("-._:[]").find(c) != std::string_view::npos;
        })) {
        return failure("host \"" + request.host + "\" is empty or not a host[:port]");
    }
    if (request.path.empty() || request.path.front() != '/') {
        return failure("request path \"" + request.path + "\" does not start with '/'");
    }
    for (const auto& [name, value] : request.headers) {
        if (!is_token(name)) {
            return failure("header name \"" + name + "\" is not an HTTP token");
        }
        if (contains(k_signer_headers, ascii_lower(name))) {
            return failure("header " + name + " is set by the signer, not the caller");
        }
        for (char c : value) {
            const auto byte = static_cast<unsigned char>(c);
            if ((byte < 0x20 && c != '\t') || byte == 0x7f) {
                return failure("header " + name + " holds control character " +
                               std::to_string(byte));
            }
        }
    }
    if (!is_payload_hash(request.payload_hash)) {
        return failure("payload hash \"" + request.payload_hash +
                       "\" is neither 64 lower-case hex digits nor UNSIGNED-PAYLOAD");
    }
    return success();
}

// CanonicalHeaders and SignedHeaders: names lower-cased and sorted, the values of a
// repeated name joined by ',' in the order given.
struct CanonicalHeaders {
    std::string block; // "name:value\n" per header
    std::string names; // "name;name"
};

CanonicalHeaders canonical_headers(const NameValues& headers) {
    std::map<std::string, std::string> merged;
    for (const auto& [name, value] : headers) {
        const auto [slot, inserted] = merged.try_emplace(ascii_lower(name), trim_all(value));
        if (!inserted) {
            slot->second += ',' + trim_all(value);
        }
    }
    CanonicalHeaders canonical;
    for (const auto& [name, value] : merged) {
        canonical.block += name + ':' + value + '\n';
        if (!canonical.names.empty()) {
            canonical.names += ';';
        }
        canonical.names += name;
    }
    return canonical;
}

struct Signed {
    std::string canonical_request;
    std::string string_to_sign;
    std::string signature;
};

std::string scope_of(const Timestamp& time, const SigningContext& context) {
    return time.date + '/' + context.region + '/' + context.service + "/aws4_request";
}

// The four-step signing key, then HMAC of the string to sign under it.
Result<std::string> signature_of(std::string_view string_to_sign, const Timestamp& time,
                                 const SigningContext& context) {
    Result<std::string> key = "AWS4" + context.credentials.secret_key;
    for (const std::string_view part :
         {std::string_view(time.date), std::string_view(context.region),
          std::string_view(context.service), std::string_view("aws4_request"), string_to_sign}) {
        key = hmac_sha256(*key, part);
        if (!key) {
            return key.error();
        }
    }
    return hex_lower(*key);
}

Result<Signed> sign(const Request& request, const SigningContext& context, const Timestamp& time,
                    const CanonicalHeaders& headers, std::string_view query,
                    std::string_view payload_hash) {
    Signed result;
    result.canonical_request = request.method + '\n' + uri_encode_path(request.path) + '\n' +
                               std::string(query) + '\n' + headers.block + '\n' + headers.names +
                               '\n' + std::string(payload_hash);
    const auto digest = sha256(result.canonical_request);
    if (!digest) {
        return digest.error();
    }
    result.string_to_sign = std::string(k_algorithm) + '\n' + time.date_time + '\n' +
                            scope_of(time, context) + '\n' + hex_lower(*digest);
    auto signature = signature_of(result.string_to_sign, time, context);
    if (!signature) {
        return signature.error();
    }
    result.signature = std::move(*signature);
    return result;
}

} // namespace

std::string canonical_query_string(const NameValues& query) {
    std::vector<std::pair<std::string, std::string>> encoded;
    encoded.reserve(query.size());
    for (const auto& [name, value] : query) {
        encoded.emplace_back(uri_encode_component(name), uri_encode_component(value));
    }
    std::sort(encoded.begin(), encoded.end());
    std::string canonical;
    for (const auto& [name, value] : encoded) {
        if (!canonical.empty()) {
            canonical += '&';
        }
        canonical += name + '=' + value;
    }
    return canonical;
}

Result<HeaderSignature> sign_headers(const Request& request, const SigningContext& context) {
    if (auto checked = check_request(request, context); !checked) {
        return checked.error();
    }
    auto time = format_time(context.time);
    if (!time) {
        return time.error();
    }
    HeaderSignature result;
    result.headers.emplace_back("x-amz-date", time->date_time);
    if (context.content_sha256_header) {
        result.headers.emplace_back("x-amz-content-sha256", request.payload_hash);
    }
    if (!context.credentials.session_token.empty()) {
        result.headers.emplace_back("x-amz-security-token", context.credentials.session_token);
    }
    NameValues signed_headers = request.headers;
    signed_headers.emplace_back("host", request.host);
    signed_headers.insert(signed_headers.end(), result.headers.begin(), result.headers.end());
    const CanonicalHeaders headers = canonical_headers(signed_headers);

    auto signed_request = sign(request, context, *time, headers,
                               canonical_query_string(request.query), request.payload_hash);
    if (!signed_request) {
        return signed_request.error();
    }
    result.canonical_request = std::move(signed_request->canonical_request);
    result.string_to_sign = std::move(signed_request->string_to_sign);
    result.signature = std::move(signed_request->signature);
    result.authorization = std::string(k_algorithm) +
                           " Credential=" + context.credentials.access_key + '/' +
                           scope_of(*time, context) + ", SignedHeaders=" + headers.names +
                           ", Signature=" + result.signature;
    result.headers.emplace_back("Authorization", result.authorization);
    return result;
}

Result<PresignedUrl> presign_url(const Request& request, const SigningContext& context,
                                 std::chrono::seconds expires) {
    if (auto checked = check_request(request, context); !checked) {
        return checked.error();
    }
    if (request.scheme != "https" && request.scheme != "http") {
        return failure("scheme \"" + request.scheme + "\" is neither http nor https");
    }
    if (request.payload_hash != k_unsigned_payload) {
        return failure("a presigned URL signs UNSIGNED-PAYLOAD, not a payload hash");
    }
    if (expires < std::chrono::seconds(1) || expires > k_max_presign_expiry) {
        return failure("a presigned URL expires after 1 to " +
                       std::to_string(k_max_presign_expiry.count()) + " seconds, not " +
                       std::to_string(expires.count()));
    }
    for (const auto& parameter : request.query) {
        if (contains(k_presign_parameters, ascii_lower(parameter.first))) {
            return failure("query parameter " + parameter.first +
                           " is set by the signer, not the caller");
        }
    }
    auto time = format_time(context.time);
    if (!time) {
        return time.error();
    }
    NameValues signed_headers = request.headers;
    signed_headers.emplace_back("host", request.host);
    const CanonicalHeaders headers = canonical_headers(signed_headers);

    NameValues query = request.query;
    query.emplace_back("X-Amz-Algorithm", std::string(k_algorithm));
    query.emplace_back("X-Amz-Credential",
                       context.credentials.access_key + '/' + scope_of(*time, context));
    query.emplace_back("X-Amz-Date", time->date_time);
    query.emplace_back("X-Amz-Expires", std::to_string(expires.count()));
    query.emplace_back("X-Amz-SignedHeaders", headers.names);
    if (!context.credentials.session_token.empty()) {
        query.emplace_back("X-Amz-Security-Token", context.credentials.session_token);
    }
    const std::string canonical_query = canonical_query_string(query);

    auto signed_request =
        sign(request, context, *time, headers, canonical_query, k_unsigned_payload);
    if (!signed_request) {
        return signed_request.error();
    }
    PresignedUrl result;
    result.canonical_request = std::move(signed_request->canonical_request);
    result.string_to_sign = std::move(signed_request->string_to_sign);
    result.signature = std::move(signed_request->signature);
    result.url = request.scheme + "://" + request.host + uri_encode_path(request.path) + '?' +
                 canonical_query + "&X-Amz-Signature=" + result.signature;
    return result;
}

} // namespace ov2ha::s3
