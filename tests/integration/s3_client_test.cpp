// The S3 client against a real S3 server (s3rver, started by each test on a free loopback
// port): round trips compared byte for byte, multipart, ranges, paging, batch delete, and
// the errors callers must be able to tell apart.
#include "core/base/files.hpp"
#include "core/base/hashing.hpp"
#include "core/base/loop.hpp"
#include "core/s3/client.hpp"
#include "core/s3/xml.hpp"
#include "tests/support/process.hpp"
#include "tests/support/s3_server.hpp"
#include "tests/support/scripted_http_peer.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <optional>
#include <set>

namespace ov2ha::s3 {
namespace {

using namespace std::chrono_literals;
using test::random_bytes;
using test::S3Server;

constexpr const char* k_bucket = "ov2ha-test";
constexpr std::uint64_t k_mib = 1024 * 1024;

std::string hex_sha256(const std::string& bytes) {
    return hex_lower(*sha256(bytes));
}

std::string body_of_request(const std::string& request) {
    const size_t end = request.find("\r\n\r\n");
    return end == std::string::npos ? "" : request.substr(end + 4);
}

// Counts requests (first attempts) and attempts per operation through the attempt hook.
struct AttemptCounter {
    std::map<std::string, int> requests;
    std::map<std::string, int> attempts;
    AttemptHook hook() {
        return [this](const std::string& operation, int attempt, NameValues&) {
            requests[operation] += attempt == 1 ? 1 : 0;
            ++attempts[operation];
        };
    }
};

// A loop per test, run until an operation's callback has fired.
class LoopTest : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_EQ(uv_loop_init(&m_loop), 0); }

    void TearDown() override {
        m_client.reset();
        const Status closed = shut_down_loop(&m_loop);
        EXPECT_TRUE(closed) << closed.message();
    }

    std::unique_ptr<S3Client> make_client(const S3Settings& settings) {
        auto client = S3Client::create(&m_loop, settings);
        EXPECT_TRUE(client) << client.message();
        return client ? std::move(*client) : nullptr;
    }

    // Runs the loop until `done` has been called or `limit` has passed.
    void run_until(const bool& done, std::chrono::seconds limit = 120s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done && std::chrono::steady_clock::now() < deadline) {
            uv_run(&m_loop, UV_RUN_ONCE);
        }
    }

    // Starts an operation with `start(callback)` and runs the loop until it reports.
    template <class T, class Start> S3Result<T> run(Start start) {
        std::optional<S3Result<T>> result;
        bool done = false;
        start([&](S3Result<T> outcome) {
            result.emplace(std::move(outcome));
            done = true;
        });
        run_until(done);
        if (!result) {
            return make_error("test", k_bucket, "", ErrorKind::final, "no answer in time");
        }
        return std::move(*result);
    }

    uv_loop_t m_loop{};
    std::unique_ptr<S3Client> m_client;
};

// With a fresh s3rver and a client for k_bucket, which the test creates when it needs it.
class S3ClientTest : public LoopTest {
  protected:
    void SetUp() override {
        LoopTest::SetUp();
        OV2HA_START_S3_SERVER(m_server);
    }

    void connect(const std::function<void(S3Settings&)>& adjust = {}) {
        S3Settings settings = m_server->settings(k_bucket);
        if (adjust) {
            adjust(settings);
        }
        m_client = make_client(settings);
        ASSERT_TRUE(m_client);
        m_client->set_attempt_hook(m_counter.hook());
    }

    void create_bucket() {
        auto created = run<std::monostate>([&](auto done) { m_client->create_bucket(done); });
        ASSERT_TRUE(created) << created.error().text();
    }

    void put(const std::string& key, const std::string& bytes) {
        auto put = run<PutReport>([&](auto done) { m_client->put_object(key, bytes, done); });
        ASSERT_TRUE(put) << put.error().text();
    }

    std::string download(const std::string& key, std::optional<ByteRange> range = {}) {
        const std::string path = m_folder / "download";
        auto got = run<GetReport>([&](auto done) { m_client->get_object(key, path, range, done); });
        EXPECT_TRUE(got) << got.error().text();
        return got ? test::slurp(path) : std::string();
    }

