// HTTP client transport: libcurl's multi interface driven by libuv (one uv_poll_t per
// socket, one uv_timer_t), as in the libuv guide's uvwget. Loop thread only.
#pragma once

#include "core/base/result.hpp"
#include "core/base/uv_handle.hpp"

#include <chrono>
#include <cstdint>
#include <curl/curl.h>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <uv.h>
#include <vector>

namespace ov2ha::http {

// Header name and value pairs in the order sent or received; a name may repeat. (Not called
// Headers: that is the server's header list in request.hpp, and both meet in the controller.)
using HeaderFields = std::vector<std::pair<std::string, std::string>>;

// A byte range of a file sent as a request body, read block by block as curl asks for it.
struct FileSlice {
    std::string path;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
};

// How long a transfer may take; zero durations mean no limit.
struct Timeouts {
    std::chrono::milliseconds connect{10'000};
    // A transfer moving fewer than low_speed_bytes per second for low_speed_time is abandoned.
    long low_speed_bytes = 1;
    std::chrono::seconds low_speed_time{30};
    std::chrono::milliseconds total{0};
};

// One request. The body comes from `body` (memory) or `body_file`, never both; PUT and
// POST always send a Content-Length, other methods send no body.
struct HttpRequest {
    std::string method = "GET"; // GET, HEAD, PUT, POST or DELETE
    std::string url;            // sent as given: never normalised ("./x" stays)
    // Sent as given, plus an empty "Expect:" (no 100-continue round trip) and, for a POST
    // without a Content-Type, no curl default content type.
    HeaderFields headers;
    std::shared_ptr<const std::string> body;
    std::optional<FileSlice> body_file;
    // When set, a 2xx response body goes to a temporary file beside this path that is
    // renamed over it once the transfer succeeded; other bodies stay in memory.
    std::string response_file;
    Timeouts timeouts;
};

// Why a transfer produced no complete HTTP response.
enum class Failure {
    none,      // a complete response arrived; its status may still be an error
    connect,   // name resolution or TCP/TLS connection failed
    timeout,   // a connect, low-speed or total timeout expired
    network,   // the connection broke while sending or receiving
    local,     // a local file could not be read or written, or memory ran out
    cancelled, // cancel() or close() ended it
    other,     // anything else curl reports (bad URL, TLS verification, protocol)
};

// What came back. `error` says in words why when `failure` is not none.
struct HttpResponse {
    long status = 0;              // 0 when no response arrived
    HeaderFields headers;         // those of the final response (not of a 100 Continue)
    std::string body;             // the body when kept in memory (always so for a non-2xx status)
    bool body_in_file = false;    // the 2xx body is now at the request's response_file
    std::uint64_t body_bytes = 0; // body bytes received, in memory or in the file
    Failure failure = Failure::none;
    std::string error;

    // The value of the last header called `name` (ASCII case-insensitive); empty if none.
    std::string header(std::string_view name) const;
};

// Identifies one started transfer for cancel().
using TransferId = std::uint64_t;

// Runs many transfers at once on one loop without blocking it. Owns every CURL handle,
// header list, socket poll handle and its timer. Loop thread only; destroying it (or its
// owner) from inside a completion callback is allowed. Body files are read and response
// files written in curl's small buffers from the loop thread, as uvwget does.
class CurlMulti {
  public:
    // Initialises libcurl once per process (do this before other threads use libcurl)
    // and a multi handle on `loop`; at most `max_host_connections` connections per host
    // are opened, further transfers wait their turn.
    static Result<std::unique_ptr<CurlMulti>> create(uv_loop_t* loop,
                                                     long max_host_connections = 16);
    ~CurlMulti();
    CurlMulti(const CurlMulti&) = delete;
    CurlMulti& operator=(const CurlMulti&) = delete;

    // Starts `request`. `done` then runs exactly once on the loop thread, when the transfer
    // ends, is cancelled or the client closes. Fails without calling `done` when the client
    // is closed or the request cannot be set up (unreadable body file, bad method).
    Result<TransferId> start(HttpRequest request, std::function<void(HttpResponse)> done);

    // Ends one transfer now: its `done` runs before cancel() returns, with
    // Failure::cancelled. Unknown or finished ids are ignored.
    void cancel(TransferId id);

    // Cancels every transfer (each `done` runs before close() returns), releases curl and
    // closes every libuv handle so the loop can finish. Later start() calls fail.
    void close();

    // The number of transfers started and not yet finished.
    std::size_t active() const { return m_transfers.size(); }

  private:
    struct Transfer;
    struct Socket;
    struct MultiCleanup {
        void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
    };

    CurlMulti(uv_loop_t* loop, std::unique_ptr<CURLM, MultiCleanup> multi);

    static int on_socket(CURL* easy, curl_socket_t fd, int what, void* user, void* socket);
    static int on_timer_change(CURLM* multi, long timeout_ms, void* user);
    static void on_poll(uv_poll_t* poll, int status, int events);
    static void on_timeout(uv_timer_t* timer);

    // A transfer's callback and what to pass it, run once the bookkeeping is done.
    struct Completion {
        std::function<void(HttpResponse)> done;
        HttpResponse response;
    };

    void drive(curl_socket_t fd, int events);
    void collect_finished();
    void release_socket(Socket* socket);
    // Removes a transfer from curl and from m_transfers; null for an unknown id.
    std::unique_ptr<Transfer> take(TransferId id);
    static Completion finish(std::unique_ptr<Transfer> transfer, CURLcode code);
    static Completion cancelled(std::unique_ptr<Transfer> transfer);

    uv_loop_t* m_loop;
    std::unique_ptr<CURLM, MultiCleanup> m_multi;
    UvHandle<uv_timer_t> m_timer;
    std::map<TransferId, std::unique_ptr<Transfer>> m_transfers;
    std::set<Socket*> m_sockets; // each freed in its poll handle's close callback
    TransferId m_next_id = 1;
    bool m_closed = false;
    // Cleared by the destructor; callers of user callbacks hold a copy to notice that a
    // callback destroyed this client and return without touching it.
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
};

// curl's words for `code`.
std::string curl_error_text(CURLcode code);

} // namespace ov2ha::http
