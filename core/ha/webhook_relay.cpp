// Webhook relaying; see webhook_relay.hpp.
#include "core/ha/webhook_relay.hpp"

#include "core/base/log.hpp"
#include "core/ha/session.hpp"
#include "core/http/curl_multi.hpp"

#include <algorithm>

namespace ov2ha::ha {
namespace {

long long now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

TransportProblem problem_of(http::Failure failure) {
    switch (failure) {
    case http::Failure::none:
        return TransportProblem::none;
    case http::Failure::connect:
    case http::Failure::timeout:
    case http::Failure::network:
        return TransportProblem::retryable;
    default:
        return TransportProblem::final;
    }
}

void write_time(JsonBody& body, std::string_view key, long long epoch_ms) {
    if (epoch_ms == 0) {
        body.null(key);
    } else {
        body.text(key, format_timestamp(epoch_ms));
    }
}

} // namespace

AttemptOutcome judge_attempt(long status, TransportProblem problem) {
    if (problem == TransportProblem::retryable) {
        return AttemptOutcome::retry;
    }
    if (problem == TransportProblem::final) {
        return AttemptOutcome::give_up;
    }
    if (status >= 200 && status < 300) {
        return AttemptOutcome::delivered;
    }
    if (status >= 500 && status < 600) {
        return AttemptOutcome::retry;
    }
    return AttemptOutcome::give_up;
}

std::chrono::milliseconds backoff_delay(const RelaySettings& settings, int retry) {
    const auto base = settings.retry_delay;
    auto delay = base;
    for (int i = 1; i < retry && delay < base * 10; ++i) {
        delay *= 2;
    }
    return std::min(delay, base * 10);
}

Result<std::unique_ptr<WebhookRelay>> WebhookRelay::create(uv_loop_t* loop,
                                                           RelaySettings settings) {
    std::unique_ptr<http::CurlMulti> client;
    if (settings.enabled) {
        auto made = http::CurlMulti::create(loop);
        if (!made) {
            return failure("cannot start the webhook relay's HTTP client: " + made.message());
        }
        client = std::move(*made);
    }
    return std::unique_ptr<WebhookRelay>(
        new WebhookRelay(loop, std::move(settings), std::move(client)));
}

WebhookRelay::WebhookRelay(uv_loop_t* loop, RelaySettings settings,
                           std::unique_ptr<http::CurlMulti> http)
    : m_loop(loop), m_settings(std::move(settings)), m_http(std::move(http)) {}

WebhookRelay::~WebhookRelay() {
    close();
}

void WebhookRelay::relay(std::string body, std::string content_type, const std::string& order_key) {
    if (!m_settings.enabled || m_closed) {
        return;
    }
    ++m_counts.total;
    m_counts.last_request_ms = now_ms();
    if (m_counts.pending >= m_settings.max_pending) {
        ++m_counts.dropped;
        ++m_counts.failed;
        m_counts.last_failure_ms = m_counts.last_request_ms;
        log::warn("webhook event dropped: too many waiting for the relay endpoint",
                  {{"waiting", std::to_string(m_counts.pending)}, {"session", order_key}});
        return;
    }
    ++m_counts.pending;
    auto& slot = m_queues[order_key];
    const bool idle = !slot;
    if (idle) {
        slot = std::make_unique<Queue>(m_loop);
        slot->key = order_key;
        slot->relay = this;
        slot->timer.get()->data = slot.get();
    }
    slot->deliveries.push_back({std::move(body), std::move(content_type), 0});
    if (idle) {
        attempt(*slot);
    }
}

void WebhookRelay::attempt(Queue& queue) {
    Delivery& delivery = queue.deliveries.front();
    ++delivery.attempts;
    ++m_counts.attempts;
    http::HttpRequest request;
    request.method = "POST";
    request.url = m_settings.endpoint;
    request.headers.emplace_back("Content-Type", delivery.content_type.empty()
                                                     ? std::string("application/json")
                                                     : delivery.content_type);
    for (const auto& header : m_settings.headers) {
        request.headers.push_back(header);
    }
    request.body = std::make_shared<const std::string>(delivery.body);
    request.timeouts.connect = std::min(m_settings.timeout, std::chrono::milliseconds(10'000));
    request.timeouts.total = m_settings.timeout;
    const std::string key = queue.key;
    auto started = m_http->start(std::move(request), [this, key](http::HttpResponse response) {
        attempt_done(key, response.status, problem_of(response.failure), response.error);
    });
    if (!started) {
        // Failed from the timer, not from here: a queue of such events must not recurse.
        queue.start_error = started.message();
        uv_timer_start(queue.timer.get(), on_timer, 0, 0);
    }
}

void WebhookRelay::on_timer(uv_timer_t* timer) {
    auto* queue = static_cast<Queue*>(timer->data);
    if (queue->start_error.empty()) {
        queue->relay->attempt(*queue);
        return;
    }
    const std::string error = std::move(queue->start_error);
    queue->start_error.clear();
    queue->relay->finish_front(*queue, false, error);
}

void WebhookRelay::attempt_done(const std::string& key, long status, TransportProblem problem,
                                const std::string& error) {
    if (m_closed) {
        return;
    }
    const auto found = m_queues.find(key);
    if (found == m_queues.end()) {
        return;
    }
    Queue& queue = *found->second;
    const int attempts = queue.deliveries.front().attempts;
    const std::string why =
        problem == TransportProblem::none ? "HTTP " + std::to_string(status) : error;
    switch (judge_attempt(status, problem)) {
    case AttemptOutcome::delivered:
        finish_front(queue, true, why);
        return;
    case AttemptOutcome::give_up:
        finish_front(queue, false, why);
        return;
    case AttemptOutcome::retry:
        break;
    }
    if (attempts > m_settings.retries) {
        finish_front(queue, false, why + " after " + std::to_string(attempts) + " attempts");
        return;
    }
    const auto delay = backoff_delay(m_settings, attempts);
    log::info("webhook relay attempt failed; retrying",
              {{"session", key},
               {"error", why},
               {"attempt", std::to_string(attempts)},
               {"retry_in_ms", std::to_string(delay.count())}});
    uv_timer_start(queue.timer.get(), on_timer, static_cast<uint64_t>(delay.count()), 0);
}

void WebhookRelay::finish_front(Queue& queue, bool delivered, const std::string& why) {
    const long long now = now_ms();
    if (delivered) {
        ++m_counts.successful;
        m_counts.last_success_ms = now;
        log::debug("webhook event relayed", {{"session", queue.key}, {"answer", why}});
    } else {
        ++m_counts.failed;
        m_counts.last_failure_ms = now;
        log::warn("webhook event not relayed",
                  {{"session", queue.key}, {"endpoint", m_settings.endpoint}, {"error", why}});
    }
    --m_counts.pending;
    queue.deliveries.pop_front();
    if (queue.deliveries.empty()) {
        const std::string key = queue.key; // the queue, and its key, go with the erase
        m_queues.erase(key);
        return;
    }
    attempt(queue);
}

void WebhookRelay::write_status(JsonBody& body) const {
    const uint64_t finished = m_counts.successful + m_counts.failed;
    body.boolean("enabled", m_settings.enabled)
        .text("targetEndpoint", m_settings.enabled ? m_settings.endpoint : "Not configured")
        .integer("totalRequests", static_cast<long long>(m_counts.total))
        .integer("successfulRequests", static_cast<long long>(m_counts.successful))
        .integer("failedRequests", static_cast<long long>(m_counts.failed))
        .real("successRate", finished == 0 ? 0.0 : 100.0 * m_counts.successful / finished)
        .integer("pendingRequests", static_cast<long long>(m_counts.pending))
        .integer("droppedRequests", static_cast<long long>(m_counts.dropped))
        .integer("attempts", static_cast<long long>(m_counts.attempts));
    write_time(body, "lastRequestTime", m_counts.last_request_ms);
    write_time(body, "lastSuccessTime", m_counts.last_success_ms);
    write_time(body, "lastFailureTime", m_counts.last_failure_ms);
    JsonBody configuration;
    configuration.integer("timeoutMs", m_settings.timeout.count())
        .integer("retryAttempts", m_settings.retries)
        .integer("retryDelayMs", m_settings.retry_delay.count())
        .boolean("hasCustomHeaders", !m_settings.headers.empty());
    body.raw("configuration", configuration.finish());
}

void WebhookRelay::close() {
    if (m_closed) {
        return;
    }
    m_closed = true;
    if (m_counts.pending > 0) {
        log::warn("webhook events dropped at shutdown",
                  {{"events", std::to_string(m_counts.pending)}});
    }
    if (m_http) {
        m_http->close();
    }
    m_queues.clear();
}

} // namespace ov2ha::ha
