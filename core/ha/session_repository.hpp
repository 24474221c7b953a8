// Sessions as the controller uses them, kept in the Redis store: Session values in, Session
// values out (the heartbeat key's newer time and chunk merged in), each change one atomic
// store call. Loop thread only.
#pragma once

#include "core/base/result.hpp"
#include "core/ha/session.hpp"
#include "core/store/redis_store.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ov2ha::ha {

// A session with the exact text it was read from, so that a later removal can insist that
// nobody changed it in between.
struct StoredSession {
    Session session;
    store::SessionRecord record;
};

// Callbacks run once on the loop thread, possibly inside the call when Redis is unavailable;
// a failure's words say what went wrong with Redis. None may throw.
class SessionRepository {
  public:
    // Uses `store`, which must outlive the repository's calls.
    explicit SessionRepository(store::RedisStore& store) : m_store(store) {}

    // Stores a new session: false when one with its id exists.
    void create(const Session& session, std::function<void(Result<bool>)> done);
    // The session `id`, or nullopt.
    void get(const std::string& id, std::function<void(Result<std::optional<Session>>)> done);
    // A heartbeat at `time`, with the last closed chunk when the recorder sent one: false when
    // there is no such session.
    void heartbeat(const std::string& id, const std::string& time,
                   const std::optional<std::string>& chunk, std::function<void(Result<bool>)> done);
    // Applies `change` to `id` atomically: false when there is no such session.
    void change(const std::string& id, const SessionChange& change,
                std::function<void(Result<bool>)> done);
    // Removes `id`: false when there was none.
    void remove(const std::string& id, std::function<void(Result<bool>)> done);
    // Removes `stored` only if nobody changed it since it was read.
    void remove_if_unchanged(const StoredSession& stored, std::function<void(Result<bool>)> done);
    // Every session; stored values that do not parse are skipped and logged.
    void list(std::function<void(Result<std::vector<StoredSession>>)> done);

  private:
    store::RedisStore& m_store;
};

// The store's field updates for `change`.
std::vector<store::FieldUpdate> field_updates(const SessionChange& change);

// The session in `record`: its JSON, with lastHeartbeat and lastChunk taken from the heartbeat
// key when that is newer. Fails with words when the JSON cannot be read.
Result<Session> session_from_record(const store::SessionRecord& record);

} // namespace ov2ha::ha
