// Basic authentication parsing and constant-time checking; see basic_auth.hpp.
#include "core/http/basic_auth.hpp"

#include "core/http/request.hpp"

#include <algorithm>

namespace ov2ha::http {
namespace {

constexpr std::string_view k_scheme = "basic";

int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+') {
        return 62;
    }
    if (c == '/') {
        return 63;
    }
    return -1;
}

// Standard alphabet; '=' padding may be present (then complete) or left out.
std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 == 0 && !text.empty()) {
        const size_t padding = text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0;
        text.remove_suffix(padding);
    }
    if (text.size() % 4 == 1) {
        return std::nullopt;
    }
    std::string decoded;
    decoded.reserve(text.size() * 3 / 4);
    unsigned accumulator = 0;
    int bits = 0;
    for (char c : text) {
        const int value = base64_value(c);
        if (value < 0) {
            return std::nullopt;
        }
        accumulator = (accumulator << 6) | static_cast<unsigned>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            decoded += static_cast<char>((accumulator >> bits) & 0xff);
        }
    }
    return decoded;
}

std::string_view trim_spaces(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

} // namespace

std::optional<BasicCredentials> parse_basic_authorization(std::string_view value) {
    value = trim_spaces(value);
    if (value.size() <= k_scheme.size() ||
        !Headers::same_name(value.substr(0, k_scheme.size()), k_scheme) ||
        (value[k_scheme.size()] != ' ' && value[k_scheme.size()] != '\t')) {
        return std::nullopt;
    }
    const auto decoded = base64_decode(trim_spaces(value.substr(k_scheme.size())));
    if (!decoded) {
        return std::nullopt;
    }
    const size_t colon = decoded->find(':');
    if (colon == std::string::npos) {
        return std::nullopt;
    }
    return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

bool constant_time_equal(std::string_view given, std::string_view expected) {
    const size_t length = std::max(given.size(), expected.size());
    // volatile keeps the compiler from turning the loop into an early-exit comparison.
    volatile unsigned char difference = given.size() == expected.size() ? 0 : 1;
    for (size_t i = 0; i < length; ++i) {
        const auto a = static_cast<unsigned char>(i < given.size() ? given[i] : 0);
        const auto b = static_cast<unsigned char>(i < expected.size() ? expected[i] : 0);
        difference = difference | (a ^ b);
    }
    return difference == 0;
}

BasicAuth::BasicAuth(std::string user, std::string password)
    : m_user(std::move(user)), m_password(std::move(password)) {}

bool BasicAuth::allows(std::string_view authorization) const {
    const auto credentials = parse_basic_authorization(authorization);
    if (!credentials) {
        return false;
    }
    const bool user_matches = constant_time_equal(credentials->user, m_user);
    const bool password_matches = constant_time_equal(credentials->password, m_password);
    return user_matches & password_matches;
}

Response BasicAuth::challenge() {
    Response response = Response::error(401, "authentication required");
    response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"ov2ha\", charset=\"UTF-8\"");
    return response;
}

} // namespace ov2ha::http
