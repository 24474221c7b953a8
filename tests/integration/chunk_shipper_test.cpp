// The chunk shipper against a real S3 server (s3rver): shipping order, the journal across
// runs, a changed file, delete after confirmation, and a drain while S3 is unreachable.
#include "core/base/files.hpp"
#include "core/base/loop.hpp"
#include "core/chunks/chunk_shipper.hpp"
#include "tests/support/process.hpp"
#include "tests/support/s3_bucket.hpp"
#include "tests/support/s3_server.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <map>

namespace ov2ha::chunks {
namespace {

using namespace std::chrono_literals;

constexpr const char* k_bucket = "ship";

// A loop, a folder of chunk files and a shipper over an S3 client per run.
class ShipperTest : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_EQ(uv_loop_init(&m_loop), 0); }

    void TearDown() override {
        m_shipper.reset();
        const Status closed = shut_down_loop(&m_loop);
        EXPECT_TRUE(closed) << closed.message();
    }

    void start_server() {
        OV2HA_START_S3_SERVER(m_server);
        test::BucketProbe probe(m_server->settings(k_bucket));
        auto created = probe.create_bucket();
        ASSERT_TRUE(created) << created.error().text();
    }

    // A new shipper for the folder's journal; the old one, if any, is gone first. The
    // journal must open unless `journal_error` is given, which receives why it did not.
    void new_shipper(const s3::S3Settings& settings, ShipperSettings shipping = {},
                     std::string* journal_error = nullptr) {
        m_shipper.reset();
        auto client = s3::S3Client::create(&m_loop, settings);
        ASSERT_TRUE(client) << client.message();
        (*client)->set_attempt_hook([this](const std::string& operation, int, s3::NameValues&) {
            ++m_attempts[operation];
        });
        shipping.journal_path = m_folder / k_journal_file_name;
        shipping.retry_base = 20ms;
        shipping.retry_max = 100ms;
        ShipperEvents events;
        events.confirmed = [this](const ShipItem& item, const ShipReport& report) {
            m_confirmed.push_back(item.name);
            m_deleted += report.deleted ? 1 : 0;
        };
        events.already_confirmed = [this](const ShipItem& item) { m_skipped.push_back(item.name); };
        events.failed = [this](const ShipItem&, const std::string& error, auto) {
            m_errors.push_back(error);
        };
        m_shipper = std::make_unique<ChunkShipper>(&m_loop, std::move(*client), std::move(shipping),
                                                   std::move(events));
        bool ready = false;
        m_shipper->start([&ready, journal_error](Status status) {
            if (journal_error) {
                *journal_error = status ? "" : status.message();
            } else {
                EXPECT_TRUE(status) << status.message();
            }
            ready = true;
        });
        run_until([&] { return ready; });
    }

    std::string write_chunk(const std::string& name, const std::string& bytes) {
        const std::string path = m_folder / name;
        EXPECT_TRUE(write_file_atomically(path, bytes));
        return path;
    }

    void offer(const std::string& name) {
        m_shipper->offer({m_folder / name, "cam/" + name, name});
    }

    void run_until(const std::function<bool()>& done, std::chrono::seconds limit = 30s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done() && std::chrono::steady_clock::now() < deadline) {
            uv_run(&m_loop, UV_RUN_ONCE);
        }
        ASSERT_TRUE(done()) << "not done within " << limit.count() << " s";
    }

    std::vector<ShipItem> drain(std::chrono::milliseconds bound) {
        std::optional<std::vector<ShipItem>> unshipped;
        m_shipper->drain(bound, [&unshipped](std::vector<ShipItem> left) { unshipped = left; });
        run_until([&] { return unshipped.has_value(); });
        return unshipped.value_or(std::vector<ShipItem>{});
    }

    uv_loop_t m_loop{};
    std::unique_ptr<test::S3Server> m_server;
    test::TempDir m_folder;
    std::unique_ptr<ChunkShipper> m_shipper;
    std::vector<std::string> m_confirmed;
    std::vector<std::string> m_skipped;
    std::vector<std::string> m_errors;
    std::map<std::string, int> m_attempts;
    int m_deleted = 0;
};

TEST_F(ShipperTest, ShipsInChunkOrderAndAJournaledChunkIsNeverSentAgain) {
    ASSERT_NO_FATAL_FAILURE(start_server());
    for (const char* name : {"0010.mp4", "0002.mp4", "0001.mp4", "9999.mp4"}) {
        write_chunk(name, std::string("bytes of ") + name);
    }
    ShipperSettings one_at_a_time;
    one_at_a_time.parallelism = 1;
    ASSERT_NO_FATAL_FAILURE(new_shipper(m_server->settings(k_bucket), one_at_a_time));
    for (const char* name : {"0010.mp4", "0002.mp4", "0001.mp4", "9999.mp4", "0002.mp4"}) {
        offer(name);
    }
    run_until([&] { return m_confirmed.size() == 4; });
    // 0010 started first, alone; the rest then went in number order.
    EXPECT_EQ(m_confirmed,
              (std::vector<std::string>{"0010.mp4", "0001.mp4", "0002.mp4", "9999.mp4"}));
    EXPECT_EQ(m_attempts["PutObject"], 4) << "a name offered twice is shipped once";
    EXPECT_TRUE(drain(1s).empty());

    test::BucketProbe probe(m_server->settings(k_bucket));
    EXPECT_EQ(probe.keys("cam/"), (std::vector<std::string>{"cam/0001.mp4", "cam/0002.mp4",
                                                            "cam/0010.mp4", "cam/9999.mp4"}));
    EXPECT_EQ(probe.download("cam/0002.mp4"), "bytes of 0002.mp4");

    // A second run over the same folder: the journal confirms every file as it is.
    m_attempts.clear();
    ASSERT_NO_FATAL_FAILURE(new_shipper(m_server->settings(k_bucket)));
    for (const char* name : {"0001.mp4", "0002.mp4", "0010.mp4", "9999.mp4"}) {
        offer(name);
    }
    run_until([&] { return m_skipped.size() == 4; });
    EXPECT_EQ(m_attempts["PutObject"], 0);
    EXPECT_TRUE(drain(1s).empty());
}

