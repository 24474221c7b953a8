// The Redis client, the session store and the failover lock against a real redis-server:
// keys, TTLs, atomic changes, SCAN listings, timeouts, a crash and restart with the data kept.
#include "core/base/loop.hpp"
#include "core/store/failover_lock.hpp"
#include "core/store/redis_store.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/s3_server.hpp"

#include <gtest/gtest.h>
#include <optional>
#include <set>
#include <thread>

namespace ov2ha::store {
namespace {

using namespace std::chrono_literals;

class RedisStoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        OV2HA_START_REDIS_SERVER(m_redis);
        ASSERT_EQ(uv_loop_init(&m_loop), 0);
        RedisSettings settings;
        auto address = parse_redis_url(m_redis->url());
        ASSERT_TRUE(address) << address.message();
        settings.address = *address;
        settings.timeout = 500ms;
        settings.reconnect_max = 200ms;
        m_client = std::make_unique<RedisClient>(&m_loop, settings);
        m_store = std::make_unique<RedisStore>(*m_client, 3600s);
        m_client->start();
        ASSERT_TRUE(run_until([this] { return m_client->connected(); }));
    }

    void TearDown() override {
        m_store.reset();
        m_client.reset();
        const Status closed = shut_down_loop(&m_loop);
        EXPECT_TRUE(closed) << closed.message();
    }

    template <class Predicate>
    bool run_until(Predicate done, std::chrono::milliseconds limit = 5s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done() && std::chrono::steady_clock::now() < deadline) {
            uv_run(&m_loop, UV_RUN_NOWAIT);
            std::this_thread::sleep_for(1ms);
        }
        return done();
    }

    // Runs one store call to its callback and returns what the callback got.
    template <class T, class Start> std::optional<Result<T>> wait_for(Start start) {
        std::optional<Result<T>> outcome;
        start([&outcome](Result<T> result) { outcome.emplace(std::move(result)); });
        run_until([&outcome] { return outcome.has_value(); });
        return outcome;
    }

    Result<bool> create(const std::string& id, const std::string& json,
                        const std::string& time = "2025-01-01 10:00:00") {
        return *wait_for<bool>([&](auto done) { m_store->create(id, json, time, done); });
    }
    Result<std::optional<SessionRecord>> get(const std::string& id) {
        return *wait_for<std::optional<SessionRecord>>([&](auto done) { m_store->get(id, done); });
    }
    Result<bool> heartbeat(const std::string& id, const std::string& time,
                           const std::string& chunk) {
        return *wait_for<bool>([&](auto done) { m_store->heartbeat(id, time, chunk, done); });
    }
    Result<std::vector<SessionRecord>> list() {
        std::vector<SessionRecord> all;
        pages = 0;
        auto listed = *wait_for<std::monostate>([&](auto done) {
            m_store->list(
                [&](std::vector<SessionRecord> page) {
                    ++pages;
                    std::move(page.begin(), page.end(), std::back_inserter(all));
                },
                done);
        });
        if (!listed) {
            return listed.error();
        }
        return all;
    }
    int pages = 0;
    long ttl(const std::string& key) { return std::stol(m_redis->command({"TTL", key}).substr(1)); }

    std::unique_ptr<test::RedisServer> m_redis;
    uv_loop_t m_loop{};
    std::unique_ptr<RedisClient> m_client;
    std::unique_ptr<RedisStore> m_store;
};

TEST_F(RedisStoreTest, CreateIsOnceOnlyAndSetsBothKeysWithTheTtl) {
    auto first = create("a", R"({"sessionId":"a","active":true})");
    ASSERT_TRUE(first) << first.message();
    EXPECT_TRUE(*first);
    auto second = create("a", R"({"sessionId":"a","active":false})", "2025-01-01 11:00:00");
    ASSERT_TRUE(second);
    EXPECT_FALSE(*second);
    auto stored = get("a");
    ASSERT_TRUE(stored);
    ASSERT_TRUE(stored->has_value());
    EXPECT_EQ((*stored)->json, R"({"sessionId":"a","active":true})");
    EXPECT_EQ((*stored)->heartbeat, "2025-01-01 10:00:00|");
    EXPECT_EQ((*stored)->heartbeat_time, "2025-01-01 10:00:00");
    EXPECT_EQ((*stored)->heartbeat_chunk, "");
    EXPECT_GT(ttl("session:a"), 3500);
    EXPECT_GT(ttl("heartbeat:a"), 3500);
    auto missing = get("nope");
    ASSERT_TRUE(missing);
    EXPECT_FALSE(missing->has_value());
}

