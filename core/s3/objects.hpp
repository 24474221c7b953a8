// Plain descriptions of objects and of what an S3 operation did to them, as the S3
// client hands them back. Values only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ov2ha::s3 {

// One object as HeadObject or ListObjectsV2 describes it.
struct ObjectInfo {
    std::string key;
    std::uint64_t size = 0;
    std::string etag;          // without the surrounding quotes
    std::string last_modified; // as S3 wrote it (ISO 8601 in listings, HTTP date in HEAD)
};

// A key DeleteObjects could not delete, with S3's reason.
struct KeyError {
    std::string key;
    std::string code;
    std::string message;
};

// What DeleteObjects did, over every batch.
struct DeleteReport {
    std::vector<std::string> deleted;
    std::vector<KeyError> errors;
};

// What an upload stored.
struct PutReport {
    std::string etag; // without quotes; "<md5>-<parts>" style for multipart uploads on AWS
    std::uint64_t size = 0;
    int parts = 0; // 0 for a single PutObject
};

// What a download wrote.
struct GetReport {
    std::uint64_t bytes = 0;   // written to the file
    std::string etag;          // without quotes
    std::string content_range; // "bytes first-last/total" for a ranged get, else empty
};

} // namespace ov2ha::s3
