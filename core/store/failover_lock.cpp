// The failover lock; see failover_lock.hpp.
#include "core/store/failover_lock.hpp"

#include "core/base/hashing.hpp"

#include <openssl/rand.h>

namespace ov2ha::store {

std::string FailoverLock::key(std::string_view id) {
    return "lock:failover:" + std::string(id);
}

Result<std::string> random_token() {
    unsigned char bytes[16];
    if (RAND_bytes(bytes, sizeof bytes) != 1) {
        return failure("cannot make a random lock token: OpenSSL has no entropy");
    }
    return hex_lower(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

void FailoverLock::acquire(const std::string& id, std::chrono::milliseconds ttl,
                           std::function<void(Result<std::optional<std::string>>)> done) {
    auto token = random_token();
    if (!token) {
        done(token.error());
        return;
    }
    std::string value = *token;
    m_client.command({"SET", key(id), std::move(value), "NX", "PX", std::to_string(ttl.count())},
                     [done = std::move(done), token = *token](Result<RedisReply> reply) {
                         if (!reply) {
                             done(reply.error());
                             return;
                         }
                         if (reply->type == RedisReply::Type::status) {
                             done(std::optional<std::string>(token));
                         } else {
                             done(std::optional<std::string>{});
                         }
                     });
}

void FailoverLock::release(const std::string& id, std::string token,
                           std::function<void(Result<bool>)> done) {
    delete_if_equal(m_client, key(id), std::move(token), std::move(done));
}

} // namespace ov2ha::store