TEST_F(RedisStoreTest, ValuesLargerThanTheSocketBufferGoOutInPieces) {
    // 8 MB does not fit the socket at once: the write waits for writability, then goes on.
    RedisSettings settings;
    settings.address = *parse_redis_url(m_redis->url());
    settings.timeout = 20s; // hiredis 0.14 reads a large reply 16 KB per loop turn
    RedisClient client(&m_loop, settings);
    RedisStore store(client, 3600s);
    client.start();
    ASSERT_TRUE(run_until([&client] { return client.connected(); }));
    const std::string big = R"({"sessionId":"big","pad":")" + std::string(8 << 20, 'x') + "\"}";
    auto created = *wait_for<bool>([&](auto done) { store.create("big", big, "t", done); });
    ASSERT_TRUE(created) << created.message();
    EXPECT_TRUE(*created);
    auto small = *wait_for<bool>([&](auto done) { store.create("small", "{}", "t", done); });
    EXPECT_TRUE(small && *small) << "the next command still goes out";
    EXPECT_EQ(m_redis->command({"STRLEN", "session:big"}), ":" + std::to_string(big.size()));
    client.close();
}

TEST_F(RedisStoreTest, HeartbeatsRefreshBothTtlsAndKeepTheChunk) {
    ASSERT_TRUE(create("h", R"({"sessionId":"h"})"));
    m_redis->command({"EXPIRE", "session:h", "100"});
    m_redis->command({"EXPIRE", "heartbeat:h", "100"});
    auto with_chunk = heartbeat("h", "2025-01-01 10:00:10", "0007.mp4");
    ASSERT_TRUE(with_chunk) << with_chunk.message();
    EXPECT_TRUE(*with_chunk);
    EXPECT_EQ(m_redis->command({"GET", "heartbeat:h"}), "2025-01-01 10:00:10|0007.mp4");
    EXPECT_GT(ttl("session:h"), 3500);
    EXPECT_GT(ttl("heartbeat:h"), 3500);
    m_redis->command({"EXPIRE", "session:h", "100"});
    ASSERT_TRUE(heartbeat("h", "2025-01-01 10:00:15", "0007.mp4"));
    EXPECT_LE(ttl("session:h"), 100) << "the session TTL is refreshed once per eighth of the TTL";
    auto without_chunk = heartbeat("h", "2025-01-01 10:00:20", "");
    ASSERT_TRUE(without_chunk) << without_chunk.message();
    EXPECT_TRUE(*without_chunk);
    EXPECT_EQ(m_redis->command({"GET", "heartbeat:h"}), "2025-01-01 10:00:20|0007.mp4");
    EXPECT_GT(ttl("session:h"), 3500);
    EXPECT_EQ(m_redis->command({"GET", "session:h"}), R"({"sessionId":"h"})");

    m_redis->command({"DEL", "heartbeat:h"});
    auto recreated = heartbeat("h", "2025-01-01 10:00:25", "0008.mp4");
    ASSERT_TRUE(recreated);
    EXPECT_TRUE(*recreated) << "a session whose heartbeat key went missing still takes heartbeats";
    EXPECT_EQ(m_redis->command({"GET", "heartbeat:h"}), "2025-01-01 10:00:25|0008.mp4");
    EXPECT_GT(ttl("heartbeat:h"), 3500);

    for (const char* chunk : {"0001.mp4", ""}) {
        auto ghost = heartbeat("ghost", "2025-01-01 10:00:30", chunk);
        ASSERT_TRUE(ghost);
        EXPECT_FALSE(*ghost) << chunk;
        EXPECT_EQ(m_redis->command({"EXISTS", "session:ghost", "heartbeat:ghost"}), ":0");
    }
}

TEST_F(RedisStoreTest, UpdateSplicesTheJsonAndSetsTheHeartbeatTime) {
    // The values around the changed ones hold the traps: quotes, backslashes, and a key's name
    // followed by \": inside a string.
    const std::string before =
        R"({"sessionId":"u","env":"{\"lastChunk\":\"9\",\"x\":\"a\\\\\"}",)"
        R"("lastChunk":null,"path":"C:\\dir\\","active":true,"keep":"x\"y"})";
    ASSERT_TRUE(create("u", before));
    ASSERT_TRUE(heartbeat("u", "2025-01-01 10:00:05", "0003.mp4"));
    m_redis->command({"EXPIRE", "session:u", "100"});
    m_redis->command({"SCRIPT", "FLUSH"}); // the store must load its scripts again by itself
    auto updated = wait_for<bool>([&](auto done) {
        m_store->update("u",
                        {{"lastChunk", R"("0007.mp4")"},
                         {"active", "false"},
                         {"keep", "null"},
                         {"path", R"("D:\\")"},
                         {"added", R"("new")"}},
                        "2025-01-01 10:00:09", done);
    });
    ASSERT_TRUE(*updated) << updated->message();
    EXPECT_TRUE(**updated);
    EXPECT_GT(ttl("session:u"), 3500);
    auto stored = get("u");
    EXPECT_EQ((*stored)->json, R"({"sessionId":"u","env":"{\"lastChunk\":\"9\",\"x\":\"a\\\\\"}",)"
                               R"("lastChunk":"0007.mp4","path":"D:\\","active":false,"keep":null,)"
                               R"("added":"new"})");
    EXPECT_EQ((*stored)->heartbeat, "2025-01-01 10:00:09|0003.mp4");

    auto absent = wait_for<bool>([&](auto done) {
        m_store->update("ghost", {{"active", "false"}}, "2025-01-01 10:00:09", done);
    });
    ASSERT_TRUE(*absent);
    EXPECT_FALSE(**absent);
    EXPECT_EQ(m_redis->command({"EXISTS", "session:ghost", "heartbeat:ghost"}), ":0");
}

