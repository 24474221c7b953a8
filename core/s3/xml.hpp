// S3's XML bodies: parsing the answers (errors, listings, multipart and delete results)
// and writing the requests, with pugixml. Pure.
#pragma once

#include "core/base/result.hpp"
#include "core/s3/objects.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ov2ha::s3 {

// S3's <Error> document.
struct ErrorBody {
    std::string code;
    std::string message;
    std::string key;         // when S3 names one
    std::string bucket_name; // when S3 names one (NoSuchBucket does)
    std::string request_id;
};

// Parses an <Error> document; fails when `xml` is not one.
Result<ErrorBody> parse_error(std::string_view xml);

// One page of a ListObjectsV2 answer. Keys are decoded when S3 says it URL-encoded them
// (<EncodingType>url</EncodingType>).
struct ListPage {
    std::vector<ObjectInfo> objects;
    bool truncated = false;
    std::string next_continuation_token;
};

// Parses a <ListBucketResult>; fails on other documents, bad sizes or bad encodings.
Result<ListPage> parse_list_objects_v2(std::string_view xml);

// The UploadId of an <InitiateMultipartUploadResult>.
Result<std::string> parse_initiate_multipart_upload(std::string_view xml);

// The ETag (without quotes) of a <CompleteMultipartUploadResult>.
Result<std::string> parse_complete_multipart_upload(std::string_view xml);

// The deleted keys and per-key errors of a <DeleteResult>.
Result<DeleteReport> parse_delete_result(std::string_view xml);

// A part already uploaded, for CompleteMultipartUpload.
struct CompletedPart {
    int number = 0;
    std::string etag; // as UploadPart returned it
};

// The <Delete> request body for `keys` (at most 1000), not quiet so every key is reported.
std::string delete_objects_xml(const std::vector<std::string>& keys);

// The <CompleteMultipartUpload> request body listing `parts` in the order given.
std::string complete_multipart_upload_xml(const std::vector<CompletedPart>& parts);

// The <CreateBucketConfiguration> body naming `region`; empty for us-east-1, which S3
// wants without one.
std::string create_bucket_xml(std::string_view region);

// `etag` without one pair of surrounding double quotes.
std::string unquote_etag(std::string_view etag);

} // namespace ov2ha::s3
