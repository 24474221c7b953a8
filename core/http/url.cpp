// Percent-decoding and query-string parsing; see url.hpp.
#include "core/http/url.hpp"

namespace ov2ha::http {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

} // namespace

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
    std::string decoded;
    decoded.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size()) {
                return std::nullopt;
            }
            const int high = hex_value(text[i + 1]);
            const int low = hex_value(text[i + 2]);
            if (high < 0 || low < 0) {
                return std::nullopt;
            }
            decoded += static_cast<char>(high * 16 + low);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            decoded += ' ';
        } else {
            decoded += c;
        }
    }
    return decoded;
}

std::optional<QueryMap> parse_query(std::string_view query) {
    QueryMap parameters;
    while (!query.empty()) {
        const size_t end = query.find('&');
        const std::string_view piece = query.substr(0, end);
        query = end == std::string_view::npos ? std::string_view{} : query.substr(end + 1);
        if (piece.empty()) {
            continue;
        }
        const size_t equals = piece.find('=');
        auto name = percent_decode(piece.substr(0, equals), true);
        auto value = percent_decode(
            equals == std::string_view::npos ? std::string_view{} : piece.substr(equals + 1), true);
        if (!name || !value) {
            return std::nullopt;
        }
        parameters[std::move(*name)] = std::move(*value);
    }
    return parameters;
}

} // namespace ov2ha::http
