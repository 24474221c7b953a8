// The webhook relay: every OpenVidu event received goes, byte for byte and with the headers the
// operator configured, to OPENVIDU_WEBHOOK_ENDPOINT. Events of one OpenVidu session go out in
// the order received, one at a time; a 5xx answer or a network error is retried with
// exponential backoff, a 4xx answer never. Loop thread only.
#pragma once

#include "core/base/header_list.hpp"
#include "core/base/result.hpp"
#include "core/base/uv_handle.hpp"
#include "core/ha/json_body.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <uv.h>

namespace ov2ha::http {
class CurlMulti;
}

namespace ov2ha::ha {

struct RelaySettings {
    bool enabled = false;
    std::string endpoint; // http:// or https:// URL; required when enabled
    HeaderList headers;   // sent with every event, besides Content-Type
    std::chrono::milliseconds timeout{5000};
    int retries = 3; // attempts after the first
    std::chrono::milliseconds retry_delay{1000};
    size_t max_pending = 10'000; // events waiting beyond this are dropped (and counted failed)
};

// How one attempt ended, as the transport saw it.
enum class TransportProblem {
    none,      // an HTTP answer arrived
    retryable, // no connection, timeout, connection broken
    final,     // anything retrying cannot fix (bad URL, cancelled)
};

enum class AttemptOutcome { delivered, retry, give_up };

// 2xx delivered; 5xx and retryable transport problems retry; everything else gives up.
AttemptOutcome judge_attempt(long status, TransportProblem problem);

// The wait before retry number `retry` (1 for the first): retry_delay doubled for each earlier
// retry, at most ten times retry_delay.
std::chrono::milliseconds backoff_delay(const RelaySettings& settings, int retry);

struct RelayCounts {
    uint64_t total = 0;            // events accepted for relaying
    uint64_t successful = 0;       // delivered
    uint64_t failed = 0;           // given up on, dropped ones included
    uint64_t dropped = 0;          // refused because max_pending events were waiting
    uint64_t attempts = 0;         // HTTP requests sent
    uint64_t pending = 0;          // waiting or under way
    long long last_request_ms = 0; // epoch milliseconds; 0 for never
    long long last_success_ms = 0;
    long long last_failure_ms = 0;
};

// The relay's queues, one per OpenVidu session; owned by the controller.
class WebhookRelay {
  public:
    // A relay on `loop`, with its own HTTP client when enabled. Fails with words when the
    // client cannot be created.
    static Result<std::unique_ptr<WebhookRelay>> create(uv_loop_t* loop, RelaySettings settings);
    ~WebhookRelay();
    WebhookRelay(const WebhookRelay&) = delete;
    WebhookRelay& operator=(const WebhookRelay&) = delete;

    // Whether events are relayed at all (OPENVIDU_WEBHOOK).
    bool enabled() const { return m_settings.enabled; }

    // Queues `body` for the endpoint behind the earlier events of `order_key` (OpenVidu's
    // sessionId; empty for events without one). Does nothing when disabled.
    void relay(std::string body, std::string content_type, const std::string& order_key);

    // What the relay did since start, for the status endpoint and /metrics.
    const RelayCounts& counts() const { return m_counts; }

    // The relay's state for /openvidu/webhook/status: enabled, targetEndpoint, totalRequests,
    // successfulRequests, failedRequests, successRate (percent), pendingRequests,
    // droppedRequests, attempts, lastRequestTime, lastSuccessTime, lastFailureTime and
    // configuration.
    void write_status(JsonBody& body) const;

    // Drops what is waiting, cancels what is under way and closes every handle.
    void close();

  private:
    struct Delivery {
        std::string body;
        std::string content_type;
        int attempts = 0;
    };
    struct Queue {
        explicit Queue(uv_loop_t* loop) : timer(loop) {}
        std::deque<Delivery> deliveries;
        UvHandle<uv_timer_t> timer; // the backoff before a retry
        std::string start_error;    // set when the front delivery could not even start
        std::string key;
        WebhookRelay* relay = nullptr;
    };

    WebhookRelay(uv_loop_t* loop, RelaySettings settings, std::unique_ptr<http::CurlMulti> http);
    static void on_timer(uv_timer_t* timer);
    void attempt(Queue& queue);
    void finish_front(Queue& queue, bool delivered, const std::string& why);
    void attempt_done(const std::string& key, long status, TransportProblem problem,
                      const std::string& error);

    uv_loop_t* m_loop;
    RelaySettings m_settings;
    std::unique_ptr<http::CurlMulti> m_http;
    std::map<std::string, std::unique_ptr<Queue>> m_queues;
    RelayCounts m_counts;
    bool m_closed = false;
};

} // namespace ov2ha::ha
