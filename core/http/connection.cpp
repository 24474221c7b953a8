// One HTTP/1.1 connection; see connection.hpp.
#include "core/http/connection.hpp"

#include "core/base/log.hpp"
#include "core/base/loop.hpp"

#include <algorithm>
#include <climits>

namespace ov2ha::http {
namespace {

// Input kept unparsed while a request is in hand; reading pauses beyond it.
constexpr size_t k_max_unparsed_input = 64 * 1024;
// What each header line costs beyond its name and value: ": " and CRLF.
constexpr size_t k_header_line_overhead = 4;
constexpr size_t k_max_client_request_id = 64;
constexpr std::string_view k_continue = "HTTP/1.1 100 Continue\r\n\r\n";

struct WriteRequest {
    uv_write_t request{};
    Connection* connection = nullptr;
    std::string data;
};

Connection* connection_of(http_parser* parser) {
    return static_cast<Connection*>(parser->data);
}

// A client's X-Request-Id is kept only when it is short and plain enough to log as is.
bool usable_request_id(std::string_view id) {
    if (id.empty() || id.size() > k_max_client_request_id) {
        return false;
    }
    for (char c : id) {
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':';
        if (!plain) {
            return false;
        }
    }
    return true;
}

std::string peer_address(const uv_tcp_t* tcp) {
    sockaddr_storage address{};
    int length = sizeof address;
    if (uv_tcp_getpeername(tcp, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        return "unknown";
    }
    char host[INET6_ADDRSTRLEN] = {};
    if (address.ss_family == AF_INET6) {
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address);
        if (uv_ip6_name(v6, host, sizeof host) != 0) {
            return "unknown";
        }
        return "[" + std::string(host) + "]:" + std::to_string(ntohs(v6->sin6_port));
    }
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address);
    if (uv_ip4_name(v4, host, sizeof host) != 0) {
        return "unknown";
    }
    return std::string(host) + ":" + std::to_string(ntohs(v4->sin_port));
}

} // namespace

Connection::Connection(ConnectionOwner& owner, uv_loop_t* loop)
    : m_owner(&owner), m_link(std::make_shared<Connection*>(this)) {
    m_init_error = uv_tcp_init(loop, &m_tcp);
    if (m_init_error == 0) {
        ++m_open_handles;
    }
    uv_timer_init(loop, &m_timer);
    ++m_open_handles;
    m_tcp.data = this;
    m_timer.data = this;
    http_parser_init(&m_parser, HTTP_REQUEST);
    m_parser.data = this;
}

Status Connection::start(uv_stream_t* listener) {
    int rc = m_init_error;
    const char* operation = "set up a connection";
    if (rc == 0) {
        rc = uv_accept(listener, stream());
        operation = "accept a connection";
    }
    if (rc == 0) {
        rc = uv_tcp_nodelay(&m_tcp, 1);
        operation = "turn off Nagle's algorithm";
    }
    if (rc != 0) {
        close();
        return failure(uv_error_text(operation, rc));
    }
    m_remote_address = peer_address(&m_tcp);
    enter(Phase::waiting);
    update_reading();
    if (m_phase == Phase::closed) {
        return failure("cannot read from " + m_remote_address);
    }
    return success();
}

void Connection::drain() {
    switch (m_phase) {
    case Phase::waiting:
        if (m_pending_writes == 0) {
            close();
        } else {
            start_lingering();
        }
        break;
    case Phase::headers:
    case Phase::body:
        close();
        break;
    case Phase::handling:
    case Phase::lingering:
    case Phase::closed:
        break;
    }
}

void Connection::close() {
    if (m_phase == Phase::closed) {
        return;
    }
    m_phase = Phase::closed;
    m_link.reset();
    m_reading = false;
    if (m_init_error == 0) {
        uv_close(reinterpret_cast<uv_handle_t*>(&m_tcp), on_closed);
    }
    uv_close(reinterpret_cast<uv_handle_t*>(&m_timer), on_closed);
}

void Connection::abandon() {
    m_owner = nullptr;
    close();
}

const http_parser_settings& Connection::parser_settings() {
    static const http_parser_settings settings = [] {
        http_parser_settings s{};
        s.on_message_begin = [](http_parser* p) { return connection_of(p)->on_message_begin(); };
        s.on_url = [](http_parser* p, const char* at, size_t length) {
            return connection_of(p)->on_url(at, length);
        };
        s.on_header_field = [](http_parser* p, const char* at, size_t length) {
            return connection_of(p)->on_header_field(at, length);
        };
        s.on_header_value = [](http_parser* p, const char* at, size_t length) {
            return connection_of(p)->on_header_value(at, length);
        };
        s.on_headers_complete = [](http_parser* p) {
            return connection_of(p)->on_headers_complete();
        };
        s.on_body = [](http_parser* p, const char* at, size_t length) {
            return connection_of(p)->on_body(at, length);
        };
        s.on_message_complete = [](http_parser* p) {
            return connection_of(p)->on_message_complete();
        };
        return s;
    }();
    return settings;
}

