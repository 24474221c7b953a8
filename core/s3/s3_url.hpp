// s3://BUCKET/PREFIX destinations as people type them on the command line, and object
// keys under a prefix. Pure.
#pragma once

#include "core/base/result.hpp"

#include <string>
#include <string_view>

namespace ov2ha::s3 {

// Where an s3:// URL points.
struct S3Url {
    std::string bucket;
    std::string prefix; // without leading or trailing '/'; empty for the bucket's root
};

// Parses "s3://bucket", "s3://bucket/", "s3://bucket/a/b/". Fails with words naming the
// text for another scheme, an empty or malformed bucket name, and a prefix with an empty,
// "." or ".." segment or a control character.
Result<S3Url> parse_s3_url(std::string_view text);

// `name` under `prefix`: "prefix/name", or just `name` when the prefix is empty.
std::string key_under(std::string_view prefix, std::string_view name);

} // namespace ov2ha::s3
