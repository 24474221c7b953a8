// The s3 section of the configuration as S3 client settings: names, units, defaults, and
// errors that name key, value and source without showing the secret.
#include "core/s3/settings_from_config.hpp"

#include <gtest/gtest.h>

namespace ov2ha::s3 {
namespace {

Result<Config> load(std::map<std::string, std::string> environment) {
    ConfigInputs inputs;
    inputs.sections = {"s3", "storage"};
    inputs.default_config_file = "/nonexistent/ov2ha.toml";
    inputs.environment = std::move(environment);
    return Config::load(inputs);
}

std::map<std::string, std::string> complete_environment() {
    return {{"HA_AWS_S3_SERVICE_ENDPOINT", "http://minio:9000"},
            {"HA_AWS_S3_BUCKET", "recordings"},
            {"HA_AWS_ACCESS_KEY", "AKIDEXAMPLE"},
            {"HA_AWS_SECRET_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}};
}

TEST(SettingsFromConfig, LegacyNamesAndDefaultsBecomeClientSettings) {
    auto config = load(complete_environment());
    ASSERT_TRUE(config) << config.message();
    auto settings = settings_from_config(*config);
    ASSERT_TRUE(settings) << settings.message();
    EXPECT_EQ(settings->endpoint, "http://minio:9000");
    EXPECT_EQ(settings->bucket, "recordings");
    EXPECT_EQ(settings->access_key, "AKIDEXAMPLE");
    EXPECT_EQ(settings->secret_key, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    EXPECT_EQ(settings->region, "us-east-1");
    EXPECT_FALSE(settings->path_style.has_value()) << "auto: path-style for custom endpoints";
    EXPECT_TRUE(bucket_location(*settings).path_style);
    EXPECT_EQ(settings->multipart_threshold, 64 * k_mebibyte);
    EXPECT_EQ(settings->part_size, 8 * k_mebibyte);
    EXPECT_EQ(settings->part_parallelism, 4);
    EXPECT_EQ(settings->retries.max_attempts, 4);
    EXPECT_EQ(settings->timeouts.connect, std::chrono::seconds(10));
}

TEST(SettingsFromConfig, Ov2haNamesAndUnits) {
    auto environment = complete_environment();
    environment["OV2HA_S3_BUCKET"] = "other";
    environment["OV2HA_S3_PATH_STYLE"] = "false";
    environment["OV2HA_S3_ENDPOINT"] = "https://s3.eu-west-1.amazonaws.com";
    environment["OV2HA_S3_REGION"] = "eu-west-1";
    environment["OV2HA_S3_PART_SIZE_MB"] = "16";
    environment["OV2HA_S3_MULTIPART_THRESHOLD_MB"] = "100";
    environment["OV2HA_S3_RETRY_MAX_MS"] = "5000";
    environment["OV2HA_S3_STALL_SECONDS"] = "7";
    auto config = load(environment);
    ASSERT_TRUE(config) << config.message();
    auto settings = settings_from_config(*config);
    ASSERT_TRUE(settings) << settings.message();
    EXPECT_EQ(settings->bucket, "other");
    EXPECT_EQ(settings->path_style, false);
    EXPECT_EQ(settings->part_size, 16 * k_mebibyte);
    EXPECT_EQ(settings->multipart_threshold, 100 * k_mebibyte);
    EXPECT_EQ(settings->retries.max_delay, std::chrono::milliseconds(5000));
    EXPECT_EQ(settings->timeouts.low_speed_time, std::chrono::seconds(7));
}

TEST(SettingsFromConfig, AMissingBucketNamesTheKeyTheSourceAndTheFix) {
    auto environment = complete_environment();
    environment.erase("HA_AWS_S3_BUCKET");
    auto config = load(environment);
    ASSERT_TRUE(config) << config.message();
    auto settings = settings_from_config(*config);
    ASSERT_FALSE(settings);
    EXPECT_EQ(settings.message(), "bad setting s3.bucket=\"\" from default: a bucket is required: "
                                  "set HA_AWS_S3_BUCKET or OV2HA_S3_BUCKET");
}

TEST(SettingsFromConfig, AnEndpointThatIsNotHttpHostPortIsRefused) {
    for (const std::string bad : {"ftp://minio:9000", "minio:9000", "http://minio:9000/path",
                                  "http://user@minio", "http://minio:99999", "http://"}) {
        auto environment = complete_environment();
        environment["HA_AWS_S3_SERVICE_ENDPOINT"] = bad;
        auto config = load(environment);
        ASSERT_TRUE(config) << config.message();
        auto settings = settings_from_config(*config);
        ASSERT_FALSE(settings) << bad;
        EXPECT_NE(settings.message().find("bad setting s3.endpoint=\"" + bad +
                                          "\" from environment HA_AWS_S3_SERVICE_ENDPOINT: "),
                  std::string::npos)
            << settings.message();
    }
}

TEST(SettingsFromConfig, MissingKeysAreNamedAndTheSecretNeverShown) {
    auto environment = complete_environment();
    environment["HA_AWS_SECRET_KEY"] = "";
    auto settings = settings_from_config(*load(environment));
    ASSERT_FALSE(settings);
    EXPECT_EQ(settings.message(),
              "bad setting s3.secret_key=*** from environment HA_AWS_SECRET_KEY: a secret key is "
              "required: set HA_AWS_SECRET_KEY or OV2HA_S3_SECRET_KEY");

    environment = complete_environment();
    environment.erase("HA_AWS_ACCESS_KEY");
    settings = settings_from_config(*load(environment));
    ASSERT_FALSE(settings);
    EXPECT_NE(settings.message().find("s3.access_key"), std::string::npos);

    environment = complete_environment();
    environment["HA_AWS_S3_BUCKET"] = "bad/bucket";
    settings = settings_from_config(*load(environment));
    ASSERT_FALSE(settings);
    EXPECT_NE(settings.message().find("bad setting s3.bucket=\"bad/bucket\""), std::string::npos)
        << settings.message();
    EXPECT_EQ(settings.message().find("wJalrXUtnFEMI"), std::string::npos);
}

TEST(SettingsFromConfig, SettingsThatCannotWorkTogetherAreNamed) {
    auto environment = complete_environment();
    environment["HA_AWS_S3_SERVICE_ENDPOINT"] = "http://10.0.0.5:9000";
    environment["OV2HA_S3_PATH_STYLE"] = "false";
    auto settings = settings_from_config(*load(environment));
    ASSERT_FALSE(settings);
    EXPECT_NE(settings.message().find("bad setting s3.path_style=\"false\""), std::string::npos)
        << settings.message();

    environment = complete_environment();
    environment["OV2HA_S3_RETRY_BASE_MS"] = "9000";
    environment["OV2HA_S3_RETRY_MAX_MS"] = "1000";
    settings = settings_from_config(*load(environment));
    ASSERT_FALSE(settings);
    EXPECT_NE(settings.message().find("s3.retry_base_ms"), std::string::npos) << settings.message();

    environment = complete_environment();
    environment["OV2HA_S3_REGION"] = "Not A Region";
    environment["HA_AWS_S3_SERVICE_ENDPOINT"] = "";
    settings = settings_from_config(*load(environment));
    ASSERT_FALSE(settings);
    EXPECT_NE(settings.message().find("s3.region"), std::string::npos) << settings.message();
}

TEST(SettingsFromConfig, PrintConfigHidesTheSecret) {
    auto config = load(complete_environment());
    ASSERT_TRUE(config) << config.message();
    const std::string text = config->describe({"s3"});
    EXPECT_NE(text.find("secret_key = \"***\"  # environment HA_AWS_SECRET_KEY"), std::string::npos)
        << text;
    EXPECT_EQ(text.find("wJalrXUtnFEMI"), std::string::npos);
    EXPECT_NE(text.find("bucket = \"recordings\"  # environment HA_AWS_S3_BUCKET"),
              std::string::npos);
}

TEST(SettingsFromConfig, StorageModeTakesTheLegacyName) {
    auto environment = complete_environment();
    environment["HA_RECORDING_STORAGE"] = "s3";
    auto config = load(environment);
    ASSERT_TRUE(config) << config.message();
    EXPECT_EQ(config->text("storage.mode"), "s3");
    environment["HA_RECORDING_STORAGE"] = "ftp";
    auto bad = load(environment);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.message(), "bad setting storage.mode=\"ftp\" from environment "
                             "HA_RECORDING_STORAGE: expected one of: local s3");
}

} // namespace
} // namespace ov2ha::s3