void Connection::on_alloc(uv_handle_t* handle, size_t, uv_buf_t* buffer) {
    *buffer = static_cast<Connection*>(handle->data)->m_owner->read_buffer();
}

void Connection::on_read(uv_stream_t* stream, ssize_t count, const uv_buf_t* buffer) {
    auto* self = static_cast<Connection*>(stream->data);
    if (count > 0) {
        if (self->m_phase == Phase::lingering) {
            return;
        }
        self->m_input.append(buffer->base, static_cast<size_t>(count));
        self->process();
    } else if (count == UV_EOF) {
        self->m_peer_ended = true;
        self->m_reading = false;
        if (self->m_phase == Phase::lingering) {
            self->close();
        } else {
            self->process();
        }
    } else if (count < 0) {
        self->lose("read from the client", static_cast<int>(count));
    }
}

void Connection::on_write(uv_write_t* request, int status) {
    auto* write = static_cast<WriteRequest*>(request->data);
    Connection* self = write->connection;
    delete write;
    --self->m_pending_writes;
    if (self->m_phase == Phase::closed) {
        return;
    }
    if (status < 0) {
        self->lose("write a response", status);
        return;
    }
    if (self->m_phase == Phase::waiting) {
        // The client is taking its answers: that is activity, and may unblock pipelined requests.
        self->enter(Phase::waiting);
        self->process();
    }
}

void Connection::on_shutdown(uv_shutdown_t* request, int status) {
    auto* self = static_cast<Connection*>(request->data);
    delete request;
    if (self->m_phase == Phase::closed) {
        return;
    }
    if (status < 0 || self->m_peer_ended) {
        self->close();
    }
}

void Connection::on_timer(uv_timer_t* timer) {
    auto* self = static_cast<Connection*>(timer->data);
    const char* reason = nullptr;
    switch (self->m_phase) {
    case Phase::waiting:
        reason = "idle timeout";
        break;
    case Phase::headers:
        reason = "header timeout";
        break;
    case Phase::body:
        reason = "body timeout";
        break;
    case Phase::lingering:
        break;
    case Phase::handling:
    case Phase::closed:
        return;
    }
    if (reason) {
        log::debug("http connection dropped",
                   {{"remote", self->m_remote_address}, {"reason", reason}});
    }
    self->close();
}

void Connection::on_closed(uv_handle_t* handle) {
    auto* self = static_cast<Connection*>(handle->data);
    if (--self->m_open_handles > 0) {
        return;
    }
    if (self->m_owner) {
        self->m_owner->connection_closed(*self);
    } else {
        delete self;
    }
}

int Connection::on_message_begin() {
    m_request = Request{};
    m_target.clear();
    m_field.clear();
    m_value.clear();
    m_in_value = false;
    m_header_bytes = 0;
    m_refusal_status = 0;
    m_refusal.clear();
    m_started_ns = uv_hrtime();
    enter(Phase::headers);
    return 0;
}

int Connection::on_url(const char* at, size_t length) {
    m_target.append(at, length);
    return count_header_bytes(length);
}

int Connection::on_header_field(const char* at, size_t length) {
    if (m_phase == Phase::body) {
        // A trailer after a chunked body: it counts against the limit but is not kept.
        return count_header_bytes(length);
    }
    if (m_in_value) {
        store_header();
    }
    if (m_field.empty()) {
        m_header_bytes += k_header_line_overhead;
    }
    m_field.append(at, length);
    return count_header_bytes(length);
}

int Connection::on_header_value(const char* at, size_t length) {
    if (m_phase == Phase::body) {
        return count_header_bytes(length);
    }
    m_in_value = true;
    m_value.append(at, length);
    return count_header_bytes(length);
}

int Connection::on_headers_complete() {
    if (m_in_value || !m_field.empty()) {
        store_header();
    }
    for (const auto& [name, value] : m_request.headers.fields()) {
        if (!Headers::valid_name(name)) {
            // http-parser lets "Content-Length : 5" through; a proxy might read it otherwise.
            return refuse(400, "malformed header field name");
        }
    }
    if (m_parser.http_major != 1) {
        return refuse(505, "only HTTP/1.0 and HTTP/1.1 are served");
    }
    m_request.method = http_method_str(static_cast<http_method>(m_parser.method));
    if (!split_target()) {
        return refuse(400, "malformed request target");
    }
    m_request.remote_address = m_remote_address;
    const std::string* given_id = m_request.headers.find("x-request-id");
    m_request.id =
        given_id && usable_request_id(*given_id) ? *given_id : m_owner->next_request_id();
    m_http_1_0 = m_parser.http_minor == 0;
    const std::string* expect = m_request.headers.find("expect");
    if (expect && !Headers::same_name(*expect, "100-continue")) {
        return refuse(417, "only Expect: 100-continue is understood");
    }
    if (m_parser.content_length != ULLONG_MAX &&
        m_parser.content_length > m_owner->limits().max_body_bytes) {
        return refuse(413, "request body too large");
    }
    if (expect && !m_http_1_0) {
        write(std::string(k_continue));
    }
    enter(Phase::body);
    return 0;
}

