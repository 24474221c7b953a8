// Signed, retried S3 requests; see sender.hpp.
#include "core/s3/sender.hpp"

#include "core/base/log.hpp"
#include "core/base/loop.hpp"
#include "core/s3/payload_hash.hpp"
#include "core/s3/xml.hpp"

#include <chrono>

namespace ov2ha::s3 {
namespace {

std::string status_words(long status) {
    static const std::map<long, const char*> k_reasons = {
        {400, "Bad Request"},         {403, "Forbidden"},
        {404, "Not Found"},           {405, "Method Not Allowed"},
        {408, "Request Timeout"},     {409, "Conflict"},
        {412, "Precondition Failed"}, {416, "Range Not Satisfiable"},
        {429, "Too Many Requests"},   {500, "Internal Server Error"},
        {501, "Not Implemented"},     {502, "Bad Gateway"},
        {503, "Service Unavailable"}, {504, "Gateway Timeout"}};
    std::string words = "HTTP " + std::to_string(status);
    if (const auto found = k_reasons.find(status); found != k_reasons.end()) {
        words += std::string(" ") + found->second;
    }
    return words;
}

} // namespace

S3Error make_error(std::string operation, const std::string& bucket, const std::string& key,
                   ErrorKind kind, std::string message) {
    S3Error error;
    error.operation = std::move(operation);
    error.target = key.empty() ? "bucket " + bucket : key;
    error.kind = kind;
    error.message = std::move(message);
    return error;
}

// One call in flight: waiting for its body's digests, for its timer, or for curl.
struct Sender::Call {
    CallId id = 0;
    Sender* owner = nullptr;
    S3Call call;
    std::function<void(S3Result<http::HttpResponse>)> done;
    int attempts = 0;
    std::chrono::steady_clock::time_point attempt_started; // of the attempt in flight
    std::optional<http::TransferId> transfer;
    std::optional<UvHandle<uv_timer_t>> timer; // the next attempt's; closed with the call
};

Result<std::shared_ptr<Sender>> Sender::create(uv_loop_t* loop, S3Settings settings) {
    if (auto checked = check_settings(settings); !checked) {
        return checked.error();
    }
    auto http = http::CurlMulti::create(loop, settings.max_host_connections);
    if (!http) {
        return failure("S3 client: " + http.message());
    }
    return std::shared_ptr<Sender>(new Sender(loop, std::move(settings), std::move(*http)));
}

Sender::Sender(uv_loop_t* loop, S3Settings settings, std::unique_ptr<http::CurlMulti> http)
    : m_loop(loop), m_settings(std::move(settings)), m_location(bucket_location(m_settings)),
      m_http(std::move(http)) {
    const auto address = address_object(m_location, "");
    m_endpoint = address ? address->scheme + "://" + address->host : m_settings.endpoint;
}

Sender::~Sender() {
    close();
}

CallId Sender::send(S3Call call, std::function<void(S3Result<http::HttpResponse>)> done) {
    const CallId id = m_next_id++;
    if (m_closed) {
        done(make_error(call.operation, m_settings.bucket, call.key, ErrorKind::cancelled,
                        "the S3 client is closed"));
        return id;
    }
    auto owned = std::make_unique<Call>();
    owned->id = id;
    owned->owner = this;
    owned->call = std::move(call);
    owned->done = std::move(done);
    Call& added = *m_calls.emplace(id, std::move(owned)).first->second;
    const bool has_body = added.call.body || added.call.body_file;
    if (!has_body) {
        added.call.payload_sha256 = std::string(k_empty_payload_sha256);
    }
    const bool md5_missing = added.call.content_md5 && added.call.payload_md5.empty();
    if (has_body && (added.call.payload_sha256.empty() || md5_missing)) {
        hash_body(added);
        return id;
    }
    if (added.call.content_md5) {
        added.call.headers.emplace_back("Content-MD5", added.call.payload_md5);
    }
    schedule(added, std::chrono::milliseconds(0));
    return id;
}

void Sender::hash_body(Call& call) {
    auto hashes = std::make_shared<Result<PayloadHashes>>(failure("not hashed"));
    run_on_worker(
        m_loop,
        [hashes, body = call.call.body, file = call.call.body_file,
         with_md5 = call.call.content_md5 ? WithMd5::yes : WithMd5::no] {
            *hashes = body ? hash_payload(*body, with_md5)
                           : hash_file_range(file->path, file->offset, file->length, with_md5);
        },
        [weak = weak_from_this(), id = call.id, hashes] {
            const auto self = weak.lock();
            if (!self) {
                return;
            }
            const auto found = self->m_calls.find(id);
            if (found == self->m_calls.end()) {
                return;
            }
            Call& hashed = *found->second;
            if (!*hashes) {
                self->finish(id, self->error(hashed, ErrorKind::final,
                                             "cannot hash the body: " + hashes->message()));
                return;
            }
            hashed.call.payload_sha256 = (*hashes)->sha256_hex;
            if (hashed.call.content_md5) {
                hashed.call.headers.emplace_back("Content-MD5", (*hashes)->md5_base64);
            }
            self->attempt(id);
        });
}

void Sender::schedule(Call& call, std::chrono::milliseconds delay) {
    if (!call.timer) {
        call.timer.emplace(m_loop);
        call.timer->get()->data = &call;
    }
    const int rc = uv_timer_start(
        call.timer->get(),
        [](uv_timer_t* timer) {
            const Call* waiting = static_cast<Call*>(timer->data);
            waiting->owner->attempt(waiting->id);
        },
        static_cast<std::uint64_t>(delay.count()), 0);
    if (rc != 0) {
        finish(call.id, error(call, ErrorKind::final, uv_error_text("start a retry timer", rc)));
    }
}

void Sender::attempt(CallId id) {
    const auto self = weak_from_this().lock();
    const auto found = m_calls.find(id);
    if (found == m_calls.end()) {
        return;
    }
    Call& call = *found->second;
    if (m_closed) {
        finish(id, error(call, ErrorKind::cancelled, "the S3 client is closed"));
        return;
    }
    if (call.call.on_bucket != call.call.key.empty()) {
        finish(id, error(call, ErrorKind::final,
                         call.call.on_bucket ? "a bucket request names no object key"
                                             : "the object key is empty"));
        return;
    }
    auto address = address_object(m_location, call.call.key);
    if (!address) {
        finish(id, error(call, ErrorKind::final, address.message()));
        return;
    }
    ++call.attempts;
    NameValues headers = call.call.headers;
    if (m_hook) {
        m_hook(call.call.operation, call.attempts, headers);
    }
    Request request;
    request.method = call.call.method;
    request.scheme = address->scheme;
    request.host = address->host;
    request.path = address->path;
    request.query = call.call.query;
    request.headers = headers;
    request.payload_hash = call.call.payload_sha256;
    SigningContext context;
    context.credentials = {m_settings.access_key, m_settings.secret_key, ""};
    context.region = m_settings.region;
    context.time = std::chrono::system_clock::now();
    auto signature = sign_headers(request, context);
    if (!signature) {
        finish(id,
               error(call, ErrorKind::final, "cannot sign the request: " + signature.message()));
        return;
    }

    http::HttpRequest sent;
    sent.method = call.call.method;
    sent.url = address->url;
    if (!call.call.query.empty()) {
        sent.url += "?" + canonical_query_string(call.call.query);
    }
    sent.headers = std::move(headers);
    sent.headers.insert(sent.headers.end(), signature->headers.begin(), signature->headers.end());
    sent.body = call.call.body;
    sent.body_file = call.call.body_file;
    sent.response_file = call.call.response_file;
    sent.timeouts = m_settings.timeouts;
    call.attempt_started = std::chrono::steady_clock::now();
    auto started = m_http->start(std::move(sent), [this, id](http::HttpResponse response) {
        on_response(id, std::move(response));
    });
    if (!started) {
        finish(id, error(call, ErrorKind::final, started.message()));
        return;
    }
    call.transfer = *started;
}

void Sender::on_response(CallId id, http::HttpResponse response) {
    const auto self = weak_from_this().lock();
    const auto found = m_calls.find(id);
    if (found == m_calls.end()) {
        return;
    }
    Call& call = *found->second;
    call.transfer.reset();
    if (log::enabled(log::Level::debug)) {
        const auto took = std::chrono::steady_clock::now() - call.attempt_started;
        log::debug(
            "S3 attempt ended",
            {{"operation", call.call.operation},
             {"target", call.call.key.empty() ? m_settings.bucket : call.call.key},
             {"status", std::to_string(response.status)},
             {"attempt", std::to_string(call.attempts)},
             {"ms", std::to_string(
                        std::chrono::duration_cast<std::chrono::milliseconds>(took).count())}});
    }
    const bool answered =
        response.failure == http::Failure::none && response.status >= 200 && response.status < 300;
    if (answered && !(call.call.error_in_ok_body && parse_error(response.body))) {
        finish(id, std::move(response));
        return;
    }
    S3Error failed = error_from(call, response);
    if (!m_closed && should_retry(m_settings.retries, failed.kind, call.attempts)) {
        const auto delay = backoff_delay(m_settings.retries, call.attempts, m_random());
        log::warn("S3 request failed; trying again", {{"error", failed.text()},
                                                      {"attempt", std::to_string(call.attempts)},
                                                      {"delay_ms", std::to_string(delay.count())}});
        schedule(call, delay);
        return;
    }
    finish(id, std::move(failed));
}

S3Error Sender::error(const Call& call, ErrorKind kind, std::string message) const {
    S3Error made =
        make_error(call.call.operation, m_settings.bucket, call.call.key, kind, std::move(message));
    made.attempts = call.attempts;
    return made;
}

S3Error Sender::error_from(const Call& call, const http::HttpResponse& response) const {
    switch (response.failure) {
    case http::Failure::none:
        break;
    case http::Failure::cancelled:
        return error(call, ErrorKind::cancelled, "cancelled");
    case http::Failure::connect:
        return error(call, ErrorKind::retryable,
                     "cannot connect to " + m_endpoint + ": " + response.error);
    case http::Failure::timeout:
        return error(call, ErrorKind::retryable,
                     "timed out talking to " + m_endpoint + ": " + response.error);
    case http::Failure::network:
        return error(call, ErrorKind::retryable,
                     "the connection to " + m_endpoint + " broke: " + response.error);
    case http::Failure::local:
        return error(call, ErrorKind::final, response.error);
    case http::Failure::other:
        return error(call, ErrorKind::final,
                     "the request to " + m_endpoint + " failed: " + response.error);
    }
    S3Error failed = error(call, ErrorKind::final, status_words(response.status));
    failed.http_status = response.status;
    if (auto body = parse_error(response.body)) {
        failed.code = body->code;
        if (!body->message.empty()) {
            failed.message = body->message;
        }
    } else if (!response.body.empty()) {
        failed.message += " (the body is not S3's error XML)";
    }
    if (failed.code == "NoSuchBucket" && !call.call.key.empty()) {
        failed.target = call.call.key + " in bucket " + m_settings.bucket;
    }
    failed.kind = kind_of_status(response.status, failed.code);
    return failed;
}

void Sender::finish(CallId id, S3Result<http::HttpResponse> result) {
    const auto found = m_calls.find(id);
    if (found == m_calls.end()) {
        return;
    }
    std::unique_ptr<Call> call = std::move(found->second);
    m_calls.erase(found);
    if (!result) {
        result.error().attempts = call->attempts;
    }
    auto done = std::move(call->done);
    call.reset();
    done(std::move(result));
}

void Sender::cancel(CallId id) {
    const auto self = weak_from_this().lock();
    const auto found = m_calls.find(id);
    if (found == m_calls.end()) {
        return;
    }
    Call& call = *found->second;
    if (call.transfer) {
        m_http->cancel(*call.transfer);
        return;
    }
    finish(id, error(call, ErrorKind::cancelled, "cancelled"));
}

void Sender::close() {
    if (m_closed) {
        return;
    }
    m_closed = true;
    const auto self = weak_from_this().lock();
    m_http->close();
    while (!m_calls.empty()) {
        const auto first = m_calls.begin();
        finish(first->first,
               error(*first->second, ErrorKind::cancelled, "the S3 client was closed"));
    }
}

} // namespace ov2ha::s3
