// The s3 section of the configuration as the S3 client's settings, each problem named by
// its key, value and source. Pure.
#pragma once

#include "core/base/config.hpp"
#include "core/s3/client_settings.hpp"

namespace ov2ha::s3 {

// Builds S3Settings from the s3.* keys of `config`. Fails with Config::bad_setting_text
// words when the endpoint is not http(s)://host[:port], the region is malformed, the
// bucket or a key is missing, the bucket name cannot be addressed, or path-style
// addressing is switched off where it is needed. The secret key never appears in them.
Result<S3Settings> settings_from_config(const Config& config);

} // namespace ov2ha::s3
