// Sessions in Redis; see redis_store.hpp.
#include "core/store/redis_store.hpp"

#include <memory>
#include <unordered_set>

namespace ov2ha::store {
namespace {

constexpr std::string_view k_session_prefix = "session:";
constexpr std::string_view k_heartbeat_prefix = "heartbeat:";
constexpr const char* k_scan_page = "1000";

// KEYS session, heartbeat; ARGV json, heartbeat value, TTL. 1 when stored, 0 when it exists.
const RedisScript& create_script() {
    static const RedisScript script(
        R"(if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[3]) then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
return 1)");
    return script;
}

// KEYS session, heartbeat; ARGV time, TTL, chunk. Sets the heartbeat to the time and the
// chunk, or keeps the chunk it had when ARGV[3] is empty; makes the heartbeat key again if it
// went missing while the session exists; 0 when the session does not exist.
const RedisScript& heartbeat_script() {
    static const RedisScript script(R"(local beat = redis.call('GET', KEYS[2])
if not beat then
  if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
  beat = '|'
end
local rest = '|' .. ARGV[3]
if ARGV[3] == '' then rest = string.sub(beat, string.find(beat, '|', 1, true) or (#beat + 1)) end
redis.call('SET', KEYS[2], ARGV[1] .. rest, 'EX', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1)");
    return script;
}

// KEYS session, heartbeat; ARGV TTL, time, then (name, JSON token) pairs. Each value after
// "name": in the JSON is replaced (a string up to its closing unescaped quote, a literal up to
// the next ',' or '}'); a field the object lacks is appended. An unescaped '"' followed by ':'
// only occurs where a key ends, so a key is never found inside a string value. The heartbeat
// gets the time and keeps its chunk. 0 when the session does not exist.
const RedisScript& update_script() {
    static const RedisScript script(R"(local text = redis.call('GET', KEYS[1])
if not text then return 0 end
for i = 3, #ARGV, 2 do
  local key = '"' .. ARGV[i] .. '":'
  local at = string.find(text, key, 1, true)
  if at then
    local from = at + #key
    local to
    if string.sub(text, from, from) == '"' then
      to = from
      repeat
        to = string.find(text, '"', to + 1, true)
        local slashes = 0
        while string.byte(text, to - 1 - slashes) == 92 do slashes = slashes + 1 end
      until slashes % 2 == 0
    else
      to = string.find(text, '[,}]', from) - 1
    end
    text = string.sub(text, 1, from - 1) .. ARGV[i + 1] .. string.sub(text, to + 1)
  else
    text = string.sub(text, 1, -2) .. ',' .. key .. ARGV[i + 1] .. '}'
  end
end
redis.call('SET', KEYS[1], text, 'EX', ARGV[1])
local beat = redis.call('GET', KEYS[2]) or '|'
local bar = string.find(beat, '|', 1, true) or (#beat + 1)
redis.call('SET', KEYS[2], ARGV[2] .. string.sub(beat, bar), 'EX', ARGV[1])
return 1)");
    return script;
}

// KEYS session, heartbeat; ARGV the JSON and the heartbeat read before ('' for none). Deletes
// both only when both still hold them.
const RedisScript& remove_unchanged_script() {
    static const RedisScript script(R"(if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if (redis.call('GET', KEYS[2]) or '') ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
return 1)");
    return script;
}

// A reply's integer as "did it happen"; anything but an integer is an unexpected answer.
Result<bool> integer_flag(Result<RedisReply> reply, const char* command) {
    if (!reply) {
        return reply.error();
    }
    if (reply->type != RedisReply::Type::integer) {
        return failure(std::string("Redis answered ") + command + " unexpectedly");
    }
    return reply->integer != 0;
}

// The record in the replies for a session key and its heartbeat key (their texts are moved
// out); nullopt when the session key is missing.
std::optional<SessionRecord> record_of(RedisReply& session, RedisReply& heartbeat) {
    if (session.type != RedisReply::Type::string) {
        return std::nullopt;
    }
    SessionRecord record;
    record.json = std::move(session.text);
    split_heartbeat(heartbeat.type == RedisReply::Type::string ? std::move(heartbeat.text) : "",
                    record);
    return record;
}

} // namespace

void split_heartbeat(std::string value, SessionRecord& record) {
    const size_t bar = value.find('|');
    record.heartbeat_time = value.substr(0, bar);
    record.heartbeat_chunk = bar == std::string::npos ? "" : value.substr(bar + 1);
    record.heartbeat = std::move(value);
}

struct RedisStore::Listing {
    std::string cursor = "0";
    std::unordered_set<std::string> seen;
    std::function<void(std::vector<SessionRecord>)> page;
    std::function<void(Status)> done;
};

RedisStore::RedisStore(RedisClient& client, std::chrono::seconds ttl)
    : m_client(client), m_ttl(ttl), m_ttl_seconds(std::to_string(ttl.count())) {}

bool RedisStore::session_ttl_due(const std::string& id) {
    const Clock::time_point now = Clock::now();
    const auto every = m_ttl / 8;
    const auto found = m_ttl_refreshed.find(id);
    if (found != m_ttl_refreshed.end() && now - found->second < every) {
        return false;
    }
    if (found != m_ttl_refreshed.end()) {
        found->second = now;
        return true;
    }
    // Sessions removed elsewhere leave entries behind: past this many, the old ones go.
    constexpr size_t k_prune_above = 100'000;
    if (m_ttl_refreshed.size() >= k_prune_above) {
        std::erase_if(m_ttl_refreshed,
                      [&](const auto& entry) { return now - entry.second >= every; });
    }
    m_ttl_refreshed.emplace(id, now);
    return true;
}

std::string RedisStore::session_key(std::string_view id) {
    return std::string(k_session_prefix) + std::string(id);
}

std::string RedisStore::heartbeat_key(std::string_view id) {
    return std::string(k_heartbeat_prefix) + std::string(id);
}

void RedisStore::create(const std::string& id, std::string json, std::string time,
                        std::function<void(Result<bool>)> done) {
    m_client.evaluate(create_script(), {session_key(id), heartbeat_key(id)},
                      {std::move(json), std::move(time) + "|", m_ttl_seconds},
                      [done = std::move(done)](Result<RedisReply> reply) {
                          done(integer_flag(std::move(reply), "the session creation"));
                      });
}

void RedisStore::get(const std::string& id,
                     std::function<void(Result<std::optional<SessionRecord>>)> done) {
    m_client.command({"MGET", session_key(id), heartbeat_key(id)},
                     [done = std::move(done)](Result<RedisReply> reply) {
                         if (!reply) {
                             done(reply.error());
                             return;
                         }
                         if (reply->elements.size() != 2) {
                             done(failure("Redis answered MGET unexpectedly"));
                             return;
                         }
                         done(record_of(reply->elements[0], reply->elements[1]));
                     });
}

void RedisStore::heartbeat(const std::string& id, std::string time, std::string chunk,
                           std::function<void(Result<bool>)> done) {
    const auto by_script = [this, id](std::string time, std::string chunk,
                                      std::function<void(Result<bool>)> done) {
        m_client.evaluate(heartbeat_script(), {session_key(id), heartbeat_key(id)},
                          {std::move(time), m_ttl_seconds, std::move(chunk)},
                          [done = std::move(done)](Result<RedisReply> reply) {
                              done(integer_flag(std::move(reply), "the heartbeat"));
                          });
    };
    if (chunk.empty()) {
        by_script(std::move(time), "", std::move(done));
        return;
    }
    const std::string key = heartbeat_key(id);
    const std::string value = time + "|" + chunk;
    m_client.command({"SET", key, value, "XX", "EX", m_ttl_seconds},
                     [by_script, time = std::move(time), chunk = std::move(chunk),
                      done = std::move(done)](Result<RedisReply> reply) mutable {
                         if (!reply) {
                             done(reply.error());
                         } else if (reply->type == RedisReply::Type::status) {
                             done(true);
                         } else {
                             // No heartbeat key: no session, or one whose key went missing.
                             by_script(std::move(time), std::move(chunk), std::move(done));
                         }
                     });
    if (session_ttl_due(id)) {
        // Pipelined behind the SET; a session removed in between makes it a harmless 0.
        const std::string session = session_key(id);
        m_client.command({"EXPIRE", session, m_ttl_seconds}, nullptr);
    }
}

void RedisStore::update(const std::string& id, std::vector<FieldUpdate> updates, std::string time,
                        std::function<void(Result<bool>)> done) {
    std::vector<std::string> arguments{m_ttl_seconds, std::move(time)};
    arguments.reserve(2 + 2 * updates.size());
    for (FieldUpdate& field : updates) {
        arguments.push_back(std::move(field.name));
        arguments.push_back(std::move(field.json));
    }
    m_client.evaluate(update_script(), {session_key(id), heartbeat_key(id)}, std::move(arguments),
                      [done = std::move(done)](Result<RedisReply> reply) {
                          done(integer_flag(std::move(reply), "the session update"));
                      });
}

void RedisStore::remove(const std::string& id, std::function<void(Result<bool>)> done) {
    m_ttl_refreshed.erase(id);
    m_client.command({"DEL", session_key(id), heartbeat_key(id)},
                     [done = std::move(done)](Result<RedisReply> reply) {
                         done(integer_flag(std::move(reply), "DEL"));
                     });
}

void RedisStore::remove_if_unchanged(const std::string& id, const SessionRecord& record,
                                     std::function<void(Result<bool>)> done) {
    m_client.evaluate(remove_unchanged_script(), {session_key(id), heartbeat_key(id)},
                      {record.json, record.heartbeat},
                      [done = std::move(done)](Result<RedisReply> reply) {
                          done(integer_flag(std::move(reply), "the conditional removal"));
                      });
}

void RedisStore::list(std::function<void(std::vector<SessionRecord>)> page,
                      std::function<void(Status)> done) {
    auto listing = std::make_shared<Listing>();
    listing->page = std::move(page);
    listing->done = std::move(done);
    scan_page(std::move(listing));
}

void RedisStore::scan_page(std::shared_ptr<Listing> listing) {
    m_client.command(
        {"SCAN", listing->cursor, "MATCH", std::string(k_session_prefix) + "*", "COUNT",
         k_scan_page},
        [this, listing](Result<RedisReply> reply) {
            if (!reply) {
                listing->done(reply.error());
                return;
            }
            if (reply->type != RedisReply::Type::array || reply->elements.size() != 2 ||
                reply->elements[1].type != RedisReply::Type::array) {
                listing->done(failure("Redis answered SCAN unexpectedly"));
                return;
            }
            listing->cursor = reply->elements[0].text;
            // Each session key, then its heartbeat key; SCAN may return a key twice.
            std::vector<std::string> keys{"MGET"};
            for (RedisReply& key : reply->elements[1].elements) {
                if (listing->seen.insert(key.text).second) {
                    std::string heartbeat =
                        heartbeat_key(std::string_view(key.text).substr(k_session_prefix.size()));
                    keys.push_back(std::move(key.text));
                    keys.push_back(std::move(heartbeat));
                }
            }
            const auto next = [this, listing] {
                if (listing->cursor == "0") {
                    listing->done(success());
                } else {
                    scan_page(listing);
                }
            };
            if (keys.size() == 1) {
                next();
                return;
            }
            m_client.command(std::move(keys), [listing, next](Result<RedisReply> values) {
                if (!values) {
                    listing->done(values.error());
                    return;
                }
                std::vector<SessionRecord> sessions;
                sessions.reserve(values->elements.size() / 2);
                for (size_t i = 0; i + 1 < values->elements.size(); i += 2) {
                    // A session that expired or was removed since SCAN reads as nil.
                    if (auto record = record_of(values->elements[i], values->elements[i + 1])) {
                        sessions.push_back(std::move(*record));
                    }
                }
                listing->page(std::move(sessions));
                next();
            });
        });
}

} // namespace ov2ha::store
