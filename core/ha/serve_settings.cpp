// Config -> ServeSettings; see serve_settings.hpp.
#include "core/ha/serve_settings.hpp"

#include "core/s3/settings_from_config.hpp"

namespace ov2ha::ha {
namespace {

std::chrono::milliseconds milliseconds(const Config& config, const char* key) {
    return std::chrono::milliseconds(config.integer(key));
}

std::chrono::seconds seconds(const Config& config, const char* key) {
    return std::chrono::seconds(config.integer(key));
}

} // namespace

Result<std::pair<s3::S3Settings, std::string>> bucket_settings(const Config& config) {
    auto settings = s3::settings_from_config(config);
    if (!settings) {
        return settings.error();
    }
    // Recorders put chunks under <key_prefix>/<VIDEO_ID>/chunks/ (storage.key_prefix).
    std::string prefix = config.text("storage.key_prefix");
    while (!prefix.empty() && prefix.back() == '/') {
        prefix.pop_back();
    }
    if (!prefix.empty()) {
        prefix += '/';
    }
    return std::make_pair(std::move(*settings), std::move(prefix));
}

Result<ServeSettings> serve_settings(const Config& config) {
    ServeSettings settings;
    settings.listen = *parse_host_port(config.text("server.listen"));

    http::ServerLimits& limits = settings.limits;
    limits.max_connections = static_cast<size_t>(config.integer("server.max_connections"));
    limits.max_header_bytes = static_cast<size_t>(config.integer("server.max_header_bytes"));
    limits.max_body_bytes = static_cast<size_t>(config.integer("server.max_body_bytes"));
    limits.header_timeout = seconds(config, "server.request_timeout");
    limits.body_timeout = seconds(config, "server.request_timeout");
    limits.idle_timeout = seconds(config, "server.idle_timeout");

    auto redis = parse_redis_url(config.text("redis.url"));
    if (!redis) {
        return failure("bad setting redis.url: " + redis.message());
    }
    settings.redis.address = *redis;
    settings.redis.password = config.text("redis.password");
    settings.redis.timeout = milliseconds(config, "redis.timeout_ms");
    settings.session_ttl = seconds(config, "redis.session_ttl");

    const std::string& user = config.text("controller.username");
    const std::string& password = config.text("controller.password");
    if (user.empty() != password.empty()) {
        return failure("HA_CONTROLLER_USERNAME and HA_CONTROLLER_PASSWORD (controller.username, "
                       "controller.password) must be set together, or both left empty to run "
                       "without authentication");
    }
    if (!user.empty()) {
        settings.credentials = http::BasicCredentials{user, password};
    }

    RelaySettings& relay = settings.relay;
    relay.enabled = config.boolean("webhook.enabled");
    relay.endpoint = config.text("webhook.endpoint");
    if (relay.enabled && relay.endpoint.empty()) {
        return failure("OPENVIDU_WEBHOOK=true (webhook.enabled) needs the URL to relay to in "
                       "OPENVIDU_WEBHOOK_ENDPOINT (webhook.endpoint)");
    }
    relay.headers = *parse_header_list(config.text("webhook.headers"));
    relay.timeout = milliseconds(config, "webhook.timeout_ms");
    relay.retries = static_cast<int>(config.integer("webhook.retries"));
    relay.retry_delay = milliseconds(config, "webhook.retry_delay_ms");

    settings.intake.secret = config.text("webhook.intake_secret");
    if (config.boolean("webhook.intake_basic_auth")) {
        if (!settings.credentials) {
            return failure("webhook.intake_basic_auth needs the controller's credentials: set "
                           "HA_CONTROLLER_USERNAME and HA_CONTROLLER_PASSWORD");
        }
        settings.intake.basic.emplace(user, password);
    }

    CleanupSettings& cleanup = settings.cleanup;
    cleanup.interval = seconds(config, "sessions.cleanup_interval");
    cleanup.max_inactive_seconds = config.integer("sessions.max_inactive_time");
    cleanup.recordings_path = config.text("sessions.recordings_path");

    FailoverSettings& failover = settings.failover;
    failover.enabled = config.boolean("failover.enabled");
    failover.heartbeat_interval_seconds = config.integer("controller.heartbeat_interval");
    failover.max_missed_heartbeats = config.integer("failover.max_missed_heartbeats");
    failover.chunk_seconds = config.integer("failover.chunk_time_size");
    failover.check_interval_seconds = config.integer("failover.check_interval");

    if (config.text("storage.mode") == "s3") {
        auto bucket = bucket_settings(config);
        if (!bucket) {
            return bucket.error();
        }
        settings.bucket = std::move(bucket->first);
        cleanup.key_prefix = std::move(bucket->second);
    }
    return settings;
}

} // namespace ov2ha::ha
