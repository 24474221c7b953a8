// One file uploaded as an S3 multipart upload: CreateMultipartUpload, UploadPart for each
// planned part (a bounded number at once, each with its signed SHA-256, hashed on a worker
// a few parts ahead of sending), CompleteMultipartUpload, and AbortMultipartUpload when
// anything fails. Loop thread only.
#pragma once

#include "core/s3/error.hpp"
#include "core/s3/objects.hpp"
#include "core/s3/sender.hpp"

#include <functional>
#include <memory>
#include <string>

namespace ov2ha::s3 {

// Uploads the `size`-byte file at `path` as `key` through `sender`, with the part size
// and parallelism of its settings. `done` runs once on the loop thread with what was
// stored or with the first error (after the upload was aborted, where the server can).
// The upload keeps itself alive until then; it holds the sender only weakly.
void upload_multipart(const std::shared_ptr<Sender>& sender, std::string key, std::string path,
                      std::uint64_t size, std::function<void(S3Result<PutReport>)> done);

} // namespace ov2ha::s3
