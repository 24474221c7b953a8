// Sessions in Redis; see redis_store.hpp.
#include "core/store/redis_store.hpp"

#include <memory>
#include <unordered_set>

namespace ov2ha::store {
namespace {

constexpr std::string_view k_prefix = "session:";
constexpr const char* k_scan_page = "1000";

// KEYS[1] the session; ARGV[1] the TTL in seconds, then (name, kind, value) triples with kind
// s (text), b (boolean "1"/"0") or n (null). Returns 0 when the session does not exist.
constexpr const char* k_update_script = R"(local stored = redis.call('GET', KEYS[1])
if not stored then return 0 end
local session = cjson.decode(stored)
for i = 2, #ARGV, 3 do
  local kind = ARGV[i + 1]
  if kind == 's' then session[ARGV[i]] = ARGV[i + 2]
  elseif kind == 'b' then session[ARGV[i]] = (ARGV[i + 2] == '1')
  else session[ARGV[i]] = cjson.null end
end
redis.call('SET', KEYS[1], cjson.encode(session), 'EX', ARGV[1])
return 1)";

const char* kind_letter(FieldUpdate::Kind kind) {
    switch (kind) {
    case FieldUpdate::Kind::text:
        return "s";
    case FieldUpdate::Kind::boolean:
        return "b";
    case FieldUpdate::Kind::null:
        return "n";
    }
    return "n";
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

} // namespace

struct RedisStore::Listing {
    std::string cursor = "0";
    std::unordered_set<std::string> seen;
    std::vector<std::string> sessions;
    std::function<void(Result<std::vector<std::string>>)> done;
};

RedisStore::RedisStore(RedisClient& client, std::chrono::seconds ttl)
    : m_client(client), m_ttl_seconds(std::to_string(ttl.count())) {}

std::string RedisStore::session_key(std::string_view id) {
    return std::string(k_prefix) + std::string(id);
}

void RedisStore::create(const std::string& id, std::string json,
                        std::function<void(Result<bool>)> done) {
    m_client.command({"SET", session_key(id), std::move(json), "NX", "EX", m_ttl_seconds},
                     [done = std::move(done)](Result<RedisReply> reply) {
                         if (!reply) {
                             done(reply.error());
                             return;
                         }
                         done(reply->type == RedisReply::Type::status);
                     });
}

void RedisStore::get(const std::string& id,
                     std::function<void(Result<std::optional<std::string>>)> done) {
    m_client.command({"GET", session_key(id)}, [done = std::move(done)](Result<RedisReply> reply) {
        if (!reply) {
            done(reply.error());
            return;
        }
        if (reply->type == RedisReply::Type::nil) {
            done(std::optional<std::string>{});
            return;
        }
        done(std::optional<std::string>(std::move(reply->text)));
    });
}

void RedisStore::update(const std::string& id, std::vector<FieldUpdate> updates,
                        std::function<void(Result<bool>)> done) {
    std::vector<std::string> arguments{"EVAL", k_update_script, "1", session_key(id),
                                       m_ttl_seconds};
    arguments.reserve(arguments.size() + 3 * updates.size());
    for (FieldUpdate& field : updates) {
        arguments.push_back(std::move(field.name));
        arguments.emplace_back(kind_letter(field.kind));
        arguments.push_back(std::move(field.value));
    }
    m_client.command(std::move(arguments), [done = std::move(done)](Result<RedisReply> reply) {
        done(integer_flag(std::move(reply), "the session update"));
    });
}

void RedisStore::remove(const std::string& id, std::function<void(Result<bool>)> done) {
    m_client.command({"DEL", session_key(id)}, [done = std::move(done)](Result<RedisReply> reply) {
        done(integer_flag(std::move(reply), "DEL"));
    });
}

void RedisStore::remove_if_unchanged(const std::string& id, std::string json,
                                     std::function<void(Result<bool>)> done) {
    delete_if_equal(m_client, session_key(id), std::move(json), std::move(done));
}

void RedisStore::list(std::function<void(Result<std::vector<std::string>>)> done) {
    auto listing = std::make_shared<Listing>();
    listing->done = std::move(done);
    scan_page(std::move(listing));
}

void RedisStore::scan_page(std::shared_ptr<Listing> listing) {
    m_client.command(
        {"SCAN", listing->cursor, "MATCH", std::string(k_prefix) + "*", "COUNT", k_scan_page},
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
            std::vector<std::string> keys{"MGET"};
            for (RedisReply& key : reply->elements[1].elements) {
                // SCAN may return a key twice; every key is read once.
                if (listing->seen.insert(key.text).second) {
                    keys.push_back(std::move(key.text));
                }
            }
            const auto next = [this, listing] {
                if (listing->cursor == "0") {
                    listing->done(std::move(listing->sessions));
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
                for (RedisReply& value : values->elements) {
                    // A key that expired or was removed since SCAN reads as nil.
                    if (value.type == RedisReply::Type::string) {
                        listing->sessions.push_back(std::move(value.text));
                    }
                }
                next();
            });
        });
}

} // namespace ov2ha::store
