// The HTTP/1.1 server the controller uses: a listener on the loop, the route
// table, Basic auth per route, connection limits and graceful shutdown.
#pragma once

#include "core/base/result.hpp"
#include "core/http/basic_auth.hpp"
#include "core/http/connection.hpp"
#include "core/http/limits.hpp"
#include "core/http/request.hpp"
#include "core/http/responder.hpp"
#include "core/http/response.hpp"
#include "core/http/router.hpp"

#include <chrono>
#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <uv.h>
#include <vector>

namespace ov2ha::http {

// Whether a route wants HTTP Basic credentials.
enum class Auth { none, basic };

// Called on the loop thread with each complete request. It answers through the responder, at once
// or later; an exception it throws becomes a 500.
using Handler = std::function<void(Request request, Responder responder)>;

// Loop thread only, every member. Unknown paths get 404, a known path with another method 405
// (with Allow), both as {"error": "..."} JSON.
class Server : private ConnectionOwner {
  public:
    // Serves on `loop`, which must run after the server is destroyed so its handles finish
    // closing (shut_down_loop() does that). A max_pipelined_requests of 0 counts as 1.
    Server(uv_loop_t* loop, ServerLimits limits = {});
    // Closes the listener and every connection at once; requests in hand lose their answers
    // (their responders go quiet) and a pending shut_down() never calls its `done`. Memory is
    // freed in the close callbacks.
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Adds a route before or while serving. `pattern` may hold whole {name} segments that reach
    // the handler decoded in Request::params. Fails on a malformed or duplicate pattern.
    Status add_route(std::string_view method, std::string_view pattern, Auth auth, Handler handler);
    // The credentials Auth::basic routes accept. Without them those routes answer 401 to all.
    void set_basic_auth(BasicAuth auth);
    // Called after each response is queued (metrics: requests by route and status, latency).
    void set_observer(RequestObserver observer);

    // Binds `host` (an IPv4 or IPv6 address) and listens; port 0 takes a free port, see port().
    // The process must ignore SIGPIPE, as every ov2ha command does at start-up.
    Status listen(const std::string& host, int port);
    // The bound port once listening, else 0.
    int port() const { return m_port; }
    // Connections open now, the ones closing included.
    size_t connection_count() const { return m_connections.size(); }

    // Stops accepting, closes idle connections at once, lets requests in hand be answered (with
    // Connection: close) and cuts whatever is left after `bound`. `done` runs once on the loop
    // thread after every handle the server opened has closed; the server may be destroyed in it.
    // Call once.
    void shut_down(std::chrono::milliseconds bound, std::function<void()> done);

  private:
    struct Route {
        Auth auth;
        Handler handler;
    };

    static void on_connection(uv_stream_t* listener, int status);
    static void on_listener_closed(uv_handle_t* handle);
    static void on_shutdown_bound(uv_timer_t* timer);
    static void on_shutdown_timer_closed(uv_handle_t* handle);
    void accept_connection();
    void turn_away();
    void finish_shutdown_if_done();

    const ServerLimits& limits() const override { return m_limits; }
    void dispatch(Request request, Responder responder) override;
    void request_finished(const RequestRecord& record) override;
    std::string next_request_id() override;
    const std::string& date() override;
    uv_buf_t read_buffer() override;
    bool draining() const override { return m_draining; }
    void connection_closed(Connection& connection) override;

    uv_loop_t* m_loop;
    ServerLimits m_limits;
    Router m_router;
    std::vector<Route> m_routes;
    std::optional<BasicAuth> m_basic_auth;
    RequestObserver m_observer;
    uv_tcp_t* m_listener = nullptr;         // freed by its close callback
    uv_timer_t* m_shutdown_timer = nullptr; // freed by its close callback
    int m_port = 0;
    std::unordered_map<Connection*, std::unique_ptr<Connection>> m_connections;
    bool m_draining = false;
    std::function<void()> m_on_shut_down;
    std::string m_id_prefix;
    uint64_t m_request_count = 0;
    std::time_t m_date_second = 0;
    std::string m_date;
    std::unique_ptr<char[]> m_read_buffer;
    uint64_t m_turned_away = 0;
    uint64_t m_last_turn_away_log_ms = 0;
};

} // namespace ov2ha::http
