// `ov2ha serve`: flags and wiring; the work is core/ha/.
#include "cmd/serve.hpp"

#include "cmd/command_loop.hpp"
#include "core/base/log.hpp"
#include "core/base/uv_handle.hpp"
#include "core/ha/controller.hpp"

#include <csignal>
#include <iostream>

namespace ov2ha::cmd {
namespace {

// How long requests in hand may take to be answered once SIGTERM arrived.
constexpr std::chrono::milliseconds k_shutdown_bound{5000};

constexpr const char* k_description =
    R"(Run the HA controller: the REST API recorders register with and heartbeat to, sessions in Redis, OpenVidu webhook intake and relay, cleanup, failover status and Prometheus metrics.

Listens on --listen (default 0.0.0.0:8080, also OV2HA_SERVER_LISTEN) and keeps sessions in the
Redis of --redis (default redis://127.0.0.1:6379/0, also OV2HA_REDIS_URL) under session:<id>
and heartbeat:<id>.
When Redis is down the API answers 503 and the controller reconnects by itself.

Routes: /api/sessions (register, list, heartbeat, status, stop, delete, cleanup),
/api/failover/*, /openvidu/webhook, /actuator/health, /api/sessions/health, /metrics and
/openapi.json (the full description). HTTP Basic auth with HA_CONTROLLER_USERNAME and
HA_CONTROLLER_PASSWORD on all but the health endpoints, the webhook and /openapi.json.

Environment, as ov2-ha-recorder deployments set it: HA_CONTROLLER_USERNAME,
HA_CONTROLLER_PASSWORD, HEARTBEAT_INTERVAL, HA_MAX_MISSED_HEARTBEATS,
HA_FAILOVER_CHECK_INTERVAL, HA_SESSION_CLEANUP_INTERVAL, HA_SESSION_MAX_INACTIVE_TIME,
OPENVIDU_WEBHOOK, OPENVIDU_WEBHOOK_ENDPOINT, OPENVIDU_WEBHOOK_HEADERS, OPENVIDU_RECORDING_PATH,
HA_RECORDING_STORAGE and HA_AWS_* (S3 mode: the cleanup deletes a removed session's chunks once
its final recording exists); and OV2HA_<SECTION>_<KEY> for every setting (--print-config).

Stops on SIGTERM or SIGINT: no new connections, requests in hand are answered, exit code 0.
Exit codes: 0 stopped by a signal; 1 could not listen; 2 bad setting.)";

// SIGTERM and SIGINT start the controller's graceful shutdown; both watches then close.
class SignalStop {
  public:
    SignalStop(uv_loop_t* loop, ha::Controller* controller)
        : m_controller(controller), m_sigterm(loop), m_sigint(loop) {
        for (auto [handle, number] :
             {std::pair{m_sigterm.get(), SIGTERM}, std::pair{m_sigint.get(), SIGINT}}) {
            handle->data = this;
            uv_signal_start(
                handle,
                [](uv_signal_t* signal, int received) {
                    static_cast<SignalStop*>(signal->data)->stop(received);
                },
                number);
        }
    }

  private:
    void stop(int received) {
        log::info("stopping", {{"signal", received == SIGTERM ? "SIGTERM" : "SIGINT"}});
        m_sigterm.close();
        m_sigint.close();
        m_controller->shut_down(k_shutdown_bound, [] { log::info("ov2ha serve stopped"); });
    }

    ha::Controller* m_controller;
    UvHandle<uv_signal_t> m_sigterm;
    UvHandle<uv_signal_t> m_sigint;
};

int run_serve(const Config& config) {
    auto settings = ha::serve_settings(config);
    if (!settings) {
        std::cerr << "ov2ha serve: " << settings.message() << "\n";
        return cli::k_exit_usage;
    }
    cli::CommandLoop loop("serve");
    if (!loop.ready()) {
        return cli::k_exit_failure;
    }
    auto controller = ha::Controller::create(loop.get(), std::move(*settings));
    if (!controller) {
        return loop.fail(controller.message());
    }
    if (auto started = (*controller)->start(); !started) {
        return loop.fail(started.message());
    }
    SignalStop stop(loop.get(), controller->get());
    loop.run();
    return cli::k_exit_ok;
}

} // namespace

void setup_serve(cli::Cli& cli) {
    CLI::App* command = cli.add_command(
        {"serve",
         k_description,
         {"server", "redis", "controller", "sessions", "failover", "webhook", "storage", "s3"},
         "",
         run_serve});
    for (const char* key : {"server.listen", "redis.url"}) {
        cli.add_setting_flag(command, key);
    }
}

} // namespace ov2ha::cmd