TEST_F(RedisStoreTest, ConcurrentUpdatesOfOneSessionAllLand) {
    ASSERT_TRUE(create("c", R"({"sessionId":"c"})"));
    int answered = 0;
    for (int i = 0; i < 50; ++i) {
        m_store->update("c", {{"field" + std::to_string(i), R"("v")"}}, "2025-01-01 10:00:00",
                        [&answered](Result<bool> done) { answered += done && *done ? 1 : 0; });
    }
    ASSERT_TRUE(run_until([&answered] { return answered == 50; }));
    const std::string stored = (*get("c"))->json;
    for (int i = 0; i < 50; ++i) {
        EXPECT_NE(stored.find("\"field" + std::to_string(i) + "\":\"v\""), std::string::npos) << i;
    }
}

TEST_F(RedisStoreTest, ListWalksEveryPageOnceAndIgnoresOtherKeys) {
    constexpr int k_sessions = 2500;
    int stored = 0;
    for (int i = 0; i < k_sessions; ++i) {
        m_store->create(std::to_string(i), "{\"sessionId\":\"" + std::to_string(i) + "\"}",
                        "2025-01-01 10:00:00",
                        [&stored](Result<bool> done) { stored += done && *done ? 1 : 0; });
    }
    ASSERT_TRUE(run_until([&stored] { return stored == k_sessions; }));
    ASSERT_TRUE(heartbeat("7", "2025-01-01 10:00:01", "0002.mp4"));
    m_redis->command({"SET", "lock:failover:1", "token"});
    m_redis->command({"SET", "other", "x"});
    auto all = list();
    ASSERT_TRUE(all) << all.message();
    ASSERT_EQ(all->size(), static_cast<size_t>(k_sessions));
    EXPECT_GE(pages, 2) << "the sessions come page by page";
    std::set<std::string> unique;
    for (const SessionRecord& record : *all) {
        unique.insert(record.json);
        if (record.json == R"({"sessionId":"7"})") {
            EXPECT_EQ(record.heartbeat_chunk, "0002.mp4");
        } else {
            EXPECT_EQ(record.heartbeat, "2025-01-01 10:00:00|") << record.json;
        }
    }
    EXPECT_EQ(unique.size(), static_cast<size_t>(k_sessions));
}

TEST_F(RedisStoreTest, RemoveIfUnchangedLeavesAChangedSession) {
    ASSERT_TRUE(create("r", R"({"sessionId":"r","v":1})"));
    const SessionRecord seen = **get("r");
    ASSERT_TRUE(heartbeat("r", "2025-01-01 10:00:01", "0001.mp4"));
    auto kept = wait_for<bool>([&](auto done) { m_store->remove_if_unchanged("r", seen, done); });
    ASSERT_TRUE(*kept) << kept->message();
    EXPECT_FALSE(**kept) << "a heartbeat came after the read";
    const SessionRecord again = **get("r");
    auto removed =
        wait_for<bool>([&](auto done) { m_store->remove_if_unchanged("r", again, done); });
    EXPECT_TRUE(**removed);
    EXPECT_EQ(m_redis->command({"EXISTS", "session:r", "heartbeat:r"}), ":0");
    ASSERT_TRUE(create("d", R"({"sessionId":"d"})"));
    auto deleted = wait_for<bool>([&](auto done) { m_store->remove("d", done); });
    EXPECT_TRUE(**deleted);
    EXPECT_EQ(m_redis->command({"EXISTS", "session:d", "heartbeat:d"}), ":0");
    auto again_deleted = wait_for<bool>([&](auto done) { m_store->remove("d", done); });
    EXPECT_FALSE(**again_deleted);
}

