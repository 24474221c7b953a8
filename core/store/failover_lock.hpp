// The failover lock: "lock:failover:<id>" taken with SET NX PX and a random token, released
// only by the holder of that token (compare-and-delete), so that of several controllers sharing
// one Redis exactly one acts on a failed recorder. Loop thread only.
#pragma once

#include "core/base/result.hpp"
#include "core/store/redis_client.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ov2ha::store {

// Callbacks run once on the loop thread, possibly inside the call when Redis is unavailable;
// none may throw.
class FailoverLock {
  public:
    // Uses `client`, which must outlive the lock's commands.
    explicit FailoverLock(RedisClient& client) : m_client(client) {}

    // "lock:failover:<id>".
    static std::string key(std::string_view id);

    // Takes the lock of `id` for `ttl` unless someone holds it: the token to release it with,
    // or nullopt when it is taken.
    void acquire(const std::string& id, std::chrono::milliseconds ttl,
                 std::function<void(Result<std::optional<std::string>>)> done);

    // Releases the lock of `id` if `token` still holds it: true when released, false when it
    // had expired or belongs to someone else (then it is left alone).
    void release(const std::string& id, std::string token, std::function<void(Result<bool>)> done);

  private:
    RedisClient& m_client;
};

// 32 hex digits from OpenSSL's random generator; fails only when it has no entropy.
Result<std::string> random_token();

} // namespace ov2ha::store