int Connection::on_body(const char* at, size_t length) {
    if (m_request.body.size() + length > m_owner->limits().max_body_bytes) {
        return refuse(413, "request body too large");
    }
    m_request.body.append(at, length);
    return 0;
}

int Connection::on_message_complete() {
    m_keep_alive = http_should_keep_alive(&m_parser) != 0 && m_parser.upgrade == 0;
    m_message_complete = true;
    enter(Phase::handling);
    // Parse nothing more until this request is answered: pipelined requests wait their turn.
    http_parser_pause(&m_parser, 1);
    return 0;
}

int Connection::count_header_bytes(size_t length) {
    m_header_bytes += length;
    if (m_header_bytes > m_owner->limits().max_header_bytes) {
        return refuse(431, "request header fields too large");
    }
    return 0;
}

int Connection::refuse(int status, std::string message) {
    m_refusal_status = status;
    m_refusal = std::move(message);
    return -1;
}

void Connection::store_header() {
    m_request.headers.add(std::move(m_field), std::move(m_value));
    m_field.clear();
    m_value.clear();
    m_in_value = false;
}

bool Connection::split_target() {
    http_parser_url url{};
    http_parser_url_init(&url);
    if (http_parser_parse_url(m_target.data(), m_target.size(), m_parser.method == HTTP_CONNECT,
                              &url) != 0) {
        return false;
    }
    const auto piece = [&](http_parser_url_fields field) {
        return m_target.substr(url.field_data[field].off, url.field_data[field].len);
    };
    m_request.path = (url.field_set & (1 << UF_PATH)) ? piece(UF_PATH) : "/";
    if (url.field_set & (1 << UF_QUERY)) {
        auto query = parse_query(piece(UF_QUERY));
        if (!query) {
            return false;
        }
        m_request.query = std::move(*query);
    }
    return true;
}

void Connection::process() {
    if (m_processing) {
        return;
    }
    m_processing = true;
    while (!m_input.empty() && (m_phase == Phase::headers || m_phase == Phase::body ||
                                (m_phase == Phase::waiting &&
                                 m_pending_writes < m_owner->limits().max_pipelined_requests))) {
        const size_t used =
            http_parser_execute(&m_parser, &parser_settings(), m_input.data(), m_input.size());
        m_input.erase(0, used);
        const auto error = static_cast<http_errno>(m_parser.http_errno);
        if (m_phase == Phase::closed) {
            break;
        }
        if (error != HPE_OK && error != HPE_PAUSED) {
            if (m_refusal_status != 0) {
                reject(m_refusal_status, m_refusal);
            } else if (error == HPE_HEADER_OVERFLOW) {
                reject(431, "request header fields too large");
            } else {
                reject(400, std::string("malformed request: ") + http_errno_description(error));
            }
            break;
        }
        if (!m_message_complete) {
            break;
        }
        m_message_complete = false;
        dispatch();
    }
    m_processing = false;
    if (m_phase == Phase::closed || m_phase == Phase::lingering) {
        return;
    }
    const bool request_cut_short = m_phase == Phase::headers || m_phase == Phase::body;
    const bool all_answered = m_phase == Phase::waiting && m_pending_writes == 0 && m_input.empty();
    if (m_peer_ended && (request_cut_short || all_answered)) {
        close();
        return;
    }
    update_reading();
}

void Connection::dispatch() {
    ++m_exchange;
    m_exchange_id = m_request.id;
    m_exchange_method = m_request.method;
    m_exchange_path = m_request.path;
    m_head = m_request.method == "HEAD";
    Request request = std::move(m_request);
    m_request = Request{};
    m_owner->dispatch(std::move(request), Responder(m_link, m_exchange));
}

bool Connection::deliver(uint64_t exchange, Response response, std::string_view route) {
    if (m_phase != Phase::handling || exchange != m_exchange) {
        return false;
    }
    const bool keep_alive = m_keep_alive && !m_owner->draining();
    write_response(response, keep_alive);
    report(response.status, route);
    if (m_phase == Phase::closed) {
        return true;
    }
    if (!keep_alive) {
        start_lingering();
        return true;
    }
    http_parser_pause(&m_parser, 0);
    enter(Phase::waiting);
    process();
    return true;
}

