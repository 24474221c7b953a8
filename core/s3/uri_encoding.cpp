// SigV4 UriEncode(); see uri_encoding.hpp.
#include "core/s3/uri_encoding.hpp"

#include "core/s3/ascii.hpp"

namespace ov2ha::s3 {
namespace {

std::string encode(std::string_view text, bool keep_slash) {
    constexpr char k_digits[] = "0123456789ABCDEF";
    std::string encoded;
    encoded.reserve(text.size());
    for (char c : text) {
        if (is_unreserved(c) || (keep_slash && c == '/')) {
            encoded += c;
            continue;
        }
        const auto byte = static_cast<unsigned char>(c);
        encoded += '%';
        encoded += k_digits[byte >> 4];
        encoded += k_digits[byte & 0x0f];
    }
    return encoded;
}

} // namespace

bool is_unreserved(char c) {
    return is_ascii_alnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

std::string uri_encode_component(std::string_view text) {
    return encode(text, false);
}

std::string uri_encode_path(std::string_view path) {
    return encode(path, true);
}

} // namespace ov2ha::s3