TEST_F(RedisStoreTest, FailoverLockHasOneOwnerAndOnlyTheOwnerReleasesIt) {
    FailoverLock lock(*m_client);
    auto first =
        wait_for<std::optional<std::string>>([&](auto done) { lock.acquire("s1", 10s, done); });
    ASSERT_TRUE(*first) << first->message();
    ASSERT_TRUE((*first)->has_value());
    EXPECT_EQ((*first)->value().size(), 32u);
    auto second =
        wait_for<std::optional<std::string>>([&](auto done) { lock.acquire("s1", 10s, done); });
    ASSERT_TRUE(*second);
    EXPECT_FALSE((*second)->has_value());
    const std::string pttl = m_redis->command({"PTTL", "lock:failover:s1"});
    EXPECT_GT(std::stol(pttl.substr(1)), 9000);

    auto stranger = wait_for<bool>([&](auto done) { lock.release("s1", "not-the-token", done); });
    EXPECT_FALSE(**stranger);
    EXPECT_EQ(m_redis->command({"EXISTS", "lock:failover:s1"}), ":1");
    auto owner = wait_for<bool>([&](auto done) { lock.release("s1", (*first)->value(), done); });
    EXPECT_TRUE(**owner);
    EXPECT_EQ(m_redis->command({"EXISTS", "lock:failover:s1"}), ":0");

    auto short_lived =
        wait_for<std::optional<std::string>>([&](auto done) { lock.acquire("s2", 100ms, done); });
    ASSERT_TRUE((*short_lived)->has_value());
    std::this_thread::sleep_for(200ms);
    auto after_expiry =
        wait_for<std::optional<std::string>>([&](auto done) { lock.acquire("s2", 10s, done); });
    EXPECT_TRUE((*after_expiry)->has_value());
    auto late_owner =
        wait_for<bool>([&](auto done) { lock.release("s2", (*short_lived)->value(), done); });
    EXPECT_FALSE(**late_owner) << "an expired owner must not release the next owner's lock";
}

TEST_F(RedisStoreTest, KilledRedisFailsCommandsThenReconnectsWithTheDataKept) {
    ASSERT_TRUE(create("kept", R"({"sessionId":"kept"})"));
    m_redis->kill();
    ASSERT_TRUE(run_until([this] { return !m_client->connected(); }));
    auto down = get("kept");
    ASSERT_FALSE(down);
    EXPECT_NE(down.message().find("Redis at 127.0.0.1:" + std::to_string(m_redis->port())),
              std::string::npos)
        << down.message();
    const uint64_t errors = m_client->errors();
    EXPECT_GT(errors, 0u);

    std::string why_not;
    ASSERT_TRUE(m_redis->restart(why_not)) << why_not;
    ASSERT_TRUE(run_until([this] { return m_client->connected(); }));
    auto back = get("kept");
    ASSERT_TRUE(back) << back.message();
    ASSERT_TRUE(back->has_value());
    EXPECT_EQ((*back)->json, R"({"sessionId":"kept"})");
    EXPECT_EQ((*back)->heartbeat, "2025-01-01 10:00:00|");
    EXPECT_GE(m_client->connections_lost(), 1u);
}

TEST_F(RedisStoreTest, AHangingRedisTimesOutAndIsReconnected) {
    m_redis->pause();
    const auto started = std::chrono::steady_clock::now();
    auto slow = get("x");
    const auto waited = std::chrono::steady_clock::now() - started;
    m_redis->resume();
    ASSERT_FALSE(slow);
    EXPECT_NE(slow.message().find("no answer within 500 ms"), std::string::npos) << slow.message();
    EXPECT_LT(waited, 2s);
    ASSERT_TRUE(run_until([this] { return m_client->connected(); }));
    auto later = get("x");
    EXPECT_TRUE(later) << later.message();
}

TEST(RedisClientAlone, UnreachableRedisFailsAtOnceWithWords) {
    uv_loop_t loop;
    ASSERT_EQ(uv_loop_init(&loop), 0);
    {
        RedisSettings settings;
        settings.address = *parse_redis_url(
            "redis://127.0.0.1:" + std::to_string(test::free_loopback_port()) + "/0");
        RedisClient client(&loop, settings);
        client.start();
        for (int i = 0; i < 50; ++i) {
            uv_run(&loop, UV_RUN_NOWAIT);
            std::this_thread::sleep_for(2ms);
        }
        std::optional<Result<RedisReply>> reply;
        client.command({"PING"},
                       [&reply](Result<RedisReply> got) { reply.emplace(std::move(got)); });
        for (int i = 0; i < 500 && !reply; ++i) {
            uv_run(&loop, UV_RUN_NOWAIT);
            std::this_thread::sleep_for(2ms);
        }
        ASSERT_TRUE(reply.has_value());
        ASSERT_FALSE(*reply);
        EXPECT_NE(reply->message().find("refused"), std::string::npos) << reply->message();
        EXPECT_FALSE(client.connected());
    }
    EXPECT_TRUE(shut_down_loop(&loop));
}

} // namespace
} // namespace ov2ha::store
