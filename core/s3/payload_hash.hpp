// The two digests S3 takes of a request body: hex SHA-256 for x-amz-content-sha256 (the
// signature covers it) and base64 MD5 for Content-MD5 (S3 refuses a corrupted body).
// Blocking for files: call from a worker, never from the loop thread.
#pragma once

#include "core/base/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace ov2ha::s3 {

struct PayloadHashes {
    std::string sha256_hex;
    std::string md5_base64;
};

// The digests of `bytes`. Safe from any thread.
Result<PayloadHashes> hash_payload(std::string_view bytes);

// The digests of `length` bytes of the file at `path` from `offset`, read block by block.
// Fails with words when the file cannot be read or ends early. Blocking.
Result<PayloadHashes> hash_file_range(const std::string& path, std::uint64_t offset,
                                      std::uint64_t length);

} // namespace ov2ha::s3
