// S3 errors: which are worth retrying, and how they read.
#include "core/s3/client_settings.hpp"
#include "core/s3/error.hpp"
#include "core/s3/sender.hpp"

#include <gtest/gtest.h>

namespace ov2ha::s3 {
namespace {

TEST(S3Error, ServerErrorsTimeoutsAndThrottlingAreRetryable) {
    for (long status : {500L, 502L, 503L, 504L, 408L, 429L}) {
        EXPECT_EQ(kind_of_status(status, ""), ErrorKind::retryable) << status;
    }
    EXPECT_EQ(kind_of_status(400, "RequestTimeout"), ErrorKind::retryable);
    EXPECT_EQ(kind_of_status(503, "SlowDown"), ErrorKind::retryable);
    EXPECT_EQ(kind_of_status(200, "InternalError"), ErrorKind::retryable);
}

TEST(S3Error, OtherClientErrorsAreFinal) {
    for (long status : {400L, 401L, 403L, 404L, 405L, 409L, 412L, 416L}) {
        EXPECT_EQ(kind_of_status(status, ""), ErrorKind::final) << status;
    }
    EXPECT_EQ(kind_of_status(403, "AccessDenied"), ErrorKind::final);
    EXPECT_EQ(kind_of_status(400, "BadDigest"), ErrorKind::final);
    EXPECT_EQ(kind_of_status(404, "NoSuchBucket"), ErrorKind::final);
}

TEST(S3Error, ReadsAsOperationTargetCodeAndMessage) {
    S3Error error =
        make_error("PutObject", "b", "rec/chunks/0001.mp4", ErrorKind::final, "Access Denied");
    error.code = "AccessDenied";
    error.attempts = 1;
    EXPECT_EQ(error.text(), "S3 PutObject rec/chunks/0001.mp4: AccessDenied: Access Denied");
    error.attempts = 4;
    EXPECT_EQ(error.text(),
              "S3 PutObject rec/chunks/0001.mp4: AccessDenied: Access Denied (after 4 attempts)");

    const S3Error bucket = make_error("ListObjectsV2", "b", "", ErrorKind::retryable, "HTTP 503");
    EXPECT_EQ(bucket.text(), "S3 ListObjectsV2 bucket b: HTTP 503");
    EXPECT_TRUE(bucket.retryable());
}

TEST(S3Settings, RefusesSettingsThatCannotWorkWithoutShowingTheSecret) {
    S3Settings settings;
    settings.endpoint = "http://minio:9000";
    settings.bucket = "recordings";
    settings.access_key = "key";
    settings.secret_key = "s3cr3t-value";
    EXPECT_TRUE(check_settings(settings));
    EXPECT_TRUE(bucket_location(settings).path_style);

    const auto expect_refused = [&](S3Settings broken, const std::string& words) {
        const Status checked = check_settings(broken);
        ASSERT_FALSE(checked) << words;
        EXPECT_NE(checked.message().find(words), std::string::npos) << checked.message();
        EXPECT_EQ(checked.message().find("s3cr3t-value"), std::string::npos);
    };
    S3Settings broken = settings;
    broken.bucket.clear();
    expect_refused(broken, "bucket");
    broken = settings;
    broken.secret_key.clear();
    expect_refused(broken, "secret key");
    broken = settings;
    broken.endpoint = "ftp://minio";
    expect_refused(broken, "ftp://minio");
    broken = settings;
    broken.path_style = false;
    broken.endpoint = "http://10.0.0.1:9000";
    expect_refused(broken, "S3 settings: ");
    broken = settings;
    broken.list_page_size = 1001;
    expect_refused(broken, "list page size");
    broken = settings;
    broken.part_parallelism = 0;
    expect_refused(broken, "parallelism");
    broken = settings;
    broken.retries.max_attempts = 0;
    expect_refused(broken, "max_attempts");
}

TEST(S3Settings, AwsBucketsAreVirtualHostedUnlessTheNameForbidsIt) {
    S3Settings settings;
    settings.region = "eu-west-1";
    settings.bucket = "recordings";
    EXPECT_FALSE(bucket_location(settings).path_style);
    settings.bucket = "my.recordings";
    EXPECT_TRUE(bucket_location(settings).path_style);
    settings.path_style = false;
    EXPECT_FALSE(bucket_location(settings).path_style);
}

} // namespace
} // namespace ov2ha::s3
