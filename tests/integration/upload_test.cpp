// `ov2ha upload` end to end against a real S3 server (s3rver): byte-identical round trips
// (small, multipart, empty, folders), and the exit codes and words of every failure.
#include "core/base/files.hpp"
#include "tests/support/process.hpp"
#include "tests/support/s3_bucket.hpp"
#include "tests/support/s3_server.hpp"

#include <filesystem>
#include <gtest/gtest.h>

namespace ov2ha::test {
namespace {

constexpr const char* k_bucket = "uploads";

class UploadTest : public ::testing::Test {
  protected:
    void SetUp() override { OV2HA_START_S3_SERVER(m_server); }

    RunResult upload(std::vector<std::string> arguments,
                     std::map<std::string, std::string> environment = {}) const {
        std::vector<std::string> argv{ov2ha_binary(), "upload"};
        argv.insert(argv.end(), arguments.begin(), arguments.end());
        auto merged = m_server->environment();
        for (auto& [name, value] : environment) {
            merged[name] = value;
        }
        return run(argv, merged);
    }

    std::string file(const std::string& name, const std::string& bytes) const {
        const std::string path = m_dir / name;
        std::filesystem::create_directories(std::filesystem::path(path).parent_path());
        EXPECT_TRUE(write_file_atomically(path, bytes));
        return path;
    }

    std::unique_ptr<S3Server> m_server;
    TempDir m_dir;
};

TEST_F(UploadTest, FilesAndFoldersRoundTripByteForByte) {
    const std::string small = random_bytes(100'000, 1);
    const std::string large = random_bytes(21 * 1024 * 1024, 2);
    file("single.bin", small);
    file("large.bin", large);
    file("empty.bin", "");
    file("chunks/0001.mp4", "chunk one");
    file("chunks/0002.mp4", "chunk two");
    file("chunks/nested/deeper.txt", "deep");

    const auto result =
        upload({"--create-bucket", "--multipart-threshold-mb", "8", "--part-size-mb", "5",
                m_dir / "single.bin", m_dir / "large.bin", m_dir / "empty.bin", m_dir / "chunks",
                std::string("s3://") + k_bucket + "/rec/ses_1/"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("uploaded 6 of 6 files, " +
                              std::to_string(small.size() + large.size() + 22) + " bytes in "),
              std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find(" MB/s)"), std::string::npos) << result.out;

    BucketProbe probe(m_server->settings(k_bucket));
    EXPECT_EQ(probe.keys("rec/"),
              (std::vector<std::string>{"rec/ses_1/0001.mp4", "rec/ses_1/0002.mp4",
                                        "rec/ses_1/empty.bin", "rec/ses_1/large.bin",
                                        "rec/ses_1/nested/deeper.txt", "rec/ses_1/single.bin"}));
    EXPECT_TRUE(probe.download("rec/ses_1/single.bin") == small);
    EXPECT_TRUE(probe.download("rec/ses_1/large.bin") == large)
        << "multipart: 5 + 5 + 5 + 5 + 1 MiB";
    EXPECT_EQ(probe.download("rec/ses_1/empty.bin"), "");
    EXPECT_EQ(probe.download("rec/ses_1/0002.mp4"), "chunk two");
    EXPECT_EQ(probe.download("rec/ses_1/nested/deeper.txt"), "deep");
    auto listed = probe.list("rec/ses_1/large.bin");
    ASSERT_TRUE(listed) << listed.error().text();
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_EQ(listed->front().size, large.size());
}

TEST_F(UploadTest, MalformedDestinationsAndMissingPathsExitTwoBeforeSending) {
    const std::string path = file("a.bin", "a");
    for (const std::string bad : {"uploads/x", "s3:/uploads", "s3://", "s3:///x", "s3://bad name/x",
                                  "s3://uploads//x", "s3://uploads/../x", "http://uploads/x"}) {
        const auto result = upload({path, bad});
        EXPECT_EQ(result.exit_code, 2) << bad;
        EXPECT_NE(result.err.find("bad S3 URL \"" + bad + "\""), std::string::npos) << result.err;
    }
    const auto missing = upload({path, m_dir / "not-there.bin", "s3://uploads/x"});
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.err.find("no such file or folder: " + m_dir / "not-there.bin"),
              std::string::npos)
        << missing.err;
    const auto alone = upload({"s3://uploads/x"});
    EXPECT_EQ(alone.exit_code, 2);
    EXPECT_NE(alone.err.find("give one or more files or folders"), std::string::npos) << alone.err;
}

TEST_F(UploadTest, SettingsThatCannotWorkExitTwoNamingTheKey) {
    const std::string path = file("a.bin", "a");
    const auto no_key = upload({path, "s3://uploads/x"}, {{"HA_AWS_ACCESS_KEY", ""}});
    EXPECT_EQ(no_key.exit_code, 2);
    EXPECT_NE(no_key.err.find("bad setting s3.access_key=\"\" from environment HA_AWS_ACCESS_KEY"),
              std::string::npos)
        << no_key.err;
    const auto bad_endpoint =
        upload({path, "s3://uploads/x"}, {{"HA_AWS_S3_SERVICE_ENDPOINT", "minio:9000"}});
    EXPECT_EQ(bad_endpoint.exit_code, 2);
    EXPECT_NE(bad_endpoint.err.find("bad setting s3.endpoint=\"minio:9000\" from environment "
                                    "HA_AWS_S3_SERVICE_ENDPOINT: "),
              std::string::npos)
        << bad_endpoint.err;
    const auto print = upload({"--print-config", path, "s3://uploads/x"},
                              {{"HA_AWS_SECRET_KEY", "do-not-show-me"}});
    EXPECT_EQ(print.exit_code, 0) << print.err;
    EXPECT_EQ(print.out.find("do-not-show-me"), std::string::npos);
    EXPECT_NE(print.out.find("secret_key = \"***\""), std::string::npos) << print.out;
}

TEST_F(UploadTest, ServerRefusalsExitOneWithS3sWords) {
    const std::string path = file("a.bin", "a");
    const auto missing_bucket = upload({path, "s3://no-such-bucket/x"});
    EXPECT_EQ(missing_bucket.exit_code, 1);
    EXPECT_NE(missing_bucket.err.find("NoSuchBucket"), std::string::npos) << missing_bucket.err;
    EXPECT_NE(missing_bucket.out.find("uploaded 0 of 1 files"), std::string::npos);

    const auto bad_key =
        upload({"--create-bucket", path, "s3://uploads/x"}, {{"HA_AWS_ACCESS_KEY", "NOT-S3RVER"}});
    EXPECT_EQ(bad_key.exit_code, 1);
    EXPECT_NE(bad_key.err.find("InvalidAccessKeyId"), std::string::npos) << bad_key.err;

    const std::string closed = "http://127.0.0.1:" + std::to_string(free_loopback_port());
    const auto unreachable =
        upload({path, "s3://uploads/x"}, {{"HA_AWS_S3_SERVICE_ENDPOINT", closed},
                                          {"OV2HA_S3_RETRY_BASE_MS", "10"},
                                          {"OV2HA_S3_RETRY_MAX_MS", "50"}});
    EXPECT_EQ(unreachable.exit_code, 1);
    EXPECT_NE(unreachable.err.find("cannot connect to " + closed), std::string::npos)
        << unreachable.err;
}

} // namespace
} // namespace ov2ha::test
