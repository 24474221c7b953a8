// ASCII character classes and case folding for protocol text (host names, header
// names, hex digests), the same in every C locale. Pure.
#pragma once

#include <string>
#include <string_view>

namespace ov2ha::s3 {

// True for 0-9.
constexpr bool is_ascii_digit(char c) {
    return c >= '0' && c <= '9';
}

// True for A-Z, a-z and 0-9.
constexpr bool is_ascii_alnum(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_ascii_digit(c);
}

// True for 0-9, a-f and A-F.
constexpr bool is_ascii_hex_digit(char c) {
    return is_ascii_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// `text` with A-Z turned into a-z and every other byte left as it is.
inline std::string ascii_lower(std::string_view text) {
    std::string lowered(text);
    for (char& c : lowered) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return lowered;
}

} // namespace ov2ha::s3
