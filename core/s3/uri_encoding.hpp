// Percent-encoding the way AWS Signature Version 4 defines UriEncode(): RFC 3986
// unreserved characters kept, every other byte as upper-case %XX. Pure.
#pragma once

#include <string>
#include <string_view>

namespace ov2ha::s3 {

// True for A-Z a-z 0-9 '-' '_' '.' '~', the bytes UriEncode() leaves alone.
bool is_unreserved(char c);

// Encodes every byte but the unreserved ones: '/' becomes %2F, ' ' becomes %20
// (never '+'). For query names and values.
std::string uri_encode_component(std::string_view text);

// As uri_encode_component() but keeps '/', for request paths. Encodes once and
// leaves the path as it is: "a//b", "./x" and "../y" stay, as S3 signs them.
std::string uri_encode_path(std::string_view path);

} // namespace ov2ha::s3
