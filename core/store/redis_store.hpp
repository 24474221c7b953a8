// The sessions in Redis: "session:<id>" holds one session's JSON with a TTL refreshed on every
// write. Listings walk the keys with SCAN (never KEYS); a change is one Lua script, so each
// request is one round trip and concurrent changes to one session cannot lose each other.
// Knows keys and JSON text, not what a session means. Loop thread only.
#pragma once

#include "core/base/result.hpp"
#include "core/store/redis_client.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ov2ha::store {

// One field a change sets in the stored JSON object.
struct FieldUpdate {
    enum class Kind { text, boolean, null };
    std::string name;
    Kind kind = Kind::text;
    std::string value; // the text; "1" or "0" for a boolean; ignored for null
};

// Callbacks run once on the loop thread, possibly inside the call when Redis is unavailable.
// Each failure's words say what went wrong with Redis. None may throw.
class RedisStore {
  public:
    // Uses `client`, which must outlive the store; keys live `ttl` after each write.
    RedisStore(RedisClient& client, std::chrono::seconds ttl);

    // "session:<id>".
    static std::string session_key(std::string_view id);

    // Stores `json` under `id` unless the key exists (SET NX EX): true when stored.
    void create(const std::string& id, std::string json, std::function<void(Result<bool>)> done);

    // The stored JSON of `id`, or nullopt when there is none.
    void get(const std::string& id, std::function<void(Result<std::optional<std::string>>)> done);

    // Sets `updates` in the stored object of `id` and refreshes its TTL, atomically; false
    // when there is no such session.
    void update(const std::string& id, std::vector<FieldUpdate> updates,
                std::function<void(Result<bool>)> done);

    // Deletes `id`; false when there was nothing to delete.
    void remove(const std::string& id, std::function<void(Result<bool>)> done);

    // Deletes `id` only while it still holds exactly `json` (what the caller inspected).
    void remove_if_unchanged(const std::string& id, std::string json,
                             std::function<void(Result<bool>)> done);

    // Every stored session's JSON, each once, in no particular order.
    void list(std::function<void(Result<std::vector<std::string>>)> done);

  private:
    struct Listing;
    void scan_page(std::shared_ptr<Listing> listing);

    RedisClient& m_client;
    std::string m_ttl_seconds;
};

} // namespace ov2ha::store
