// Redis on the loop; see redis_client.hpp.
#include "core/store/redis_client.hpp"

#include "core/base/hashing.hpp"
#include "core/base/log.hpp"
#include "core/base/loop.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <exception>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <iterator>
#include <memory>
#include <netdb.h>
#include <openssl/evp.h>

namespace ov2ha::store {
namespace {

// How often deadlines are checked, at most.
constexpr uint64_t k_max_tick_ms = 100;
// While Redis stays unreachable, a reminder is logged this often.
constexpr uint64_t k_down_log_interval_ms = 30'000;

const RedisScript& compare_and_delete() {
    static const RedisScript script(
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end "
        "return 0");
    return script;
}

RedisReply copy_reply(const redisReply* reply) {
    RedisReply copy;
    switch (reply->type) {
    case REDIS_REPLY_STRING:
        copy.type = RedisReply::Type::string;
        copy.text.assign(reply->str, reply->len);
        break;
    case REDIS_REPLY_STATUS:
        copy.type = RedisReply::Type::status;
        copy.text.assign(reply->str, reply->len);
        break;
    case REDIS_REPLY_ERROR:
        copy.type = RedisReply::Type::error;
        copy.text.assign(reply->str, reply->len);
        break;
    case REDIS_REPLY_INTEGER:
        copy.type = RedisReply::Type::integer;
        copy.integer = reply->integer;
        break;
    case REDIS_REPLY_ARRAY:
        copy.type = RedisReply::Type::array;
        copy.elements.reserve(reply->elements);
        for (size_t i = 0; i < reply->elements; ++i) {
            copy.elements.push_back(copy_reply(reply->element[i]));
        }
        break;
    default:
        copy.type = RedisReply::Type::nil;
        break;
    }
    return copy;
}

// hiredis's event hooks on libuv, instead of the adapter Debian's hiredis 0.14 ships, for two
// reasons. Its poll callback ignores libuv's error status, which is how libuv reports a refused
// connect or a reset socket (and stops polling): a dead Redis would go unnoticed until a
// deadline; here such a socket goes to hiredis, which reads the error and fails the connection.
// And it asks libuv to poll for writability for every command, which restarts the poll handle
// (two epoll_ctl calls) twice per loop turn and delays the write by a turn; here the commands
// of one turn are written together just before the loop waits again (a prepare handle), and
// writability is polled only while connecting or when the socket is full.
struct LoopEvents {
    redisAsyncContext* context; // null once hiredis has cleaned up
    uv_poll_t poll{};
    uv_prepare_t flush{};
    bool reading = false;       // hiredis wants replies
    bool writing = false;       // hiredis has commands to write
    bool wait_writable = false; // connecting, or the socket was full: poll for writability
    int polled = 0;             // what the poll handle watches now
    int open_handles = 2;       // freed when both have closed
};

void on_poll(uv_poll_t* poll, int status, int ready);

void update_poll(LoopEvents* events) {
    const int wanted = (events->reading ? UV_READABLE : 0) |
                       (events->writing && events->wait_writable ? UV_WRITABLE : 0);
    if (wanted == events->polled) {
        return;
    }
    events->polled = wanted;
    if (wanted) {
        uv_poll_start(&events->poll, wanted, on_poll);
    } else {
        uv_poll_stop(&events->poll);
    }
}

void on_poll(uv_poll_t* poll, int status, int ready) {
    auto* events = static_cast<LoopEvents*>(poll->data);
    if (!events->context) {
        return;
    }
    if (status < 0) {
        events->polled = 0; // libuv stopped watching the socket
        if (events->context->c.flags & REDIS_CONNECTED) {
            redisAsyncHandleRead(events->context);
        } else {
            redisAsyncHandleWrite(events->context);
        }
    } else {
        if (ready & UV_READABLE) {
            redisAsyncHandleRead(events->context);
        }
        if (events->context && (ready & UV_WRITABLE)) {
            redisAsyncHandleWrite(events->context);
        }
    }
    if (events->context) {
        update_poll(events);
    }
}

void on_flush(uv_prepare_t* flush) {
    auto* events = static_cast<LoopEvents*>(flush->data);
    uv_prepare_stop(flush);
    if (!events->context || !events->writing) {
        return;
    }
    redisAsyncHandleWrite(events->context);
    if (events->context && events->writing) {
        // Not all of it went out: wait until the socket takes more.
        uv_prepare_stop(flush);
        events->wait_writable = true;
        update_poll(events);
    }
}

void add_read(void* data) {
    auto* events = static_cast<LoopEvents*>(data);
    events->reading = true;
    update_poll(events);
}

void del_read(void* data) {
    auto* events = static_cast<LoopEvents*>(data);
    events->reading = false;
    update_poll(events);
}

void add_write(void* data) {
    auto* events = static_cast<LoopEvents*>(data);
    events->writing = true;
    if (!(events->context->c.flags & REDIS_CONNECTED)) {
        events->wait_writable = true; // writability tells that the connection is made
    }
    if (events->wait_writable) {
        update_poll(events);
    } else {
        uv_prepare_start(&events->flush, on_flush);
    }
}

void del_write(void* data) {
    auto* events = static_cast<LoopEvents*>(data);
    events->writing = false;
    events->wait_writable = false;
    uv_prepare_stop(&events->flush);
    update_poll(events);
}

void cleanup_events(void* data) {
    auto* events = static_cast<LoopEvents*>(data);
    events->context = nullptr;
    const auto closed = [](uv_handle_t* handle) {
        auto* owner = static_cast<LoopEvents*>(handle->data);
        if (--owner->open_handles == 0) {
            delete owner;
        }
    };
    uv_close(reinterpret_cast<uv_handle_t*>(&events->poll), closed);
    uv_close(reinterpret_cast<uv_handle_t*>(&events->flush), closed);
}

// Hooks `context` onto `loop`; on failure nothing is attached.
bool attach(redisAsyncContext* context, uv_loop_t* loop) {
    auto* events = new LoopEvents{context};
    if (uv_poll_init(loop, &events->poll, context->c.fd) != 0) {
        delete events;
        return false;
    }
    uv_prepare_init(loop, &events->flush);
    events->poll.data = events;
    events->flush.data = events;
    context->ev.data = events;
    context->ev.addRead = add_read;
    context->ev.delRead = del_read;
    context->ev.addWrite = add_write;
    context->ev.delWrite = del_write;
    context->ev.cleanup = cleanup_events;
    return true;
}

bool numeric_address(const std::string& host) {
    unsigned char buffer[sizeof(in6_addr)];
    return inet_pton(AF_INET, host.c_str(), buffer) == 1 ||
           inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

} // namespace

RedisScript::RedisScript(const char* text) : m_text(text) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    // SHA-1 is always available in OpenSSL; EVALSHA names scripts by it, no security involved.
    EVP_Digest(m_text.data(), m_text.size(), digest, &length, EVP_sha1(), nullptr);
    m_sha1 = hex_lower(std::string_view(reinterpret_cast<const char*>(digest), length));
}

struct RedisClient::Pending {
    RedisClient* client;
    RedisCallback done;
};

struct RedisClient::Lookup {
    uv_getaddrinfo_t request{};
    RedisClient* client; // null once the client closed
};

RedisClient::RedisClient(uv_loop_t* loop, RedisSettings settings)
    : m_loop(loop), m_settings(std::move(settings)), m_reconnect(loop), m_deadlines(loop),
      m_backoff(m_settings.reconnect_min) {
    m_reconnect.get()->data = this;
    m_deadlines.get()->data = this;
}

RedisClient::~RedisClient() {
    close();
}

void RedisClient::start() {
    if (m_started || m_closed) {
        return;
    }
    m_started = true;
    const uint64_t tick = std::clamp<uint64_t>(m_settings.timeout.count() / 4, 1, k_max_tick_ms);
    uv_timer_start(
        m_deadlines.get(),
        [](uv_timer_t* timer) { static_cast<RedisClient*>(timer->data)->check_deadlines(); }, tick,
        tick);
    connect();
}

std::string RedisClient::unavailable_text() const {
    const std::string where = "Redis at " + m_settings.address.describe();
    if (m_closed) {
        return where + " is not in use: the server is shutting down";
    }
    return where + " is unavailable (" +
           (m_last_error.empty() ? std::string("not connected yet") : m_last_error) +
           "); reconnecting";
}

namespace {

// The RESP request for `arguments`, written here rather than with hiredis's printf-like
// formatter, which costs more than everything else a command does on this side.
template <class Arguments> std::string resp_request(const Arguments& arguments) {
    size_t size = 16;
    for (const auto& argument : arguments) {
        size += argument.size() + 16;
    }
    std::string request;
    request.reserve(size);
    request += '*';
    request += std::to_string(arguments.size());
    request += "\r\n";
    for (const auto& argument : arguments) {
        request += '$';
        request += std::to_string(argument.size());
        request += "\r\n";
        request += argument;
        request += "\r\n";
    }
    return request;
}

} // namespace

void RedisClient::command(std::vector<std::string> arguments, RedisCallback done) {
    send(resp_request(arguments), std::move(done));
}

void RedisClient::command(std::initializer_list<std::string_view> arguments, RedisCallback done) {
    send(resp_request(arguments), std::move(done));
}

void RedisClient::send(std::string request, RedisCallback done) {
    if (m_closed || !m_context) {
        ++m_errors;
        if (done) {
            done(failure(unavailable_text()));
        }
        return;
    }
    auto* pending = new Pending{this, std::move(done)};
    if (redisAsyncFormattedCommand(m_context, on_reply, pending, request.data(), request.size()) !=
        REDIS_OK) {
        std::unique_ptr<Pending> owned(pending);
        ++m_errors;
        if (owned->done) {
            owned->done(failure(unavailable_text()));
        }
        return;
    }
    m_sent_at.push_back(uv_now(m_loop));
}

void RedisClient::evaluate(const RedisScript& script, std::vector<std::string> keys,
                           std::vector<std::string> arguments, RedisCallback done) {
    std::vector<std::string> command{"EVALSHA", script.sha1(), std::to_string(keys.size())};
    command.reserve(3 + keys.size() + arguments.size());
    std::move(keys.begin(), keys.end(), std::back_inserter(command));
    std::move(arguments.begin(), arguments.end(), std::back_inserter(command));
    auto retry = command; // kept for the rare NOSCRIPT answer
    this->command(std::move(command), [this, &script, retry = std::move(retry),
                                       done = std::move(done)](Result<RedisReply> reply) mutable {
        if (reply || reply.message().find("NOSCRIPT") == std::string::npos) {
            done(std::move(reply));
            return;
        }
        retry[0] = "EVAL";
        retry[1] = script.text();
        this->command(std::move(retry), std::move(done));
    });
}

void RedisClient::on_reply(redisAsyncContext* context, void* reply, void* data) {
    std::unique_ptr<Pending> pending(static_cast<Pending*>(data));
    RedisClient* self = pending->client;
    if (!self->m_sent_at.empty()) {
        self->m_sent_at.pop_front();
    }
    Result<RedisReply> result = failure("");
    if (!reply) {
        const std::string why = context->err ? context->errstr : self->m_last_error;
        result = failure("Redis at " + self->m_settings.address.describe() + " did not answer (" +
                         (why.empty() ? "connection closed" : why) + ")");
    } else if (static_cast<redisReply*>(reply)->type == REDIS_REPLY_ERROR) {
        const auto* error = static_cast<redisReply*>(reply);
        result = failure("Redis answered with an error: " + std::string(error->str, error->len));
    } else {
        result = copy_reply(static_cast<redisReply*>(reply));
    }
    if (!result) {
        ++self->m_errors;
    }
    if (!pending->done) {
        return;
    }
    try {
        pending->done(std::move(result));
    } catch (const std::exception& error) {
        log::error("Redis reply handler failed", {{"error", error.what()}});
    } catch (...) {
        log::error("Redis reply handler failed", {{"error", "unknown exception"}});
    }
}

void RedisClient::connect() {
    if (m_closed || m_context || m_lookup) {
        return;
    }
    const std::string& host = m_settings.address.host;
    if (numeric_address(host)) {
        connect_to(host);
        return;
    }
    // Names are resolved on libuv's thread pool: getaddrinfo blocks.
    auto* lookup = new Lookup{{}, this};
    lookup->request.data = lookup;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    const int rc =
        uv_getaddrinfo(m_loop, &lookup->request, on_resolved, host.c_str(), nullptr, &hints);
    if (rc != 0) {
        delete lookup;
        connection_failed(uv_error_text(("resolve " + host).c_str(), rc));
        return;
    }
    m_lookup = lookup;
}

void RedisClient::on_resolved(uv_getaddrinfo_t* request, int status, addrinfo* result) {
    std::unique_ptr<Lookup> lookup(static_cast<Lookup*>(request->data));
    RedisClient* self = lookup->client;
    std::string ip;
    if (status == 0 && result) {
        char text[INET6_ADDRSTRLEN] = {};
        const void* address =
            result->ai_family == AF_INET6
                ? static_cast<const void*>(
                      &reinterpret_cast<sockaddr_in6*>(result->ai_addr)->sin6_addr)
                : static_cast<const void*>(
                      &reinterpret_cast<sockaddr_in*>(result->ai_addr)->sin_addr);
        if (inet_ntop(result->ai_family, address, text, sizeof text)) {
            ip = text;
        }
    }
    uv_freeaddrinfo(result);
    if (!self) {
        return;
    }
    self->m_lookup = nullptr;
    if (ip.empty()) {
        self->connection_failed(
            status != 0
                ? uv_error_text(("resolve " + self->m_settings.address.host).c_str(), status)
                : "cannot resolve " + self->m_settings.address.host);
        return;
    }
    self->connect_to(ip);
}

void RedisClient::connect_to(const std::string& ip) {
    redisAsyncContext* context = redisAsyncConnect(ip.c_str(), m_settings.address.port);
    if (!context) {
        connection_failed("cannot allocate a Redis connection");
        return;
    }
    if (context->err) {
        const std::string why = context->errstr;
        redisAsyncFree(context);
        connection_failed(why);
        return;
    }
    context->data = this;
    if (!attach(context, m_loop)) {
        redisAsyncFree(context);
        connection_failed("cannot watch the Redis socket on the event loop");
        return;
    }
    redisAsyncSetConnectCallback(context, on_connect);
    redisAsyncSetDisconnectCallback(context, on_disconnect);
    m_context = context;
    m_ready = false;
    m_connecting_since = uv_now(m_loop);
    prepare_connection();
}

void RedisClient::prepare_connection() {
    // Queued first, so they run before any command sent while connecting.
    const auto check = [this](const char* what) {
        return [this, what](Result<RedisReply> reply) {
            if (!reply && m_context) {
                drop(std::string(what) + " failed: " + reply.message());
            }
        };
    };
    if (!m_settings.password.empty()) {
        command({"AUTH", m_settings.password}, check("AUTH"));
    }
    if (m_settings.address.database != 0) {
        command({"SELECT", std::to_string(m_settings.address.database)}, check("SELECT"));
    }
}

void RedisClient::on_connect(const redisAsyncContext* context, int status) {
    auto* self = static_cast<RedisClient*>(context->data);
    if (self->m_context != context) {
        return;
    }
    if (status != REDIS_OK) {
        // hiredis frees the context after this callback and fails its queued commands.
        self->m_context = nullptr;
        self->m_sent_at.clear();
        self->connection_failed(context->errstr);
        return;
    }
    self->m_ready = true;
    self->m_backoff = self->m_settings.reconnect_min;
    self->m_down_logged = false;
    log::info(self->m_ever_connected ? "Redis connection restored" : "Redis connected",
              {{"redis", self->m_settings.address.describe()}});
    self->m_ever_connected = true;
    self->m_last_error.clear();
}

void RedisClient::on_disconnect(const redisAsyncContext* context, int status) {
    auto* self = static_cast<RedisClient*>(context->data);
    if (self->m_context != context) {
        return; // dropped on purpose; drop() has done the bookkeeping
    }
    self->m_context = nullptr;
    self->m_ready = false;
    self->m_sent_at.clear();
    ++self->m_connections_lost;
    ++self->m_errors;
    const std::string why = status == REDIS_OK || !context->err
                                ? std::string("Redis closed the connection")
                                : std::string(context->errstr);
    self->note_down("Redis connection lost: " + why);
    self->schedule_reconnect();
}

void RedisClient::connection_failed(const std::string& reason) {
    ++m_errors;
    note_down("cannot connect to Redis: " + reason);
    schedule_reconnect();
}

void RedisClient::note_down(const std::string& reason) {
    m_last_error = reason;
    const uint64_t now = uv_now(m_loop);
    if (!m_down_logged || now - m_last_down_log >= k_down_log_interval_ms) {
        log::warn(m_down_logged ? "Redis still unavailable" : "Redis unavailable",
                  {{"redis", m_settings.address.describe()}, {"error", reason}});
        m_down_logged = true;
        m_last_down_log = now;
    }
}

void RedisClient::drop(const std::string& reason) {
    redisAsyncContext* context = m_context;
    if (!context) {
        return;
    }
    const bool was_ready = m_ready;
    m_context = nullptr;
    m_ready = false;
    m_last_error = reason;
    if (was_ready) {
        ++m_connections_lost;
    }
    // Runs every queued callback with no reply (they read m_last_error), now or, when called
    // from inside a hiredis callback, as soon as that returns.
    redisAsyncFree(context);
    m_sent_at.clear();
    if (!m_closed) {
        ++m_errors;
        note_down(reason);
        schedule_reconnect();
    }
}

void RedisClient::schedule_reconnect() {
    if (m_closed) {
        return;
    }
    const auto delay = static_cast<uint64_t>(m_backoff.count());
    m_backoff = std::min(m_backoff * 2, m_settings.reconnect_max);
    uv_timer_start(
        m_reconnect.get(),
        [](uv_timer_t* timer) { static_cast<RedisClient*>(timer->data)->connect(); }, delay, 0);
}

void RedisClient::check_deadlines() {
    if (!m_context) {
        return;
    }
    const uint64_t now = uv_now(m_loop);
    const auto limit = static_cast<uint64_t>(m_settings.timeout.count());
    if (!m_ready && now - m_connecting_since > limit) {
        drop("no connection within " + std::to_string(limit) + " ms");
    } else if (!m_sent_at.empty() && now - m_sent_at.front() > limit) {
        drop("no answer within " + std::to_string(limit) + " ms");
    }
}

void RedisClient::close() {
    if (m_closed) {
        return;
    }
    m_closed = true;
    m_reconnect.close();
    m_deadlines.close();
    if (m_lookup) {
        m_lookup->client = nullptr;
        uv_cancel(reinterpret_cast<uv_req_t*>(&m_lookup->request));
        m_lookup = nullptr;
    }
    if (m_context) {
        drop("the client is closing");
    }
}

void delete_if_equal(RedisClient& client, std::string key, std::string expected,
                     std::function<void(Result<bool>)> done) {
    client.evaluate(compare_and_delete(), {std::move(key)}, {std::move(expected)},
                    [done = std::move(done)](Result<RedisReply> reply) {
                        if (!reply) {
                            done(reply.error());
                            return;
                        }
                        done(reply->type == RedisReply::Type::integer && reply->integer == 1);
                    });
}

} // namespace ov2ha::store
