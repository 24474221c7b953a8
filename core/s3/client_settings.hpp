// What the S3 client needs to know: where the bucket is, whose keys sign, and how long
// and how hard it tries. A plain struct the configuration table maps onto. Pure.
#pragma once

#include "core/base/result.hpp"
#include "core/http/curl_multi.hpp"
#include "core/s3/addressing.hpp"
#include "core/s3/multipart_plan.hpp"
#include "core/s3/retry_policy.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace ov2ha::s3 {

struct S3Settings {
    std::string endpoint; // URL, e.g. "http://minio:9000"; empty for AWS itself
    std::string region = "us-east-1";
    std::string bucket;
    std::string access_key;
    std::string secret_key;         // never logged
    std::optional<bool> path_style; // unset: default_path_style(endpoint, bucket)
    http::Timeouts timeouts;
    RetryPolicy retries;
    std::uint64_t multipart_threshold = 64 * k_mebibyte; // larger files go multipart
    std::uint64_t part_size = 8 * k_mebibyte;
    int part_parallelism = 4; // parts of one upload in flight at once
    // Content-MD5 on PutObject and UploadPart besides the signed SHA-256: Object Lock
    // buckets with a retention period refuse uploads without it.
    bool content_md5 = false;
    int list_page_size = 1000; // max-keys per ListObjectsV2 page, 1 to 1000
    long max_host_connections = 16;
};

// Fails with words naming the first setting that cannot work (empty bucket or keys, a
// malformed endpoint or region, addressing that cannot reach the bucket, limits out of
// range). The secret key's value never appears in the words.
Status check_settings(const S3Settings& settings);

// The bucket's location for addressing.hpp, with path_style resolved.
BucketLocation bucket_location(const S3Settings& settings);

} // namespace ov2ha::s3
