// Sends one S3 request: addresses and signs it, hashes its body on a worker, sends it over
// the curl transport, retries what is retryable with backoff, and turns every failure into
// an S3Error. The S3 client's operations are built on it. Loop thread only.
#pragma once

#include "core/base/result.hpp"
#include "core/base/uv_handle.hpp"
#include "core/http/curl_multi.hpp"
#include "core/s3/client_settings.hpp"
#include "core/s3/error.hpp"
#include "core/s3/signer.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <uv.h>

namespace ov2ha::s3 {

// One S3 request as an operation describes it.
struct S3Call {
    std::string operation; // S3's name for it, for errors and logs: "PutObject"
    std::string method;    // GET, HEAD, PUT, POST or DELETE
    std::string key;       // the object; must be empty exactly when on_bucket is set
    bool on_bucket = false;
    NameValues query;   // decoded names and values
    NameValues headers; // signed and sent: Range, Content-Type, …
    // The body, from memory or from a file range. Its SHA-256 is computed on a worker
    // before the first attempt and signed as x-amz-content-sha256, so S3 refuses a body
    // changed on the way; that is the body's integrity check.
    std::shared_ptr<const std::string> body;
    std::optional<http::FileSlice> body_file;
    // The body's hex SHA-256 when the caller already computed it (on a worker); the
    // sender then sends at once instead of hashing the body itself.
    std::string payload_sha256;
    // Also send Content-MD5: for operations whose API demands it (DeleteObjects), and for
    // uploads when S3Settings::content_md5 asks.
    bool content_md5 = false;
    // The body's base64 MD5 when the caller already computed it beside payload_sha256.
    std::string payload_md5;
    std::string response_file; // a 2xx body goes to this file instead of memory
    // CompleteMultipartUpload can answer 200 with an <Error> body; then it is an error.
    bool error_in_ok_body = false;
};

// A call on the object `key`.
inline S3Call object_call(std::string operation, std::string method, std::string key) {
    S3Call call;
    call.operation = std::move(operation);
    call.method = std::move(method);
    call.key = std::move(key);
    return call;
}

// A call on the bucket itself.
inline S3Call bucket_call(std::string operation, std::string method) {
    S3Call call;
    call.operation = std::move(operation);
    call.method = std::move(method);
    call.on_bucket = true;
    return call;
}

// Runs before each attempt is signed, with the operation, the attempt number (from 1) and
// the headers about to be signed and sent. Tests count attempts and read what is sent.
using AttemptHook =
    std::function<void(const std::string& operation, int attempt, NameValues& headers)>;

// Identifies one call for cancel().
using CallId = std::uint64_t;

// Builds an S3Error for `operation` on `key` in `bucket` (the bucket when `key` is empty).
S3Error make_error(std::string operation, const std::string& bucket, const std::string& key,
                   ErrorKind kind, std::string message);

// Owns the transport. Shared so that operations waiting on workers can hold a weak
// reference and learn that the client is gone. Loop thread only.
class Sender : public std::enable_shared_from_this<Sender> {
  public:
    // Checks `settings` and creates the transport on `loop`.
    static Result<std::shared_ptr<Sender>> create(uv_loop_t* loop, S3Settings settings);
    ~Sender();
    Sender(const Sender&) = delete;
    Sender& operator=(const Sender&) = delete;

    // Sends `call`, retrying per the settings. `done` runs once on the loop thread with the
    // 2xx response or the final error; never inside send(), except after close(), when it
    // runs at once with a cancelled error.
    CallId send(S3Call call, std::function<void(S3Result<http::HttpResponse>)> done);

    // Ends a call now: its `done` runs before cancel() returns, with a cancelled error.
    // Unknown or finished ids are ignored.
    void cancel(CallId id);

    // Cancels every call (each `done` runs before close() returns) and closes the
    // transport so the loop can finish. Later calls are cancelled at once.
    void close();

    bool closed() const { return m_closed; }
    uv_loop_t* loop() const { return m_loop; }
    const S3Settings& settings() const { return m_settings; }
    void set_attempt_hook(AttemptHook hook) { m_hook = std::move(hook); }

  private:
    struct Call;

    Sender(uv_loop_t* loop, S3Settings settings, std::unique_ptr<http::CurlMulti> http);

    void hash_body(Call& call);
    void schedule(Call& call, std::chrono::milliseconds delay);
    void attempt(CallId id);
    void on_response(CallId id, http::HttpResponse response);
    S3Error error_from(const Call& call, const http::HttpResponse& response) const;
    S3Error error(const Call& call, ErrorKind kind, std::string message) const;
    void finish(CallId id, S3Result<http::HttpResponse> result);

    uv_loop_t* m_loop;
    S3Settings m_settings;
    BucketLocation m_location;
    std::string m_endpoint; // scheme://host the requests go to, for error words
    std::unique_ptr<http::CurlMulti> m_http;
    std::map<CallId, std::unique_ptr<Call>> m_calls;
    CallId m_next_id = 1;
    bool m_closed = false;
    AttemptHook m_hook;
    std::mt19937_64 m_random{std::random_device{}()};
};

} // namespace ov2ha::s3
