// `ov2ha watch` end to end against a real S3 server (s3rver): ffmpeg's segmenter as the
// writer, an S3 outage in the middle, a restart over its own journal, a stop while S3 is
// unreachable, deletion after upload, and a disk too full for the journal. The log's
// "uploaded" lines count the uploads.
#include "core/base/files.hpp"
#include "core/chunks/upload_journal.hpp"
#include "tests/support/media_tools.hpp"
#include "tests/support/process.hpp"
#include "tests/support/s3_bucket.hpp"
#include "tests/support/s3_server.hpp"
#include "tests/support/small_disk.hpp"

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <regex>
#include <thread>

namespace ov2ha::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* k_bucket = "watched";

// The files named by "uploaded" log lines, in log order.
std::vector<std::string> uploads_in(const std::string& log) {
    static const std::regex line(R"(info uploaded file=(\S+) )");
    std::vector<std::string> names;
    for (std::sregex_iterator it(log.begin(), log.end(), line), end; it != end; ++it) {
        names.push_back((*it)[1]);
    }
    return names;
}

class WatchTest : public ::testing::Test {
  protected:
    void SetUp() override {
        OV2HA_START_S3_SERVER(m_server);
        BucketProbe probe(m_server->settings(k_bucket));
        auto created = probe.create_bucket();
        ASSERT_TRUE(created) << created.error().text();
        fs::create_directories(chunks());
    }

    // `ov2ha watch` on the chunk folder into s3://watched/cam, logging to logs<run>.
    std::unique_ptr<Background> watch(std::vector<std::string> flags, int run = 1,
                                      std::map<std::string, std::string> environment = {}) {
        std::vector<std::string> argv{ov2ha_binary(),     "watch",          chunks(),
                                      "s3://watched/cam", "--scan-seconds", "1"};
        argv.insert(argv.end(), flags.begin(), flags.end());
        auto merged = m_server->environment();
        for (auto& [name, value] : environment) {
            merged[name] = value;
        }
        const std::string logs = m_dir / ("logs" + std::to_string(run));
        fs::create_directories(logs);
        auto process = std::make_unique<Background>(argv, merged, logs);
        EXPECT_TRUE(eventually(
            [&] { return process->stderr_text().find("info watching") != std::string::npos; }, 15s))
            << process->stderr_text();
        return process;
    }

    std::string chunks() const { return m_chunks; }
    std::string chunk(const std::string& name) const { return m_chunks + "/" + name; }

