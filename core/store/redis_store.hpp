// The sessions in Redis. "session:<id>" holds one session's JSON; "heartbeat:<id>" holds
// "<time>|<lastChunk>", the only fields that change every few seconds, so that a heartbeat is a
// plain SET (with XX: only for a session that exists) instead of a script that rewrites the
// JSON: in Redis 7 a Lua call costs as much as ten SETs. Both keys carry the TTL, refreshed on
// every write; a heartbeat refreshes its own key's and, once every eighth of the TTL, the
// session key's too (an EXPIRE in the same round trip). Listings walk the keys with SCAN
// (never KEYS). Changes to
// the JSON are one Lua script each, run by its SHA-1: one round trip and atomic, so concurrent
// changes cannot lose each other (WATCH cannot do that on one shared, pipelined connection).
// Knows keys and text, not what a session means. Loop thread only.
#pragma once

#include "core/base/result.hpp"
#include "core/store/redis_client.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ov2ha::store {

// One top-level field a change sets in the stored JSON object (compact JSON whose values are
// strings, booleans or null, as the repository writes it).
struct FieldUpdate {
    std::string name;
    std::string json; // the new value as a JSON token: "\"0007.mp4\"", "false", "null"
};

// What the two keys of one session hold.
struct SessionRecord {
    std::string json;            // session:<id>
    std::string heartbeat;       // heartbeat:<id> exactly; empty when it is missing
    std::string heartbeat_time;  // its time part
    std::string heartbeat_chunk; // its lastChunk part; empty when none was reported
};

// The session keys over one RedisClient. Callbacks run once on the loop thread, possibly inside
// the call when Redis is unavailable. Each failure's words say what went wrong with Redis. None
// may throw.
class RedisStore {
  public:
    // Uses `client`, which must outlive the store and close before it; keys live `ttl` after
    // each write.
    RedisStore(RedisClient& client, std::chrono::seconds ttl);

    // "session:<id>" and "heartbeat:<id>".
    static std::string session_key(std::string_view id);
    static std::string heartbeat_key(std::string_view id);

    // Stores `json` and the heartbeat (`time`, no chunk) of `id` unless the session exists:
    // true when stored.
    void create(const std::string& id, std::string json, std::string time,
                std::function<void(Result<bool>)> done);

    // Both keys of `id`, or nullopt when there is no session.
    void get(const std::string& id, std::function<void(Result<std::optional<SessionRecord>>)> done);

    // Records a heartbeat at `time` with `chunk` (kept as it was when empty) and refreshes both
    // TTLs: false when there is no such session. With a chunk this is SET XX plus EXPIRE in one
    // round trip; without one (or when the heartbeat key went missing), a small script.
    void heartbeat(const std::string& id, std::string time, std::string chunk,
                   std::function<void(Result<bool>)> done);

    // Sets `updates` in the stored JSON of `id`, sets the heartbeat time to `time` and
    // refreshes both TTLs, atomically: false when there is no such session.
    void update(const std::string& id, std::vector<FieldUpdate> updates, std::string time,
                std::function<void(Result<bool>)> done);

    // Deletes both keys of `id`: false when there was no session.
    void remove(const std::string& id, std::function<void(Result<bool>)> done);

    // Deletes both keys of `id` only while they still hold exactly `record` (what the caller
    // inspected).
    void remove_if_unchanged(const std::string& id, const SessionRecord& record,
                             std::function<void(Result<bool>)> done);

    // Every session, each once, in no particular order, one SCAN page at a time: `page` runs
    // with each page's sessions (so that a large listing never holds the loop for long), then
    // `done` once, with success or why the listing stopped.
    void list(std::function<void(std::vector<SessionRecord>)> page,
              std::function<void(Status)> done);

  private:
    struct Listing;
    using Clock = std::chrono::steady_clock;

    void scan_page(std::shared_ptr<Listing> listing);
    // True (and noted) when this process last refreshed the TTL of session `id` an eighth of
    // the TTL ago or longer, or never.
    bool session_ttl_due(const std::string& id);

    RedisClient& m_client;
    std::chrono::seconds m_ttl;
    std::string m_ttl_seconds;
    std::unordered_map<std::string, Clock::time_point> m_ttl_refreshed;
};

// Splits a heartbeat:<id> value into `record`'s time and chunk parts.
void split_heartbeat(std::string value, SessionRecord& record);

} // namespace ov2ha::store
