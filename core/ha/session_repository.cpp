// Sessions over the Redis store; see session_repository.hpp.
#include "core/ha/session_repository.hpp"

#include "core/base/json_text.hpp"
#include "core/base/log.hpp"

namespace ov2ha::ha {

std::vector<store::FieldUpdate> field_updates(const SessionChange& change) {
    std::vector<store::FieldUpdate> updates{{"lastHeartbeat", json_quote(change.last_heartbeat)}};
    std::optional<bool> active = change.active;
    if (change.status) {
        updates.push_back({"status", json_quote(status_word(*change.status))});
        if (!active) {
            active = keeps_session_active(*change.status);
        }
    }
    if (active) {
        updates.push_back({"active", *active ? "true" : "false"});
    }
    if (change.recording_path) {
        updates.push_back({"recordingPath", json_quote(*change.recording_path)});
    }
    return updates;
}

Result<Session> session_from_record(const store::SessionRecord& record) {
    auto session = parse_session(record.json);
    if (!session) {
        return session;
    }
    // "yyyy-MM-dd HH:mm:ss" sorts as it runs.
    if (record.heartbeat_time > session->last_heartbeat) {
        session->last_heartbeat = record.heartbeat_time;
    }
    if (!record.heartbeat_chunk.empty()) {
        session->last_chunk = record.heartbeat_chunk;
    }
    return session;
}

void SessionRepository::create(const Session& session, std::function<void(Result<bool>)> done) {
    m_store.create(session.session_id, session_json(session), session.last_heartbeat,
                   std::move(done));
}

void SessionRepository::get(const std::string& id,
                            std::function<void(Result<std::optional<Session>>)> done) {
    m_store.get(id, [done = std::move(done)](Result<std::optional<store::SessionRecord>> stored) {
        if (!stored) {
            done(stored.error());
            return;
        }
        if (!stored->has_value()) {
            done(std::optional<Session>{});
            return;
        }
        auto session = session_from_record(**stored);
        if (!session) {
            done(failure("the stored session cannot be read: " + session.message()));
            return;
        }
        done(std::optional<Session>(std::move(*session)));
    });
}

void SessionRepository::heartbeat(const std::string& id, const std::string& time,
                                  const std::optional<std::string>& chunk,
                                  std::function<void(Result<bool>)> done) {
    m_store.heartbeat(id, time, chunk.value_or(""), std::move(done));
}

void SessionRepository::change(const std::string& id, const SessionChange& change,
                               std::function<void(Result<bool>)> done) {
    m_store.update(id, field_updates(change), change.last_heartbeat, std::move(done));
}

void SessionRepository::remove(const std::string& id, std::function<void(Result<bool>)> done) {
    m_store.remove(id, std::move(done));
}

void SessionRepository::remove_if_unchanged(const StoredSession& stored,
                                            std::function<void(Result<bool>)> done) {
    m_store.remove_if_unchanged(stored.session.session_id, stored.record, std::move(done));
}

void SessionRepository::list(std::function<void(Result<std::vector<StoredSession>>)> done) {
    // Each page is read as it comes, so no single loop turn parses every session.
    auto sessions = std::make_shared<std::vector<StoredSession>>();
    m_store.list(
        [sessions](std::vector<store::SessionRecord> page) {
            for (store::SessionRecord& record : page) {
                auto session = session_from_record(record);
                if (!session) {
                    log::warn("stored session skipped", {{"error", session.message()}});
                    continue;
                }
                sessions->push_back({std::move(*session), std::move(record)});
            }
        },
        [sessions, done = std::move(done)](Status listed) {
            if (!listed) {
                done(listed.error());
                return;
            }
            done(std::move(*sessions));
        });
}

} // namespace ov2ha::ha