TEST_F(ShipperTest, AChunkChangedAfterItsUploadIsShippedAgain) {
    ASSERT_NO_FATAL_FAILURE(start_server());
    write_chunk("0001.mp4", "first version");
    ASSERT_NO_FATAL_FAILURE(new_shipper(m_server->settings(k_bucket)));
    offer("0001.mp4");
    run_until([&] { return m_confirmed.size() == 1; });
    EXPECT_TRUE(drain(1s).empty());

    write_chunk("0001.mp4", "second, longer version");
    ASSERT_NO_FATAL_FAILURE(new_shipper(m_server->settings(k_bucket)));
    offer("0001.mp4");
    run_until([&] { return m_confirmed.size() == 2; });
    EXPECT_TRUE(m_skipped.empty());
    test::BucketProbe probe(m_server->settings(k_bucket));
    EXPECT_EQ(probe.download("cam/0001.mp4"), "second, longer version");
}

TEST_F(ShipperTest, DeleteAfterConfirmRemovesOnlyJournaledFiles) {
    ASSERT_NO_FATAL_FAILURE(start_server());
    write_chunk("0001.mp4", "one");
    write_chunk("0002.mp4", "two");
    ShipperSettings deleting;
    deleting.delete_after_confirm = true;
    ASSERT_NO_FATAL_FAILURE(new_shipper(m_server->settings(k_bucket), deleting));
    offer("0001.mp4");
    offer("0002.mp4");
    run_until([&] { return m_confirmed.size() == 2; });
    EXPECT_EQ(m_deleted, 2);
    EXPECT_FALSE(std::filesystem::exists(m_folder / "0001.mp4"));
    EXPECT_FALSE(std::filesystem::exists(m_folder / "0002.mp4"));
    const ParsedJournal journal = parse_journal(test::slurp(m_folder / k_journal_file_name));
    EXPECT_EQ(journal.entries.size(), 2u);
    test::BucketProbe probe(m_server->settings(k_bucket));
    EXPECT_EQ(probe.download("cam/0002.mp4"), "two");
}

TEST_F(ShipperTest, AJournalHeldByAnotherProcessShipsNothingAndDrainsAtOnce) {
    ASSERT_NO_FATAL_FAILURE(start_server());
    write_chunk("0001.mp4", "one");
    auto held = UploadJournal::open(m_folder / k_journal_file_name);
    ASSERT_TRUE(held) << held.message();
    std::string error;
    ASSERT_NO_FATAL_FAILURE(new_shipper(m_server->settings(k_bucket), {}, &error));
    EXPECT_NE(error.find("locked by another ov2ha process"), std::string::npos) << error;
    offer("0001.mp4");
    const auto started = std::chrono::steady_clock::now();
    const std::vector<ShipItem> unshipped = drain(20s);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
    ASSERT_EQ(unshipped.size(), 1u);
    EXPECT_EQ(m_attempts["PutObject"], 0);
}

TEST_F(ShipperTest, UnreachableS3KeepsEverythingAndTheDrainReportsIt) {
    s3::S3Settings settings;
    settings.endpoint = "http://127.0.0.1:" + std::to_string(test::free_loopback_port());
    settings.bucket = k_bucket;
    settings.access_key = test::S3Server::k_access_key;
    settings.secret_key = test::S3Server::k_secret_key;
    settings.retries = {1, 0ms, 0ms};
    write_chunk("0002.mp4", "two");
    write_chunk("0001.mp4", "one");
    ASSERT_NO_FATAL_FAILURE(new_shipper(settings));
    offer("0002.mp4");
    offer("0001.mp4");
    run_until([&] { return m_errors.size() >= 3; });
    const auto started = std::chrono::steady_clock::now();
    const std::vector<ShipItem> unshipped = drain(300ms);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
    ASSERT_EQ(unshipped.size(), 2u);
    EXPECT_EQ(unshipped[0].name, "0001.mp4");
    EXPECT_EQ(unshipped[1].name, "0002.mp4");
    EXPECT_TRUE(m_confirmed.empty());
    EXPECT_NE(m_errors.front().find("cannot connect"), std::string::npos) << m_errors.front();
    EXPECT_TRUE(std::filesystem::exists(m_folder / "0001.mp4"));
    EXPECT_TRUE(parse_journal(test::slurp(m_folder / k_journal_file_name)).entries.empty());
}

} // namespace
} // namespace ov2ha::chunks
