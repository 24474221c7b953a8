// s3:// URLs; see s3_url.hpp.
#include "core/s3/s3_url.hpp"

#include "core/s3/ascii.hpp"

#include <algorithm>

namespace ov2ha::s3 {
namespace {

constexpr std::string_view k_scheme = "s3://";

Error bad_url(std::string_view text, const std::string& why) {
    return failure("bad S3 URL \"" + std::string(text) + "\": " + why +
                   "; expected s3://BUCKET or s3://BUCKET/PREFIX");
}

} // namespace

Result<S3Url> parse_s3_url(std::string_view text) {
    if (text.size() < k_scheme.size() || ascii_lower(text.substr(0, k_scheme.size())) != k_scheme) {
        return bad_url(text, "it must start with s3://");
    }
    std::string_view rest = text.substr(k_scheme.size());
    const size_t slash = rest.find('/');
    S3Url url;
    url.bucket = std::string(rest.substr(0, slash));
    if (url.bucket.empty()) {
        return bad_url(text, "the bucket name is empty");
    }
    if (url.bucket.size() > 255 || !std::all_of(url.bucket.begin(), url.bucket.end(), [](char c) {
            return is_ascii_alnum(c) || c == '-' || c == '.' || c == '_';
        })) {
        return bad_url(text, "the bucket name \"" + url.bucket +
                                 "\" must be letters, digits, '-', '.' and '_'");
    }
    std::string_view prefix =
        slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    while (!prefix.empty() && prefix.back() == '/') {
        prefix.remove_suffix(1);
    }
    if (std::any_of(prefix.begin(), prefix.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
        return bad_url(text, "the prefix holds a control character");
    }
    for (size_t start = 0; start < prefix.size();) {
        const size_t end = std::min(prefix.find('/', start), prefix.size());
        const std::string_view segment = prefix.substr(start, end - start);
        if (segment.empty() || segment == "." || segment == "..") {
            return bad_url(text, "the prefix has an empty, \".\" or \"..\" segment");
        }
        start = end + 1;
    }
    url.prefix = std::string(prefix);
    return url;
}

std::string key_under(std::string_view prefix, std::string_view name) {
    if (prefix.empty()) {
        return std::string(name);
    }
    return std::string(prefix) + "/" + std::string(name);
}

} // namespace ov2ha::s3
