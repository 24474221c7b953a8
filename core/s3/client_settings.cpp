// S3 settings checks; see client_settings.hpp.
#include "core/s3/client_settings.hpp"

namespace ov2ha::s3 {

Status check_settings(const S3Settings& settings) {
    if (settings.bucket.empty()) {
        return failure("S3 settings: the bucket is empty");
    }
    if (settings.access_key.empty()) {
        return failure("S3 settings: the access key is empty");
    }
    if (settings.secret_key.empty()) {
        return failure("S3 settings: the secret key is empty");
    }
    if (auto address = address_object(bucket_location(settings), ""); !address) {
        return failure("S3 settings: " + address.message());
    }
    if (auto retries = check_retry_policy(settings.retries); !retries) {
        return failure("S3 settings: " + retries.message());
    }
    if (auto part = check_part_size(settings.part_size); !part) {
        return failure("S3 settings: " + part.message());
    }
    if (settings.part_parallelism < 1 || settings.part_parallelism > 64) {
        return failure("S3 settings: part parallelism must be 1 to 64, not " +
                       std::to_string(settings.part_parallelism));
    }
    if (settings.list_page_size < 1 || settings.list_page_size > 1000) {
        return failure("S3 settings: the list page size must be 1 to 1000, not " +
                       std::to_string(settings.list_page_size));
    }
    if (settings.max_host_connections < 1) {
        return failure("S3 settings: at least one connection per host is needed");
    }
    if (settings.timeouts.connect.count() < 0 || settings.timeouts.total.count() < 0 ||
        settings.timeouts.low_speed_time.count() < 0 || settings.timeouts.low_speed_bytes < 0) {
        return failure("S3 settings: timeouts cannot be negative");
    }
    return success();
}

BucketLocation bucket_location(const S3Settings& settings) {
    return BucketLocation{
        settings.endpoint, settings.region, settings.bucket,
        settings.path_style.value_or(default_path_style(settings.endpoint, settings.bucket))};
}

} // namespace ov2ha::s3
