// Listener, connection set, routing and shutdown; see server.hpp.
#include "core/http/server.hpp"

#include "core/base/log.hpp"
#include "core/base/loop.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <exception>
#include <random>

namespace ov2ha::http {
namespace {

constexpr int k_backlog = 511;
constexpr size_t k_read_buffer_size = 64 * 1024;
// Turned-away connections are logged at most this often, so a flood cannot flood the log.
constexpr uint64_t k_turn_away_log_interval_ms = 1000;

uv_handle_t* as_handle(void* handle) {
    return static_cast<uv_handle_t*>(handle);
}

std::string random_prefix() {
    std::random_device random;
    char text[16];
    std::snprintf(text, sizeof text, "%08x", static_cast<unsigned>(random()));
    return text;
}

std::string join(const std::vector<std::string>& words, std::string_view separator) {
    std::string joined;
    for (const std::string& word : words) {
        if (!joined.empty()) {
            joined += separator;
        }
        joined += word;
    }
    return joined;
}

std::string milliseconds_text(double milliseconds) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", milliseconds);
    return text;
}

} // namespace

Server::Server(uv_loop_t* loop, ServerLimits limits)
    : m_loop(loop), m_limits(limits), m_id_prefix(random_prefix()),
      m_read_buffer(new char[k_read_buffer_size]) {
    m_limits.max_pipelined_requests = std::max<size_t>(m_limits.max_pipelined_requests, 1);
}

Server::~Server() {
    if (m_listener) {
        m_listener->data = nullptr;
        if (!uv_is_closing(as_handle(m_listener))) {
            uv_close(as_handle(m_listener), on_listener_closed);
        }
    }
    if (m_shutdown_timer) {
        m_shutdown_timer->data = nullptr;
        if (!uv_is_closing(as_handle(m_shutdown_timer))) {
            uv_close(as_handle(m_shutdown_timer), on_shutdown_timer_closed);
        }
    }
    for (auto& [raw, owned] : m_connections) {
        owned.release()->abandon();
    }
}

Status Server::add_route(std::string_view method, std::string_view pattern, Auth auth,
                         Handler handler) {
    auto number = m_router.add(method, pattern);
    if (!number) {
        return number.error();
    }
    m_routes.push_back({auth, std::move(handler)});
    return success();
}

void Server::set_basic_auth(BasicAuth auth) {
    m_basic_auth = std::move(auth);
}

void Server::set_observer(RequestObserver observer) {
    m_observer = std::move(observer);
}

Status Server::listen(const std::string& host, int port) {
    if (m_listener || m_draining) {
        return failure("the HTTP server is already listening or has shut down");
    }
    sockaddr_storage address{};
    if (uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&address)) != 0 &&
        uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&address)) != 0) {
        return failure("cannot listen on \"" + host + "\": not an IPv4 or IPv6 address");
    }
    const std::string operation = "listen on " + host + " port " + std::to_string(port);
    auto* listener = new uv_tcp_t{};
    if (const int rc = uv_tcp_init(m_loop, listener); rc != 0) {
        delete listener;
        return failure(uv_error_text(operation.c_str(), rc));
    }
    listener->data = this;
    m_listener = listener;
    auto* stream = reinterpret_cast<uv_stream_t*>(listener);
    int rc = uv_tcp_bind(listener, reinterpret_cast<const sockaddr*>(&address), 0);
    if (rc == 0) {
        rc = uv_listen(stream, k_backlog, on_connection);
    }
    sockaddr_storage bound{};
    int length = sizeof bound;
    if (rc == 0) {
        rc = uv_tcp_getsockname(listener, reinterpret_cast<sockaddr*>(&bound), &length);
    }
    if (rc != 0) {
        uv_close(as_handle(listener), on_listener_closed);
        return failure(uv_error_text(operation.c_str(), rc));
    }
    m_port =
        ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<const sockaddr_in6*>(&bound)->sin6_port
                                          : reinterpret_cast<const sockaddr_in*>(&bound)->sin_port);
    log::info("http server listening", {{"host", host}, {"port", std::to_string(m_port)}});
    return success();
}

void Server::shut_down(std::chrono::milliseconds bound, std::function<void()> done) {
    if (m_draining) {
        return;
    }
    m_draining = true;
    m_on_shut_down = std::move(done);
    log::info("http server shutting down", {{"connections", std::to_string(m_connections.size())}});
    if (m_listener && !uv_is_closing(as_handle(m_listener))) {
        uv_close(as_handle(m_listener), on_listener_closed);
    }
    m_shutdown_timer = new uv_timer_t{};
    uv_timer_init(m_loop, m_shutdown_timer);
    m_shutdown_timer->data = this;
    const auto delay = static_cast<uint64_t>(std::max<int64_t>(bound.count(), 0));
    const int rc = uv_timer_start(m_shutdown_timer, on_shutdown_bound, delay, 0);
    if (rc != 0) {
        log::error("http server shutdown bound not set",
                   {{"error", uv_error_text("start the shutdown timer", rc)}});
    }
    for (auto& [connection, owned] : m_connections) {
        connection->drain();
    }
    finish_shutdown_if_done();
}

void Server::on_connection(uv_stream_t* listener, int status) {
    auto* self = static_cast<Server*>(listener->data);
    if (!self) {
        return;
    }
    if (status < 0) {
        log::warn("http server cannot accept",
                  {{"error", uv_error_text("accept a connection", status)}});
        return;
    }
    if (self->m_connections.size() >= self->m_limits.max_connections) {
        self->turn_away();
        return;
    }
    self->accept_connection();
}