    // Puts `keys` (each holding its own name) with at most `parallel` requests in flight.
    void put_many(const std::vector<std::string>& keys, size_t parallel) {
        size_t next = 0, finished = 0;
        std::vector<std::string> failures;
        std::function<void()> launch = [&] {
            const size_t index = next++;
            m_client->put_object(keys[index], keys[index], [&](S3Result<PutReport> result) {
                ++finished;
                if (!result) {
                    failures.push_back(result.error().text());
                }
                if (next < keys.size()) {
                    launch();
                }
            });
        };
        for (size_t i = 0; i < parallel && next < keys.size(); ++i) {
            launch();
        }
        bool all = false;
        const auto deadline = std::chrono::steady_clock::now() + 300s;
        while (!all && std::chrono::steady_clock::now() < deadline) {
            uv_run(&m_loop, UV_RUN_ONCE);
            all = finished == keys.size();
        }
        ASSERT_TRUE(all) << finished << " of " << keys.size() << " puts finished";
        ASSERT_TRUE(failures.empty()) << failures.front();
    }

    std::unique_ptr<S3Server> m_server;
    test::TempDir m_folder;
    AttemptCounter m_counter;
};

TEST_F(S3ClientTest, SmallObjectRoundTripsByteForByte) {
    connect();
    create_bucket();
    const std::string content = random_bytes(100'000, 1);
    const std::string key = "rec/chunks/0001.mp4";
    auto put = run<PutReport>([&](auto done) { m_client->put_object(key, content, done); });
    ASSERT_TRUE(put) << put.error().text();
    EXPECT_EQ(put->size, content.size());
    EXPECT_EQ(put->parts, 0);
    EXPECT_EQ(put->etag, hex_lower(*md5(content)));

    EXPECT_EQ(hex_sha256(download(key)), hex_sha256(content));

    auto head = run<ObjectInfo>([&](auto done) { m_client->head_object(key, done); });
    ASSERT_TRUE(head) << head.error().text();
    EXPECT_EQ(head->size, content.size());
    EXPECT_EQ(head->etag, hex_lower(*md5(content)));
    EXPECT_FALSE(head->last_modified.empty());

    // A file below the multipart threshold goes up in one PutObject too.
    const std::string file = m_folder / "small.bin";
    ASSERT_TRUE(write_file_atomically(file, content));
    auto put_file =
        run<PutReport>([&](auto done) { m_client->put_file("rec/file.bin", file, done); });
    ASSERT_TRUE(put_file) << put_file.error().text();
    EXPECT_EQ(put_file->parts, 0);
    EXPECT_EQ(hex_sha256(download("rec/file.bin")), hex_sha256(content));
}

TEST_F(S3ClientTest, EmptyObjectRoundTrips) {
    connect();
    create_bucket();
    put("empty", "");
    const std::string empty_file = m_folder / "empty.bin";
    ASSERT_TRUE(write_file_atomically(empty_file, ""));
    auto put_file =
        run<PutReport>([&](auto done) { m_client->put_file("empty-file", empty_file, done); });
    ASSERT_TRUE(put_file) << put_file.error().text();
    EXPECT_EQ(put_file->size, 0u);

    for (const std::string key : {"empty", "empty-file"}) {
        const std::string path = m_folder / ("got-" + key);
        auto got = run<GetReport>([&](auto done) { m_client->get_object(key, path, {}, done); });
        ASSERT_TRUE(got) << got.error().text();
        EXPECT_EQ(got->bytes, 0u);
        ASSERT_TRUE(std::filesystem::exists(path)) << key;
        EXPECT_EQ(std::filesystem::file_size(path), 0u) << key;
        auto head = run<ObjectInfo>([&](auto done) { m_client->head_object(key, done); });
        ASSERT_TRUE(head) << head.error().text();
        EXPECT_EQ(head->size, 0u);
    }
}

TEST_F(S3ClientTest, MultipartObjectRoundTripsByteForByte) {
    connect([](S3Settings& settings) {
        settings.multipart_threshold = 8 * k_mib;
        settings.part_size = 8 * k_mib;
        settings.part_parallelism = 3;
    });
    create_bucket();
    const std::string content = random_bytes(20 * k_mib, 2);
    const std::string file = m_folder / "big.bin";
    ASSERT_TRUE(write_file_atomically(file, content));

    auto put = run<PutReport>([&](auto done) { m_client->put_file("rec/big.mp4", file, done); });
    ASSERT_TRUE(put) << put.error().text();
    EXPECT_EQ(put->parts, 3); // 8 + 8 + 4 MiB
    EXPECT_EQ(put->size, content.size());
    EXPECT_EQ(m_counter.attempts["CreateMultipartUpload"], 1);
    EXPECT_EQ(m_counter.attempts["UploadPart"], 3);
    EXPECT_EQ(m_counter.attempts["CompleteMultipartUpload"], 1);
    EXPECT_EQ(m_counter.attempts["PutObject"], 0);

    const std::string path = m_folder / "big-back.bin";
    auto got =
        run<GetReport>([&](auto done) { m_client->get_object("rec/big.mp4", path, {}, done); });
    ASSERT_TRUE(got) << got.error().text();
    EXPECT_EQ(got->bytes, content.size());
    EXPECT_EQ(hex_sha256(test::slurp(path)), hex_sha256(content));

    auto head = run<ObjectInfo>([&](auto done) { m_client->head_object("rec/big.mp4", done); });
    ASSERT_TRUE(head) << head.error().text();
    EXPECT_EQ(head->size, content.size());
}

TEST_F(S3ClientTest, KeysAreSentAsWritten) {
    connect();
    create_bucket();
    // s3rver's router cannot take "a//b" and its file store folds "./x" into "x"; the
    // transport test checks that such paths leave the client exactly as written.
    for (const std::string key : {"a b+c%d.mp4", "ünïcødé/ключ", "x?y=z&w#v", "~tilde*star"}) {
        put(key, "content of " + key);
        EXPECT_EQ(download(key), "content of " + key) << key;
    }
}

TEST_F(S3ClientTest, RangedGetReturnsOnlyTheBytesAsked) {
    connect();
    create_bucket();
    const std::string content = random_bytes(10'000, 3);
    put("ranged", content);

    const std::string path = m_folder / "part";
    auto middle = run<GetReport>([&](auto done) {
        m_client->get_object("ranged", path, ByteRange{100, 199}, done);
    });
    ASSERT_TRUE(middle) << middle.error().text();
    EXPECT_EQ(middle->bytes, 100u);
    EXPECT_EQ(middle->content_range, "bytes 100-199/10000");
    EXPECT_EQ(test::slurp(path), content.substr(100, 100));

    auto tail = run<GetReport>([&](auto done) {
        m_client->get_object("ranged", path, ByteRange{9'000, {}}, done);
    });
    ASSERT_TRUE(tail) << tail.error().text();
    EXPECT_EQ(test::slurp(path), content.substr(9'000));
}

TEST_F(S3ClientTest, ListsEveryPageAndDeletesInBatches) {
    connect([](S3Settings& settings) {
        settings.list_page_size = 1000;
        settings.retries.max_attempts = 6;
    });
    create_bucket();
    std::vector<std::string> keys;
    for (int i = 0; i < 2'500; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "many/%05d", i);
        keys.push_back(name);
    }
    ASSERT_NO_FATAL_FAILURE(put_many(keys, 16));
    ASSERT_NO_FATAL_FAILURE(put_many({"other/1", "other/2", "other/3"}, 3));

    auto listed =
        run<std::vector<ObjectInfo>>([&](auto done) { m_client->list_objects("many/", done); });
    ASSERT_TRUE(listed) << listed.error().text();
    ASSERT_EQ(listed->size(), keys.size());
    for (size_t i = 0; i < keys.size(); ++i) {
        ASSERT_EQ((*listed)[i].key, keys[i]);
        ASSERT_EQ((*listed)[i].size, keys[i].size());
    }
    EXPECT_EQ(m_counter.requests["ListObjectsV2"], 3); // pages of 1000, 1000, 500

    // s3rver deletes a batch's keys concurrently and its empty-folder cleanup races with
    // itself, so a batch may answer 500 InternalError; the client's retry absorbs it.
    auto deleted = run<DeleteReport>([&](auto done) { m_client->delete_objects(keys, done); });
    ASSERT_TRUE(deleted) << deleted.error().text();
    EXPECT_EQ(deleted->deleted.size(), keys.size());
    EXPECT_TRUE(deleted->errors.empty());
    EXPECT_EQ(m_counter.requests["DeleteObjects"], 3); // batches of 1000, 1000, 500

    auto rest = run<std::vector<ObjectInfo>>([&](auto done) { m_client->list_objects("", done); });
    ASSERT_TRUE(rest) << rest.error().text();
    ASSERT_EQ(rest->size(), 3u);
    EXPECT_EQ((*rest)[0].key, "other/1");
}

TEST_F(S3ClientTest, MissingBucketIsAFinalErrorNamingTheBucket) {
    connect([](S3Settings& settings) { settings.bucket = "ov2ha-missing"; });
    auto put = run<PutReport>([&](auto done) { m_client->put_object("a.txt", "x", done); });
    ASSERT_FALSE(put);
    const S3Error& error = put.error();
    EXPECT_EQ(error.code, "NoSuchBucket");
    EXPECT_EQ(error.http_status, 404);
    EXPECT_EQ(error.kind, ErrorKind::final);
    EXPECT_EQ(error.attempts, 1);
    EXPECT_EQ(m_counter.attempts["PutObject"], 1); // a 4xx is not retried
    EXPECT_NE(error.text().find("S3 PutObject a.txt in bucket ov2ha-missing: NoSuchBucket: "),
              std::string::npos)
        << error.text();

    auto listed =
        run<std::vector<ObjectInfo>>([&](auto done) { m_client->list_objects("", done); });
    ASSERT_FALSE(listed);
    EXPECT_NE(listed.error().text().find("S3 ListObjectsV2 bucket ov2ha-missing: NoSuchBucket"),
              std::string::npos)
        << listed.error().text();
}

TEST_F(S3ClientTest, UnknownAccessKeyIsRefusedWithoutRetrying) {
    connect([](S3Settings& settings) { settings.access_key = "NOT-S3RVER"; });
    auto head = run<ObjectInfo>([&](auto done) { m_client->head_object("a.txt", done); });
    ASSERT_FALSE(head);
    EXPECT_EQ(head.error().http_status, 403);
    EXPECT_EQ(head.error().kind, ErrorKind::final);
    EXPECT_EQ(m_counter.attempts["HeadObject"], 1);
    auto put = run<PutReport>([&](auto done) { m_client->put_object("a.txt", "x", done); });
    ASSERT_FALSE(put);
    EXPECT_EQ(put.error().code, "InvalidAccessKeyId") << put.error().text();
    EXPECT_EQ(m_counter.attempts["PutObject"], 1);
}

TEST_F(S3ClientTest, MissingKeyIsNotFoundAndLeavesNoFile) {
    connect();
    create_bucket();
    auto head = run<ObjectInfo>([&](auto done) { m_client->head_object("nothing", done); });
    ASSERT_FALSE(head);
    EXPECT_TRUE(head.error().not_found());
    EXPECT_EQ(head.error().kind, ErrorKind::final);

    const std::string folder = m_folder / "downloads";
    ASSERT_TRUE(make_folders(folder));
    const std::string path = folder + "/nothing.mp4";
    auto got = run<GetReport>([&](auto done) { m_client->get_object("nothing", path, {}, done); });
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code, "NoSuchKey") << got.error().text();
    EXPECT_EQ(got.error().attempts, 1);
    EXPECT_TRUE(std::filesystem::is_empty(folder)) << "no file and no temporary file is left";
}

// The client's half of "corruption in transit is refused": every body's SHA-256 is signed
// as x-amz-content-sha256, which AWS and MinIO compare with what arrived
// (XAmzContentSHA256Mismatch); Content-MD5, a second pass over the bytes, goes only where
// S3's API demands it (DeleteObjects). s3rver 3 compares neither, so the server's half is
// not observable here.
TEST_F(S3ClientTest, SignsEveryBodysSha256AndSendsMd5OnlyWhereDemanded) {
    connect();
    create_bucket();
    const std::string body = "chunk bytes";
    std::map<std::string, NameValues> sent;
    m_client->set_attempt_hook(
        [&](const std::string& operation, int, NameValues& headers) { sent[operation] = headers; });
    auto put = run<PutReport>([&](auto done) { m_client->put_object("sums", body, done); });
    ASSERT_TRUE(put) << put.error().text();
    auto deleted = run<DeleteReport>([&](auto done) { m_client->delete_objects({"sums"}, done); });
    ASSERT_TRUE(deleted) << deleted.error().text();
    const auto values = [](const NameValues& headers, const std::string& name) {
        std::vector<std::string> found;
        for (const auto& [header, value] : headers) {
            if (header == name) {
                found.push_back(value);
            }
        }
        return found;
    };
    EXPECT_TRUE(values(sent["PutObject"], "Content-MD5").empty());
    EXPECT_EQ(values(sent["DeleteObjects"], "Content-MD5"),
              std::vector<std::string>{base64(*md5(delete_objects_xml({"sums"})))});
}

// Object Lock buckets with a retention period refuse uploads without Content-MD5: with
// content_md5 on, every PutObject and UploadPart carries its body's MD5.
TEST_F(S3ClientTest, WithContentMd5EveryObjectAndPartCarriesIt) {
    connect([](S3Settings& settings) {
        settings.content_md5 = true;
        settings.multipart_threshold = 8 * k_mib;
        settings.part_size = 8 * k_mib;
    });
    create_bucket();
    std::multimap<std::string, std::string> sent; // operation -> Content-MD5
    m_client->set_attempt_hook([&](const std::string& operation, int, NameValues& headers) {
        for (const auto& [name, value] : headers) {
            if (name == "Content-MD5") {
                sent.emplace(operation, value);
            }
        }
    });
    const std::string small = "chunk bytes";
    put("small", small);
    const std::string content = random_bytes(20 * k_mib, 3);
    const std::string file = m_folder / "big.bin";
    ASSERT_TRUE(write_file_atomically(file, content));
    auto big = run<PutReport>([&](auto done) { m_client->put_file("big", file, done); });
    ASSERT_TRUE(big) << big.error().text();
    EXPECT_EQ(download("big"), content);

    const auto md5_of = [](std::string_view bytes) { return base64(*md5(bytes)); };
    EXPECT_EQ(sent.count("PutObject"), 1u);
    EXPECT_EQ(sent.find("PutObject")->second, md5_of(small));
    std::multiset<std::string> parts;
    for (auto [at, end] = sent.equal_range("UploadPart"); at != end; ++at) {
        parts.insert(at->second);
    }
    const std::string_view bytes(content);
    EXPECT_EQ(parts, (std::multiset<std::string>{md5_of(bytes.substr(0, 8 * k_mib)),
                                                 md5_of(bytes.substr(8 * k_mib, 8 * k_mib)),
                                                 md5_of(bytes.substr(16 * k_mib))}));
}

TEST_F(S3ClientTest, ClosingMidUploadCancelsAndTheLoopCloses) {
    connect([](S3Settings& settings) {
        settings.multipart_threshold = 5 * k_mib;
        settings.part_size = 5 * k_mib;
        settings.part_parallelism = 2;
    });
    create_bucket();
    const std::string file = m_folder / "big.bin";
    ASSERT_TRUE(write_file_atomically(file, random_bytes(30 * k_mib, 4)));
    bool part_sent = false;
    m_client->set_attempt_hook([&](const std::string& operation, int, NameValues&) {
        part_sent = part_sent || operation == "UploadPart";
    });
    std::optional<S3Result<PutReport>> result;
    m_client->put_file("big", file,
                       [&](S3Result<PutReport> outcome) { result.emplace(std::move(outcome)); });
    run_until(part_sent);
    ASSERT_TRUE(part_sent);
    ASSERT_FALSE(result);
    m_client.reset();
    ASSERT_TRUE(result) << "destroying the client runs the pending callback";
    ASSERT_FALSE(*result);
    EXPECT_EQ(result->error().kind, ErrorKind::cancelled) << result->error().text();
    // TearDown checks that uv_loop_close succeeds with every handle closed.
}

TEST_F(S3ClientTest, ClientMayBeDestroyedInsideItsCallback) {
    connect();
    create_bucket();
    bool done = false;
    m_client->put_object("k", "v", [&](S3Result<PutReport> result) {
        EXPECT_TRUE(result) << result.error().text();
        m_client.reset();
        done = true;
    });
    run_until(done);
    EXPECT_TRUE(done);
    EXPECT_FALSE(m_client);
}

TEST_F(LoopTest, UnreachableEndpointIsRetryableAfterTheRetries) {
    const int port = test::free_loopback_port();
    S3Settings settings;
    settings.endpoint = "http://127.0.0.1:" + std::to_string(port);
    settings.bucket = k_bucket;
    settings.access_key = S3Server::k_access_key;
    settings.secret_key = S3Server::k_secret_key;
    settings.retries = {3, 10ms, 50ms};
    m_client = make_client(settings);
    ASSERT_TRUE(m_client);
    AttemptCounter counter;
    m_client->set_attempt_hook(counter.hook());

    auto head = run<ObjectInfo>([&](auto done) { m_client->head_object("a.txt", done); });
    ASSERT_FALSE(head);
    const S3Error& error = head.error();
    EXPECT_EQ(error.kind, ErrorKind::retryable);
    EXPECT_EQ(error.http_status, 0);
    EXPECT_EQ(error.attempts, 3);
    EXPECT_EQ(counter.attempts["HeadObject"], 3);
    EXPECT_NE(error.text().find("cannot connect to http://127.0.0.1:" + std::to_string(port)),
              std::string::npos)
        << error.text();
    EXPECT_NE(error.text().find("(after 3 attempts)"), std::string::npos) << error.text();
}

TEST_F(LoopTest, BadSettingsAreRefusedWithWords) {
    S3Settings settings;
    settings.endpoint = "http://127.0.0.1:9000";
    settings.bucket = k_bucket;
    settings.access_key = "key";
    settings.secret_key = "very-secret";
    settings.part_size = k_mib;
    auto client = S3Client::create(&m_loop, settings);
    ASSERT_FALSE(client);
    EXPECT_NE(client.message().find("part size"), std::string::npos) << client.message();
    EXPECT_EQ(client.message().find("very-secret"), std::string::npos);
}

// --- Wire behaviour s3rver cannot show, against a scripted HTTP peer -----------------

S3Settings peer_settings(const test::ScriptedHttpPeer& peer) {
    S3Settings settings;
    settings.endpoint = peer.endpoint();
    settings.bucket = k_bucket;
    settings.access_key = "AKIDEXAMPLE";
    settings.secret_key = "secret";
    settings.retries = {4, 1ms, 5ms};
    return settings;
}

std::string header_value(const std::string& request, const std::string& name) {
    const size_t at = request.find("\r\n" + name + ": ");
    if (at == std::string::npos) {
        return "";
    }
    const size_t start = at + name.size() + 4;
    return request.substr(start, request.find("\r\n", start) - start);
}

TEST_F(LoopTest, ServerErrorsAndThrottlingAreRetriedUntilTheyPass) {
    const std::string slow_down =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code>"
        "<Message>Please reduce your request rate.</Message></Error>";
    test::ScriptedHttpPeer peer({test::http_answer(503, "Service Unavailable", slow_down),
                                 test::http_answer(429, "Too Many Requests", ""),
                                 test::http_answer(500, "Internal Server Error", "oops"),
                                 test::http_answer(200, "OK", "", {"ETag: \"abc\""})});
    m_client = make_client(peer_settings(peer));
    ASSERT_TRUE(m_client);
    AttemptCounter counter;
    m_client->set_attempt_hook(counter.hook());
    const std::string body = "chunk 0001";
    auto put = run<PutReport>([&](auto done) { m_client->put_object("rec/0001.mp4", body, done); });
    ASSERT_TRUE(put) << put.error().text();
    EXPECT_EQ(put->etag, "abc");
    EXPECT_EQ(counter.attempts["PutObject"], 4);
    ASSERT_EQ(peer.requests().size(), 4u);
    for (const std::string& request : peer.requests()) {
        EXPECT_EQ(request.substr(0, request.find("\r\n")), "PUT /ov2ha-test/rec/0001.mp4 HTTP/1.1");
        EXPECT_EQ(header_value(request, "x-amz-content-sha256"), hex_sha256(body));
        EXPECT_EQ(header_value(request, "Content-MD5"), "") << "the signed SHA-256 suffices";
        EXPECT_EQ(header_value(request, "Authorization").rfind("AWS4-HMAC-SHA256 ", 0), 0u);
    }
}

TEST_F(LoopTest, ClientErrorsAreNotRetried) {
    test::ScriptedHttpPeer peer(
        {test::http_answer(
             400, "Bad Request",
             "<Error><Code>InvalidArgument</Code><Message>Bad part</Message></Error>"),
         test::http_answer(200, "OK", "")});
    m_client = make_client(peer_settings(peer));
    ASSERT_TRUE(m_client);
    auto put = run<PutReport>([&](auto done) { m_client->put_object("a", "b", done); });
    ASSERT_FALSE(put);
    EXPECT_EQ(put.error().kind, ErrorKind::final);
    EXPECT_EQ(put.error().attempts, 1);
    EXPECT_EQ(put.error().text(), "S3 PutObject a: InvalidArgument: Bad part");
    EXPECT_EQ(peer.requests().size(), 1u);
}

std::string initiate_answer() {
    return test::http_answer(200, "OK",
                             "<InitiateMultipartUploadResult><Bucket>ov2ha-test</Bucket><Key>big"
                             "</Key><UploadId>UP-1</UploadId></InitiateMultipartUploadResult>");
}

TEST_F(LoopTest, CompleteMultipartUploadErrorInsideA200IsRetried) {
    const std::string part_ok = test::http_answer(200, "OK", "", {"ETag: \"p\""});
    test::ScriptedHttpPeer peer(
        {initiate_answer(), part_ok, part_ok,
         test::http_answer(200, "OK",
                           "<Error><Code>InternalError</Code><Message>retry</Message></Error>"),
         test::http_answer(200, "OK",
                           "<CompleteMultipartUploadResult><ETag>\"whole-2\"</ETag>"
                           "</CompleteMultipartUploadResult>")});
    S3Settings settings = peer_settings(peer);
    settings.multipart_threshold = 5 * k_mib;
    settings.part_size = 5 * k_mib;
    settings.part_parallelism = 1;
    m_client = make_client(settings);
    ASSERT_TRUE(m_client);
    test::TempDir folder;
    const std::string file = folder / "big";
    const std::string content = random_bytes(6 * k_mib, 5);
    ASSERT_TRUE(write_file_atomically(file, content));
    auto put = run<PutReport>([&](auto done) { m_client->put_file("big", file, done); });
    ASSERT_TRUE(put) << put.error().text();
    EXPECT_EQ(put->etag, "whole-2");
    EXPECT_EQ(put->parts, 2);
    const auto requests = peer.requests();
    ASSERT_EQ(requests.size(), 5u);
    EXPECT_EQ(requests[1].substr(0, requests[1].find("\r\n")),
              "PUT /ov2ha-test/big?partNumber=1&uploadId=UP-1 HTTP/1.1");
    // Each part is hashed ahead of sending; the signed digest is that part's own.
    EXPECT_EQ(header_value(requests[1], "x-amz-content-sha256"),
              hex_sha256(content.substr(0, 5 * k_mib)));
    EXPECT_EQ(header_value(requests[2], "x-amz-content-sha256"),
              hex_sha256(content.substr(5 * k_mib)));
    EXPECT_EQ(body_of_request(requests[3]),
              "<?xml version=\"1.0\"?><CompleteMultipartUpload "
              "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Part><PartNumber>1</PartNumber>"
              "<ETag>\"p\"</ETag></Part><Part><PartNumber>2</PartNumber><ETag>\"p\"</ETag></Part>"
              "</CompleteMultipartUpload>");
}

TEST_F(LoopTest, FailedPartAbortsTheUploadAndReportsThePartsError) {
    test::ScriptedHttpPeer peer(
        {initiate_answer(),
         test::http_answer(
             403, "Forbidden",
             "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"),
         test::http_answer(405, "Method Not Allowed",
                           "<Error><Code>MethodNotAllowed</Code><Message>no</Message></Error>")});
    S3Settings settings = peer_settings(peer);
    settings.multipart_threshold = 5 * k_mib;
    settings.part_size = 5 * k_mib;
    settings.part_parallelism = 1;
    m_client = make_client(settings);
    ASSERT_TRUE(m_client);
    test::TempDir folder;
    const std::string file = folder / "big";
    ASSERT_TRUE(write_file_atomically(file, random_bytes(6 * k_mib, 6)));
    auto put = run<PutReport>([&](auto done) { m_client->put_file("big", file, done); });
    ASSERT_FALSE(put);
    EXPECT_EQ(put.error().text(), "S3 UploadPart big: AccessDenied: Access Denied");
    const auto requests = peer.requests();
    ASSERT_EQ(requests.size(), 3u);
    EXPECT_EQ(requests[2].substr(0, requests[2].find("\r\n")),
              "DELETE /ov2ha-test/big?uploadId=UP-1 HTTP/1.1");
}

} // namespace
} // namespace ov2ha::s3
