// The digests S3 takes of a request body: hex SHA-256 for x-amz-content-sha256, which the
// signature covers, so S3 refuses a body that differs from it (XAmzContentSHA256Mismatch);
// and, only for the operations whose API demands it, base64 MD5 for Content-MD5.
// Blocking for files: call from a worker, never from the loop thread.
#pragma once

#include "core/base/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace ov2ha::s3 {

// Whether a body's MD5 is wanted beside its SHA-256.
enum class WithMd5 { no, yes };

struct PayloadHashes {
    std::string sha256_hex;
    std::string md5_base64; // empty unless asked for
};

// The digests of `bytes`. Safe from any thread.
Result<PayloadHashes> hash_payload(std::string_view bytes, WithMd5 with_md5);

// The digests of `length` bytes of the file at `path` from `offset`, read block by block.
// Fails with words when the file cannot be read or ends early. Blocking.
Result<PayloadHashes> hash_file_range(const std::string& path, std::uint64_t offset,
                                      std::uint64_t length, WithMd5 with_md5);

} // namespace ov2ha::s3
