// The controller daemon's parts and their lifecycle; see controller.hpp.
#include "core/ha/controller.hpp"

#include "core/base/log.hpp"
#include "core/ha/controller_api.hpp"
#include "core/s3/client.hpp"

namespace ov2ha::ha {

// Declared in the order they depend on each other; closed in the reverse order.
struct Controller::Parts {
    Parts(uv_loop_t* loop, ServeSettings given)
        : settings(std::move(given)), redis(loop, settings.redis),
          store(redis, settings.session_ttl), sessions(store), server(loop, settings.limits) {}

    ServeSettings settings;
    Metrics metrics;
    store::RedisClient redis;
    store::RedisStore store;
    SessionRepository sessions;
    std::unique_ptr<WebhookRelay> relay;
    std::unique_ptr<s3::S3Client> bucket;
    std::unique_ptr<SessionCleanup> cleanup;
    std::unique_ptr<FailoverMonitor> failover;
    std::unique_ptr<ControllerApi> api;
    http::Server server;
    bool closed = false;
};

Result<std::unique_ptr<Controller>> Controller::create(uv_loop_t* loop, ServeSettings settings) {
    auto parts = std::make_unique<Parts>(loop, std::move(settings));
    const ServeSettings& config = parts->settings;
    auto relay = WebhookRelay::create(loop, config.relay);
    if (!relay) {
        return relay.error();
    }
    parts->relay = std::move(*relay);
    if (config.bucket) {
        auto bucket = s3::S3Client::create(loop, *config.bucket);
        if (!bucket) {
            return failure("cannot start the S3 client for the cleanup: " + bucket.message());
        }
        parts->bucket = std::move(*bucket);
    }
    parts->cleanup = std::make_unique<SessionCleanup>(loop, parts->sessions, parts->bucket.get(),
                                                      config.cleanup);
    parts->failover = std::make_unique<FailoverMonitor>(loop, parts->sessions, config.failover);
    parts->api = std::make_unique<ControllerApi>(
        ApiParts{parts->sessions, *parts->cleanup, *parts->failover, *parts->relay, parts->metrics,
                 parts->redis, config.intake});
    if (config.credentials) {
        parts->server.set_basic_auth(
            http::BasicAuth(config.credentials->user, config.credentials->password));
    }
    if (auto installed = parts->api->install(parts->server, config.credentials.has_value());
        !installed) {
        return installed.error();
    }
    return std::unique_ptr<Controller>(new Controller(std::move(parts)));
}

Controller::Controller(std::unique_ptr<Parts> parts) : m_parts(std::move(parts)) {}

Controller::~Controller() {
    close_parts();
}

Status Controller::start() {
    Parts& parts = *m_parts;
    const ServeSettings& settings = parts.settings;
    if (auto listening = parts.server.listen(settings.listen.host, settings.listen.port);
        !listening) {
        return listening;
    }
    parts.redis.start();
    parts.cleanup->start();
    parts.failover->start();
    if (!settings.credentials) {
        log::warn("the REST API asks for no credentials: set HA_CONTROLLER_USERNAME and "
                  "HA_CONTROLLER_PASSWORD to require them");
    }
    const bool v6 = settings.listen.host.find(':') != std::string::npos;
    const std::string host = v6 ? "[" + settings.listen.host + "]" : settings.listen.host;
    log::info("ov2ha serve listening",
              {{"listen", host + ":" + std::to_string(parts.server.port())},
               {"redis", settings.redis.address.describe()},
               {"storage", settings.bucket ? "s3 bucket " + settings.bucket->bucket : "local"},
               {"webhook_relay", settings.relay.enabled ? settings.relay.endpoint : "off"}});
    return success();
}

int Controller::port() const {
    return m_parts->server.port();
}

void Controller::shut_down(std::chrono::milliseconds bound, std::function<void()> done) {
    m_parts->server.shut_down(bound, [this, done = std::move(done)] {
        close_parts();
        done();
    });
}

void Controller::close_parts() {
    Parts& parts = *m_parts;
    if (parts.closed) {
        return;
    }
    parts.closed = true;
    parts.failover->close();
    parts.cleanup->close();
    parts.relay->close();
    if (parts.bucket) {
        parts.bucket->close();
    }
    parts.redis.close();
}

} // namespace ov2ha::ha
