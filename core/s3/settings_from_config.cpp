// Config -> S3Settings; see settings_from_config.hpp.
#include "core/s3/settings_from_config.hpp"

#include "core/s3/addressing.hpp"

namespace ov2ha::s3 {
namespace {

// "a bucket is required: set HA_AWS_S3_BUCKET or OV2HA_S3_BUCKET".
std::string required_text(const std::string& key, const std::string& what) {
    const SettingSpec* spec = find_setting(key);
    std::string names;
    for (const auto& legacy : spec->legacy_environment) {
        names += legacy + " or ";
    }
    return what + " is required: set " + names + spec->environment_name();
}

std::uint64_t mebibytes(const Config& config, const std::string& key) {
    return static_cast<std::uint64_t>(config.integer(key)) * k_mebibyte;
}

} // namespace

Result<S3Settings> settings_from_config(const Config& config) {
    S3Settings settings;
    settings.endpoint = config.text("s3.endpoint");
    settings.region = config.text("s3.region");
    settings.bucket = config.text("s3.bucket");
    settings.access_key = config.text("s3.access_key");
    settings.secret_key = config.text("s3.secret_key");

    if (!settings.endpoint.empty()) {
        if (auto endpoint = parse_endpoint(settings.endpoint, settings.region); !endpoint) {
            return failure(config.bad_setting_text("s3.endpoint", endpoint.message()));
        }
    }
    if (auto region = parse_endpoint("", settings.region); !region) {
        return failure(config.bad_setting_text("s3.region", region.message()));
    }
    if (settings.bucket.empty()) {
        return failure(
            config.bad_setting_text("s3.bucket", required_text("s3.bucket", "a bucket")));
    }
    if (auto named =
            address_object({settings.endpoint, settings.region, settings.bucket, true}, "");
        !named) {
        return failure(config.bad_setting_text("s3.bucket", named.message()));
    }
    if (settings.access_key.empty()) {
        return failure(config.bad_setting_text("s3.access_key",
                                               required_text("s3.access_key", "an access key")));
    }
    if (settings.secret_key.empty()) {
        return failure(config.bad_setting_text("s3.secret_key",
                                               required_text("s3.secret_key", "a secret key")));
    }

    const std::string& path_style = config.text("s3.path_style");
    if (path_style != "auto") {
        settings.path_style = path_style == "true";
    }
    if (auto addressed = address_object(bucket_location(settings), ""); !addressed) {
        return failure(config.bad_setting_text("s3.path_style", addressed.message()));
    }

    settings.timeouts.connect = std::chrono::seconds(config.integer("s3.connect_timeout_seconds"));
    settings.timeouts.low_speed_bytes = 1;
    settings.timeouts.low_speed_time = std::chrono::seconds(config.integer("s3.stall_seconds"));
    settings.timeouts.total = std::chrono::seconds(config.integer("s3.request_timeout_seconds"));
    settings.retries.max_attempts = static_cast<int>(config.integer("s3.max_attempts"));
    settings.retries.base_delay = std::chrono::milliseconds(config.integer("s3.retry_base_ms"));
    settings.retries.max_delay = std::chrono::milliseconds(config.integer("s3.retry_max_ms"));
    if (settings.retries.base_delay > settings.retries.max_delay) {
        return failure(config.bad_setting_text(
            "s3.retry_base_ms", "must not exceed s3.retry_max_ms (" +
                                    std::to_string(settings.retries.max_delay.count()) + ")"));
    }
    settings.multipart_threshold = mebibytes(config, "s3.multipart_threshold_mb");
    settings.part_size = mebibytes(config, "s3.part_size_mb");
    settings.part_parallelism = static_cast<int>(config.integer("s3.part_parallelism"));
    settings.content_md5 = config.boolean("s3.content_md5");

    if (auto checked = check_settings(settings); !checked) {
        return checked.error();
    }
    return settings;
}

} // namespace ov2ha::s3
