// Everything `ov2ha serve` needs, taken from the configuration and checked as a whole (settings
// that only make sense together). Pure.
#pragma once

#include "core/base/addresses.hpp"
#include "core/base/config.hpp"
#include "core/ha/cleanup.hpp"
#include "core/ha/failover_monitor.hpp"
#include "core/ha/webhook_event.hpp"
#include "core/ha/webhook_relay.hpp"
#include "core/http/limits.hpp"
#include "core/s3/client_settings.hpp"
#include "core/store/redis_client.hpp"

#include <chrono>
#include <optional>

namespace ov2ha::ha {

struct ServeSettings {
    HostPort listen;
    http::ServerLimits limits;
    store::RedisSettings redis;
    std::chrono::seconds session_ttl{86400};
    std::optional<http::BasicCredentials> credentials; // none: the API asks for no credentials
    RelaySettings relay;
    IntakeAuth intake;
    CleanupSettings cleanup;
    FailoverSettings failover;
    std::optional<s3::S3Settings> bucket; // S3 mode only
};

// Fails with words naming the settings when they do not fit together: only one of user and
// password, the relay on without an endpoint, Basic intake without credentials, S3 mode
// without a usable bucket.
Result<ServeSettings> serve_settings(const Config& config);

// The bucket settings of S3 mode, and the key prefix recorders put chunks under
// (storage.key_prefix, "" or ending in '/').
Result<std::pair<s3::S3Settings, std::string>> bucket_settings(const Config& config);

} // namespace ov2ha::ha