    // Writes a chunk the way a recorder does: opened, written in pieces, closed.
    std::string write_chunk(const std::string& name, std::uint64_t seed) {
        const std::string bytes = random_bytes(200'000 + seed * 1000, seed);
        std::ofstream out(chunk(name), std::ios::binary);
        for (size_t offset = 0; offset < bytes.size(); offset += 50'000) {
            out.write(bytes.data() + offset, static_cast<std::streamsize>(
                                                 std::min<size_t>(50'000, bytes.size() - offset)));
            out.flush();
            std::this_thread::sleep_for(20ms);
        }
        m_written[name] = bytes;
        return bytes;
    }

    std::vector<std::string> journaled() const {
        std::vector<std::string> names;
        for (const auto& entry :
             chunks::parse_journal(slurp(chunk(chunks::k_journal_file_name))).entries) {
            names.push_back(entry.name);
        }
        return names;
    }

    // Every written chunk is in the bucket under cam/ with its exact bytes (the ETag of a
    // single-part object is the MD5 of its bytes), and nothing else is.
    void expect_bucket_holds_what_was_written() {
        BucketProbe probe(m_server->settings(k_bucket));
        auto listed = probe.list("cam/");
        ASSERT_TRUE(listed) << listed.error().text();
        std::map<std::string, std::string> etags;
        for (const auto& object : *listed) {
            etags[object.key] = object.etag;
        }
        ASSERT_EQ(etags.size(), m_written.size());
        for (const auto& [name, bytes] : m_written) {
            EXPECT_EQ(etags["cam/" + name], md5_hex(bytes)) << name;
        }
    }

    std::unique_ptr<S3Server> m_server;
    TempDir m_dir;
    std::string m_chunks = m_dir / "chunks"; // the watched folder
    std::map<std::string, std::string> m_written;
};

TEST_F(WatchTest, FfmpegSegmenterChunksShipOnceEachAsTheyClose) {
    OV2HA_REQUIRE_PROGRAM("ffmpeg");
    // A long settle time: only the writer's close can make a segment ship this fast.
    auto watcher = watch({"--stable-seconds", "60"});
    const auto made = run({"ffmpeg",
                           "-v",
                           "error",
                           "-re",
                           "-f",
                           "lavfi",
                           "-i",
                           "testsrc2=size=320x240:rate=25",
                           "-t",
                           "4",
                           "-c:v",
                           "libx264",
                           "-preset",
                           "ultrafast",
                           "-g",
                           "25",
                           "-f",
                           "segment",
                           "-segment_time",
                           "1",
                           "-segment_start_number",
                           "1",
                           "-reset_timestamps",
                           "1",
                           chunks() + "/%04d.mp4"});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    for (const auto& entry : fs::directory_iterator(chunks())) {
        const std::string name = entry.path().filename().string();
        if (name.front() != '.') {
            m_written[name] = slurp(entry.path().string());
        }
    }
    ASSERT_GE(m_written.size(), 3u);
    ASSERT_TRUE(eventually([&] { return journaled().size() >= m_written.size(); }, 20s))
        << watcher->stderr_text();
    expect_bucket_holds_what_was_written();
    const auto uploads = uploads_in(watcher->stderr_text());
    EXPECT_EQ(uploads.size(), m_written.size()) << watcher->stderr_text();
    watcher->signal(SIGTERM);
    EXPECT_EQ(watcher->wait(10), 0) << watcher->stderr_text();
}

TEST_F(WatchTest, AnS3OutageLosesNothingDuplicatesNothingAndDrainsInOrder) {
    auto watcher =
        watch({"--stable-seconds", "30", "--retry-max-seconds", "1", "--upload-parallelism", "1"});
    write_chunk("0001.mp4", 1);
    write_chunk("0002.mp4", 2);
    ASSERT_TRUE(eventually([&] { return journaled().size() == 2; }, 20s)) << watcher->stderr_text();

    m_server->stop();
    const auto outage_started = std::chrono::steady_clock::now();
    for (int number = 3; number <= 7; ++number) {
        std::this_thread::sleep_for(1500ms);
        write_chunk("000" + std::to_string(number) + ".mp4", static_cast<std::uint64_t>(number));
    }
    std::this_thread::sleep_until(outage_started + 10s);
    EXPECT_EQ(journaled().size(), 2u);
    for (const auto& [name, bytes] : m_written) {
        EXPECT_EQ(slurp(chunk(name)), bytes) << name << " stays on disk";
    }
    EXPECT_NE(watcher->stderr_text().find("upload failed; the file stays on disk"),
              std::string::npos);

    std::string why_not;
    ASSERT_TRUE(m_server->restart(why_not)) << why_not;
    ASSERT_TRUE(eventually([&] { return journaled().size() == 7; }, 15s)) << watcher->stderr_text();
    EXPECT_EQ(uploads_in(watcher->stderr_text()),
              (std::vector<std::string>{"0001.mp4", "0002.mp4", "0003.mp4", "0004.mp4", "0005.mp4",
                                        "0006.mp4", "0007.mp4"}))
        << watcher->stderr_text();
    expect_bucket_holds_what_was_written();
    watcher->signal(SIGTERM);
    EXPECT_EQ(watcher->wait(10), 0) << watcher->stderr_text();
}

TEST_F(WatchTest, ARestartedWatchHonoursItsJournal) {
    {
        auto first = watch({"--stable-seconds", "30"});
        write_chunk("0001.mp4", 1);
        write_chunk("0002.mp4", 2);
        write_chunk("0003.mp4", 3);
        ASSERT_TRUE(eventually([&] { return journaled().size() == 3; }, 20s))
            << first->stderr_text();
        first->signal(SIGINT);
        ASSERT_EQ(first->wait(10), 0) << first->stderr_text();
    }
    // While nobody watches: a torn journal line (a crash mid-append), two new chunks and a
    // chunk rewritten after its upload.
    const std::string line = slurp(chunk(chunks::k_journal_file_name));
    std::ofstream(chunk(chunks::k_journal_file_name), std::ios::app)
        << line.substr(0, line.find('\n') / 2);
    write_chunk("0004.mp4", 4);
    write_chunk("0005.mp4", 5);
    write_chunk("0002.mp4", 22);

    auto second = watch({"--stable-seconds", "1"}, 2);
    ASSERT_TRUE(eventually([&] { return journaled().size() == 6; }, 10s)) << second->stderr_text();
    std::this_thread::sleep_for(1500ms); // a full scan more: nothing else may go up
    auto uploads = uploads_in(second->stderr_text());
    std::sort(uploads.begin(), uploads.end()); // several go up at once
    EXPECT_EQ(uploads, (std::vector<std::string>{"0002.mp4", "0004.mp4", "0005.mp4"}))
        << second->stderr_text();
    EXPECT_NE(second->stderr_text().find("upload journal repaired"), std::string::npos);
    expect_bucket_holds_what_was_written();
    second->signal(SIGTERM);
    EXPECT_EQ(second->wait(10), 0) << second->stderr_text();
    EXPECT_EQ(chunks::parse_journal(slurp(chunk(chunks::k_journal_file_name))).bad_lines, 0u);
}

TEST_F(WatchTest, StoppingWhileS3IsUnreachableKeepsTheFilesAndExitsInTime) {
    const std::string closed = "http://127.0.0.1:" + std::to_string(free_loopback_port());
    auto watcher =
        watch({"--stable-seconds", "1", "--stop-wait-seconds", "2", "--retry-max-seconds", "1"}, 1,
              {{"HA_AWS_S3_SERVICE_ENDPOINT", closed}, {"OV2HA_LOG_LEVEL", "debug"}});
    write_chunk("0001.mp4", 1);
    write_chunk("0002.mp4", 2);
    // Both files seen and one upload tried, however slowly a loaded machine runs the watcher.
    ASSERT_TRUE(eventually(
        [&] {
            const std::string log = watcher->stderr_text();
            return log.find("upload failed; the file stays on disk") != std::string::npos &&
                   log.find("queued for upload file=0002.mp4") != std::string::npos;
        },
        15s))
        << watcher->stderr_text();
    const auto stopped = std::chrono::steady_clock::now();
    watcher->signal(SIGTERM);
    EXPECT_EQ(watcher->wait(10), 0) << watcher->stderr_text();
    EXPECT_LT(std::chrono::steady_clock::now() - stopped, 4s);
    const std::string log = watcher->stderr_text();
    EXPECT_NE(log.find("not uploaded yet; the next run ships it file=0001.mp4"), std::string::npos)
        << log;
    EXPECT_NE(log.find("not uploaded yet; the next run ships it file=0002.mp4"), std::string::npos)
        << log;
    EXPECT_TRUE(journaled().empty());
    EXPECT_EQ(slurp(chunk("0001.mp4")), m_written["0001.mp4"]);
}

TEST_F(WatchTest, DeleteAfterUploadRemovesOnlyConfirmedChunks) {
    auto watcher = watch({"--stable-seconds", "30", "--delete-after-upload"});
    write_chunk("0001.mp4", 1);
    write_chunk("0002.mp4", 2);
    std::ofstream(chunk(".hidden.tmp")) << "never shipped, never deleted";
    ASSERT_TRUE(eventually(
        [&] { return !fs::exists(chunk("0001.mp4")) && !fs::exists(chunk("0002.mp4")); }, 20s))
        << watcher->stderr_text();
    EXPECT_EQ(journaled().size(), 2u);
    EXPECT_TRUE(fs::exists(chunk(".hidden.tmp")));
    expect_bucket_holds_what_was_written();
    watcher->signal(SIGTERM);
    EXPECT_EQ(watcher->wait(10), 0) << watcher->stderr_text();
}

TEST_F(WatchTest, AJournalOnAFullDiskKeepsTheChunkUntilItsConfirmationIsDurable) {
    std::unique_ptr<SmallDisk> disk;
    OV2HA_MOUNT_SMALL_DISK(disk, 2 << 20);
    m_chunks = *disk / "chunks";
    fs::create_directories(m_chunks);
    auto watcher =
        watch({"--stable-seconds", "30", "--retry-max-seconds", "1", "--delete-after-upload"});
    // The chunk is written under a hidden name, which is not shipped, and renamed into
    // place once it has taken the last free byte: its upload works, its journal line cannot.
    const std::string bytes = random_bytes(300'000, 1);
    std::ofstream(chunk(".0001.mp4.part"), std::ios::binary) << bytes;
    ASSERT_TRUE(disk->fill(0));
    fs::rename(chunk(".0001.mp4.part"), chunk("0001.mp4"));
    m_written["0001.mp4"] = bytes;
    const std::string journal = chunk(chunks::k_journal_file_name);
    ASSERT_TRUE(eventually(
        [&] { return watcher->stderr_text().find("No space left on device") != std::string::npos; },
        10s))
        << watcher->stderr_text();
    std::this_thread::sleep_for(2s); // a few retries more, all failing
    const std::string log = watcher->stderr_text();
    EXPECT_NE(log.find("uploaded, but its upload journal line cannot be written, so it is sent "
                       "again: cannot append to upload journal " +
                       journal + ": No space left on device"),
              std::string::npos)
        << log;
    EXPECT_EQ(slurp(chunk("0001.mp4")), bytes) << "deleted before its confirmation was durable";
    EXPECT_TRUE(journaled().empty());
    EXPECT_TRUE(uploads_in(log).empty()) << log;

    disk->free_space();
    ASSERT_TRUE(eventually([&] { return journaled().size() == 1; }, 10s)) << watcher->stderr_text();
    ASSERT_TRUE(eventually([&] { return !fs::exists(chunk("0001.mp4")); }, 5s));
    write_chunk("0002.mp4", 2);
    ASSERT_TRUE(eventually([&] { return !fs::exists(chunk("0002.mp4")); }, 10s))
        << watcher->stderr_text();
    EXPECT_EQ(journaled(), (std::vector<std::string>{"0001.mp4", "0002.mp4"}));
    expect_bucket_holds_what_was_written();
    watcher->signal(SIGTERM);
    EXPECT_EQ(watcher->wait(10), 0) << watcher->stderr_text();
    EXPECT_EQ(chunks::parse_journal(slurp(journal)).bad_lines, 0u);
}

TEST_F(WatchTest, BadArgumentsExitTwo) {
    const auto missing =
        run({ov2ha_binary(), "watch", m_dir / "nope", "s3://watched/cam"}, m_server->environment());
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.err.find("no such folder: " + m_dir / "nope"), std::string::npos);
    const auto bad_url =
        run({ov2ha_binary(), "watch", chunks(), "s3:/watched"}, m_server->environment());
    EXPECT_EQ(bad_url.exit_code, 2);
    EXPECT_NE(bad_url.err.find("bad S3 URL"), std::string::npos) << bad_url.err;
}

} // namespace
} // namespace ov2ha::test