void Server::accept_connection() {
    ConnectionOwner& owner = *this;
    auto owned = std::make_unique<Connection>(owner, m_loop);
    Connection* connection = owned.get();
    m_connections.emplace(connection, std::move(owned));
    if (auto started = connection->start(reinterpret_cast<uv_stream_t*>(m_listener)); !started) {
        log::debug("http connection not started", {{"error", started.message()}});
    }
}

void Server::turn_away() {
    auto* client = new uv_tcp_t{};
    int rc = uv_tcp_init(m_loop, client);
    if (rc != 0) {
        delete client;
    } else {
        rc = uv_accept(reinterpret_cast<uv_stream_t*>(m_listener),
                       reinterpret_cast<uv_stream_t*>(client));
        uv_close(as_handle(client),
                 [](uv_handle_t* handle) { delete reinterpret_cast<uv_tcp_t*>(handle); });
    }
    ++m_turned_away;
    const uint64_t now = uv_now(m_loop);
    if (m_last_turn_away_log_ms == 0 ||
        now - m_last_turn_away_log_ms >= k_turn_away_log_interval_ms) {
        if (rc == 0) {
            log::warn("http connections turned away: connection cap reached",
                      {{"cap", std::to_string(m_limits.max_connections)},
                       {"turned away", std::to_string(m_turned_away)}});
        } else {
            log::warn("http connection lost before it was turned away",
                      {{"error", uv_error_text("accept a connection", rc)}});
        }
        m_last_turn_away_log_ms = now;
        m_turned_away = 0;
    }
}

void Server::finish_shutdown_if_done() {
    if (!m_draining || m_listener || !m_connections.empty() || !m_shutdown_timer ||
        uv_is_closing(as_handle(m_shutdown_timer))) {
        return;
    }
    uv_close(as_handle(m_shutdown_timer), on_shutdown_timer_closed);
}

void Server::dispatch(Request request, Responder responder) {
    RouteMatch match = m_router.match(request.method, request.path);
    switch (match.outcome) {
    case RouteMatch::Outcome::bad_path:
        responder.send(Response::error(400, "malformed percent-encoding in the path"));
        return;
    case RouteMatch::Outcome::not_found:
        responder.send(Response::error(404, "not found"));
        return;
    case RouteMatch::Outcome::method_not_allowed: {
        Response response = Response::error(405, "method not allowed");
        response.headers.emplace_back("Allow", join(match.allowed_methods, ", "));
        responder.send(std::move(response));
        return;
    }
    case RouteMatch::Outcome::found:
        break;
    }
    const std::string& pattern = m_router.pattern(match.route);
    responder.set_route(pattern);
    const Route& route = m_routes[match.route];
    if (route.auth == Auth::basic) {
        const std::string* authorization = request.headers.find("authorization");
        if (!m_basic_auth || !m_basic_auth->allows(authorization ? *authorization : "")) {
            responder.send(BasicAuth::challenge());
            return;
        }
    }
    request.params = std::move(match.params);
    try {
        route.handler(std::move(request), responder);
    } catch (const std::exception& error) {
        log::error("http handler failed", {{"route", pattern}, {"error", error.what()}});
        responder.send(Response::error(500, "internal error"));
    } catch (...) {
        log::error("http handler failed", {{"route", pattern}, {"error", "unknown exception"}});
        responder.send(Response::error(500, "internal error"));
    }
}

void Server::request_finished(const RequestRecord& record) {
    if (log::enabled(log::Level::debug)) {
        log::debug("http request", {{"id", std::string(record.id)},
                                    {"method", std::string(record.method)},
                                    {"path", std::string(record.path)},
                                    {"status", std::to_string(record.status)},
                                    {"ms", milliseconds_text(record.milliseconds)}});
    }
    if (!m_observer) {
        return;
    }
    try {
        m_observer(record);
    } catch (const std::exception& error) {
        log::error("http request observer failed", {{"error", error.what()}});
    } catch (...) {
        log::error("http request observer failed", {{"error", "unknown exception"}});
    }
}

std::string Server::next_request_id() {
    return m_id_prefix + "-" + std::to_string(++m_request_count);
}

const std::string& Server::date() {
    const std::time_t now = std::time(nullptr);
    if (now != m_date_second) {
        m_date_second = now;
        m_date = http_date(now);
    }
    return m_date;
}

uv_buf_t Server::read_buffer() {
    return uv_buf_init(m_read_buffer.get(), k_read_buffer_size);
}

void Server::connection_closed(Connection& connection) {
    m_connections.erase(&connection);
    finish_shutdown_if_done();
}

void Server::on_listener_closed(uv_handle_t* handle) {
    auto* self = static_cast<Server*>(handle->data);
    delete reinterpret_cast<uv_tcp_t*>(handle);
    if (self) {
        self->m_listener = nullptr;
        self->finish_shutdown_if_done();
    }
}

void Server::on_shutdown_bound(uv_timer_t* timer) {
    auto* self = static_cast<Server*>(timer->data);
    log::info("http server shutdown bound reached",
              {{"connections cut", std::to_string(self->m_connections.size())}});
    for (auto& [connection, owned] : self->m_connections) {
        connection->close();
    }
}

void Server::on_shutdown_timer_closed(uv_handle_t* handle) {
    auto* self = static_cast<Server*>(handle->data);
    delete reinterpret_cast<uv_timer_t*>(handle);
    if (!self) {
        return;
    }
    self->m_shutdown_timer = nullptr;
    const std::function<void()> done = std::move(self->m_on_shut_down);
    log::info("http server shut down");
    if (done) {
        done();
    }
}

} // namespace ov2ha::http
