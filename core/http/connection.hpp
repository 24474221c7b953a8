// One accepted TCP connection speaking HTTP/1.1: parses requests with
// http-parser one at a time, hands each to its owner, writes the answers in
// order, and enforces the per-connection limits and timeouts. Loop thread only.
#pragma once

#include "core/base/result.hpp"
#include "core/http/limits.hpp"
#include "core/http/request.hpp"
#include "core/http/responder.hpp"
#include "core/http/response.hpp"

#include <cstdint>
#include <http_parser.h>
#include <memory>
#include <string>
#include <uv.h>

namespace ov2ha::http {

class Connection;

// What a connection needs from the server that accepted it. Every call comes on the loop thread.
class ConnectionOwner {
  public:
    // The limits this connection enforces; they outlive it.
    virtual const ServerLimits& limits() const = 0;
    // Routes a complete request; its answer comes back through `responder`, now or later.
    virtual void dispatch(Request request, Responder responder) = 0;
    // A response has been queued: for the log line and the metrics hook.
    virtual void request_finished(const RequestRecord& record) = 0;
    // A fresh id for a request that brought no usable X-Request-Id.
    virtual std::string next_request_id() = 0;
    // The Date header value for now.
    virtual const std::string& date() = 0;
    // Memory for one read; consumed before any other read starts, so it may be shared.
    virtual uv_buf_t read_buffer() = 0;
    // True once the server is shutting down: answers then end their connection.
    virtual bool draining() const = 0;
    // Both handles of `connection` have closed; the owner frees it now.
    virtual void connection_closed(Connection& connection) = 0;

  protected:
    ~ConnectionOwner() = default;
};

class Connection {
  public:
    // Opens the connection's handles on `loop`; start() then accepts the client. The owner keeps
    // the object until connection_closed().
    Connection(ConnectionOwner& owner, uv_loop_t* loop);
    // Runs from connection_closed() or, once abandoned, from the last close callback.
    ~Connection() = default;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Accepts the pending client of `listener` and starts reading. On failure the connection is
    // already closing and the error says why.
    Status start(uv_stream_t* listener);
    // Server shutdown: closes now unless a request is in hand; that one is answered with
    // Connection: close, then the connection closes.
    void drain();
    // Closes at once; an unanswered request loses its answer (its Responder goes quiet).
    void close();
    // The owner is going away: closes at once and frees itself in the last close callback.
    void abandon();

  private:
    friend class Responder;

    enum class Phase {
        waiting,   // between requests: idle timeout
        headers,   // first byte seen, headers incomplete: header timeout
        body,      // headers complete, body incomplete: body timeout
        handling,  // request complete, the handler has not answered: no timeout
        lingering, // final answer queued: draining input until EOF or the linger timeout
        closed,
    };

    static const http_parser_settings& parser_settings();
    static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buffer);
    static void on_read(uv_stream_t* stream, ssize_t count, const uv_buf_t* buffer);
    static void on_write(uv_write_t* request, int status);
    static void on_shutdown(uv_shutdown_t* request, int status);
    static void on_timer(uv_timer_t* timer);
    static void on_closed(uv_handle_t* handle);

    int on_message_begin();
    int on_url(const char* at, size_t length);
    int on_header_field(const char* at, size_t length);
    int on_header_value(const char* at, size_t length);
    int on_headers_complete();
    int on_body(const char* at, size_t length);
    int on_message_complete();

    int count_header_bytes(size_t length);
    int refuse(int status, std::string message);
    void store_header();
    bool split_target();

    // Parses buffered input while the phase allows, dispatching each complete request, then
    // settles reading and end-of-input.
    void process();
    void dispatch();
    // Responder's way in: queues the answer of exchange `exchange` if it is still the one in hand.
    bool deliver(uint64_t exchange, Response response, std::string_view route);
    void reject(int status, std::string_view message);
    void write_response(const Response& response, bool keep_alive);
    void write(std::string data);
    void report(int status, std::string_view route);
    void start_lingering();
    // A transport error: logged (debug) as "operation: error", then the connection closes.
    void lose(const char* operation, int code);
    void enter(Phase phase);
    void update_reading();
    uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(&m_tcp); }

    ConnectionOwner* m_owner;
    uv_tcp_t m_tcp{};
    uv_timer_t m_timer{};
    int m_open_handles = 0;
    int m_init_error = 0;
    // Responders hold this weakly; close() resets it so late answers find nothing.
    std::shared_ptr<Connection*> m_link;
    std::string m_remote_address;
    http_parser m_parser{};
    Phase m_phase = Phase::waiting;
    std::string m_input; // received, not yet parsed
    bool m_reading = false;
    bool m_peer_ended = false;
    bool m_processing = false;
    bool m_message_complete = false;
    size_t m_pending_writes = 0;

    // The request being parsed.
    Request m_request;
    std::string m_target;
    std::string m_field;
    std::string m_value;
    bool m_in_value = false;
    size_t m_header_bytes = 0;
    int m_refusal_status = 0;
    std::string m_refusal;
    uint64_t m_started_ns = 0;

    // The exchange in hand: what the answer needs once the request has gone to its handler.
    uint64_t m_exchange = 0;
    std::string m_exchange_id;
    std::string m_exchange_method;
    std::string m_exchange_path;
    bool m_keep_alive = false;
    bool m_http_1_0 = false;
    bool m_head = false;
};

} // namespace ov2ha::http