void Connection::reject(int status, std::string_view message) {
    if (m_phase == Phase::waiting) {
        m_started_ns = uv_hrtime();
    }
    m_exchange_id = m_request.id.empty() ? m_owner->next_request_id() : m_request.id;
    m_exchange_method = m_request.method.empty() ? "-" : m_request.method;
    m_exchange_path = m_request.path.empty() ? "-" : m_request.path;
    m_head = false;
    log::debug("http request refused", {{"id", m_exchange_id},
                                        {"remote", m_remote_address},
                                        {"status", std::to_string(status)},
                                        {"error", std::string(message)}});
    write_response(Response::error(status, message), false);
    report(status, "");
    start_lingering();
}

void Connection::write_response(const Response& response, bool keep_alive) {
    Framing framing;
    framing.request_id = m_exchange_id;
    framing.date = m_owner->date();
    framing.persistence = !keep_alive  ? Framing::Persistence::close
                          : m_http_1_0 ? Framing::Persistence::announce_keep_alive
                                       : Framing::Persistence::keep_alive;
    framing.head = m_head;
    write(serialize(response, framing));
}

void Connection::write(std::string data) {
    if (m_phase == Phase::closed) {
        return;
    }
    if (m_pending_writes == 0) {
        // Most answers fit the socket at once: written now, they need no write request, and
        // libuv spares the epoll_ctl it makes when a queued write drains.
        uv_buf_t now = uv_buf_init(data.data(), static_cast<unsigned>(data.size()));
        const int written = uv_try_write(stream(), &now, 1);
        if (written == static_cast<int>(data.size())) {
            return;
        }
        if (written > 0) {
            data.erase(0, static_cast<size_t>(written));
        } else if (written != UV_EAGAIN) {
            lose("write a response", written);
            return;
        }
    }
    auto* request = new WriteRequest;
    request->connection = this;
    request->data = std::move(data);
    request->request.data = request;
    const uv_buf_t buffer =
        uv_buf_init(request->data.data(), static_cast<unsigned>(request->data.size()));
    if (const int rc = uv_write(&request->request, stream(), &buffer, 1, on_write); rc != 0) {
        delete request;
        lose("write a response", rc);
        return;
    }
    ++m_pending_writes;
}

void Connection::report(int status, std::string_view route) {
    RequestRecord record;
    record.id = m_exchange_id;
    record.method = m_exchange_method;
    record.path = m_exchange_path;
    record.route = route;
    record.status = status;
    record.milliseconds = static_cast<double>(uv_hrtime() - m_started_ns) / 1e6;
    m_owner->request_finished(record);
}

void Connection::lose(const char* operation, int code) {
    log::debug("http connection lost",
               {{"remote", m_remote_address}, {"error", uv_error_text(operation, code)}});
    close();
}

void Connection::start_lingering() {
    enter(Phase::lingering);
    if (m_phase != Phase::lingering) {
        return;
    }
    m_input.clear();
    auto* request = new uv_shutdown_t{};
    request->data = this;
    if (const int rc = uv_shutdown(request, stream(), on_shutdown); rc != 0) {
        delete request;
        lose("end the response", rc);
        return;
    }
    update_reading();
}

void Connection::enter(Phase phase) {
    if (m_phase == Phase::closed) {
        return;
    }
    m_phase = phase;
    const ServerLimits& limits = m_owner->limits();
    std::chrono::milliseconds timeout{};
    switch (phase) {
    case Phase::waiting:
        timeout = limits.idle_timeout;
        break;
    case Phase::headers:
        timeout = limits.header_timeout;
        break;
    case Phase::body:
        timeout = limits.body_timeout;
        break;
    case Phase::lingering:
        timeout = limits.close_linger;
        break;
    case Phase::handling:
        uv_timer_stop(&m_timer);
        return;
    case Phase::closed:
        return;
    }
    const auto delay = static_cast<uint64_t>(std::max<int64_t>(timeout.count(), 0));
    if (const int rc = uv_timer_start(&m_timer, on_timer, delay, 0); rc != 0) {
        lose("start a timer", rc);
    }
}

void Connection::update_reading() {
    if (m_phase == Phase::closed) {
        return;
    }
    const bool wanted =
        !m_peer_ended && (m_phase == Phase::lingering || m_input.size() < k_max_unparsed_input);
    if (wanted == m_reading) {
        return;
    }
    if (!wanted) {
        uv_read_stop(stream());
        m_reading = false;
        return;
    }
    if (const int rc = uv_read_start(stream(), on_alloc, on_read); rc != 0) {
        lose("read from the client", rc);
        return;
    }
    m_reading = true;
}

} // namespace ov2ha::http
