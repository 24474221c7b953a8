// One asynchronous Redis connection on the libuv loop (hiredis's async API, its socket polled
// by libuv): commands with owned replies, a time limit on every answer, and reconnection with
// backoff whenever Redis goes away. Loop thread only.
#pragma once

#include "core/base/addresses.hpp"
#include "core/base/result.hpp"
#include "core/base/uv_handle.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <uv.h>
#include <vector>

struct redisAsyncContext;

namespace ov2ha::store {

// An owned copy of one reply: hiredis frees its own reply object as soon as the callback that
// received it returns, so the client copies it first.
struct RedisReply {
    enum class Type { nil, string, integer, array, status, error };
    Type type = Type::nil;
    std::string text; // string, status and (nested) error replies
    long long integer = 0;
    std::vector<RedisReply> elements;
};

struct RedisSettings {
    RedisAddress address;
    std::string password; // sent with AUTH when not empty; never logged
    // How long a connection attempt, or the oldest command in flight, may take before the
    // connection is dropped (its commands fail) and made again.
    std::chrono::milliseconds timeout{2000};
    std::chrono::milliseconds reconnect_min{50};
    std::chrono::milliseconds reconnect_max{2000};
};

// A Lua script sent by its SHA-1 (EVALSHA), and in full only when Redis does not know it yet.
class RedisScript {
  public:
    // Computes the SHA-1 of `text` once; `text` must outlive the script (a literal).
    explicit RedisScript(const char* text);
    const std::string& text() const { return m_text; }
    const std::string& sha1() const { return m_sha1; }

  private:
    std::string m_text;
    std::string m_sha1;
};

// Receives one command's outcome on the loop thread: the reply, or words saying why there is
// none (Redis unreachable, too slow, or an error reply). Must not throw.
using RedisCallback = std::function<void(Result<RedisReply>)>;

// The one connection the controller shares between all its requests, pipelined.
class RedisClient {
  public:
    // Prepares a client for `loop`; nothing connects before start().
    RedisClient(uv_loop_t* loop, RedisSettings settings);
    // Closes (see close()).
    ~RedisClient();
    RedisClient(const RedisClient&) = delete;
    RedisClient& operator=(const RedisClient&) = delete;

    // Starts connecting; from then on the client reconnects by itself until close().
    void start();

    // Sends one command (binary-safe arguments). `done` runs exactly once: later with the reply,
    // or at once, inside this call, when there is no connection to send it on; an empty `done`
    // drops the reply. Commands sent while a connection is being made wait for it.
    void command(std::vector<std::string> arguments, RedisCallback done);
    // The same for arguments that need not be copied first (the hot paths).
    void command(std::initializer_list<std::string_view> arguments, RedisCallback done);

    // Runs `script` (which must outlive the call: a static) with `keys` and `arguments`
    // (EVALSHA, then EVAL if Redis answers NOSCRIPT); `done` as for command().
    void evaluate(const RedisScript& script, std::vector<std::string> keys,
                  std::vector<std::string> arguments, RedisCallback done);

    // True while a connection is up.
    bool connected() const { return m_context && m_ready; }
    // Why Redis cannot be used right now, in words, for an API error.
    std::string unavailable_text() const;
    // Commands that failed (any reason) and connections lost, since start.
    uint64_t errors() const { return m_errors; }
    uint64_t connections_lost() const { return m_connections_lost; }

    // Fails every command in flight, drops the connection and closes every handle; the loop
    // must run afterwards for their memory to go. Later commands fail at once.
    void close();

  private:
    struct Pending;
    struct Lookup;

    static void on_reply(redisAsyncContext* context, void* reply, void* data);
    static void on_connect(const redisAsyncContext* context, int status);
    static void on_disconnect(const redisAsyncContext* context, int status);
    static void on_resolved(uv_getaddrinfo_t* request, int status, addrinfo* result);

    void send(std::string request, RedisCallback done);
    void connect();
    void connect_to(const std::string& ip);
    void prepare_connection();
    void connection_failed(const std::string& reason);
    void drop(const std::string& reason);
    void schedule_reconnect();
    void check_deadlines();
    void note_down(const std::string& reason);

    uv_loop_t* m_loop;
    RedisSettings m_settings;
    redisAsyncContext* m_context = nullptr; // freed by hiredis or by drop()/close()
    Lookup* m_lookup = nullptr;             // freed by its callback
    UvHandle<uv_timer_t> m_reconnect;
    UvHandle<uv_timer_t> m_deadlines;
    bool m_ready = false;
    bool m_closed = false;
    bool m_started = false;
    bool m_ever_connected = false;
    bool m_down_logged = false;
    uint64_t m_connecting_since = 0;
    uint64_t m_last_down_log = 0;
    std::chrono::milliseconds m_backoff;
    std::deque<uint64_t> m_sent_at; // loop time of each command in flight, oldest first
    std::string m_last_error;
    uint64_t m_errors = 0;
    uint64_t m_connections_lost = 0;
};

// Deletes `key` only while it still holds `expected` (one Lua script, atomic): a lock's owner
// releases it, a cleanup removes only what it inspected. `done` gets whether it deleted.
void delete_if_equal(RedisClient& client, std::string key, std::string expected,
                     std::function<void(Result<bool>)> done);

} // namespace ov2ha::store
