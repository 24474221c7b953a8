// Where an S3 request goes: path-style (https://endpoint/bucket/key) or virtual-hosted
// (https://bucket.endpoint/key) addressing, worked out from the endpoint URL. Pure.
#pragma once

#include "core/base/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace ov2ha::s3 {

// A parsed endpoint URL.
struct Endpoint {
    std::string scheme;     // "http" or "https"
    std::string host;       // lower-case name, IPv4 address or bracketed IPv6 literal
    std::uint16_t port = 0; // as written, else the scheme's default
};

// Parses an endpoint URL such as "http://minio:9000" (no user, path, query or
// fragment); an empty URL means AWS's regional endpoint https://s3.<region>.amazonaws.com.
Result<Endpoint> parse_endpoint(std::string_view endpoint_url, std::string_view region);

// True when `endpoint_url` is AWS itself: empty, or a host under amazonaws.com(.cn).
bool is_aws_endpoint(std::string_view endpoint_url);

// The addressing to use unless configured otherwise: virtual-hosted for AWS; path-style
// for every other endpoint (MinIO, Ceph, …) and for AWS buckets whose name cannot be one
// host-name label (a '.' defeats the *.s3 TLS certificate; capitals and '_' are not DNS).
bool default_path_style(std::string_view endpoint_url, std::string_view bucket);

// One bucket and how to reach it.
struct BucketLocation {
    std::string endpoint; // endpoint URL; empty for AWS
    std::string region;   // the signing region; also names the AWS endpoint
    std::string bucket;
    bool path_style = true;
};

// Where a request for one object, or for the bucket itself, is sent.
struct ObjectAddress {
    std::string scheme; // "http" or "https"
    std::string host;   // the Host header: host plus ":port" when not the scheme's default
    std::string path;   // decoded request path, as the signer takes it: "/bucket/key" or "/key"
    std::string url;    // scheme://host and the encoded path; no query
};

// The address of `key` in the bucket at `location`; an empty key addresses the bucket
// ("/bucket" path-style, "/" virtual-hosted). The key is used byte for byte. Fails on a
// malformed endpoint, a malformed bucket name, or virtual-hosted addressing that cannot
// work (an IP-address endpoint, a bucket name that is not a DNS name).
Result<ObjectAddress> address_object(const BucketLocation& location, std::string_view key);

} // namespace ov2ha::s3
