// Blocking bucket access for tests; see s3_bucket.hpp.
#include "tests/support/s3_bucket.hpp"

#include "core/base/hashing.hpp"
#include "core/base/loop.hpp"

#include <chrono>
#include <gtest/gtest.h>
#include <optional>

namespace ov2ha::test {
namespace {

constexpr std::chrono::seconds k_operation_limit{60};

} // namespace

BucketProbe::BucketProbe(s3::S3Settings settings) {
    uv_loop_init(&m_loop);
    auto client = s3::S3Client::create(&m_loop, std::move(settings));
    if (!client) {
        ADD_FAILURE() << client.message();
        return;
    }
    m_client = std::move(*client);
}

BucketProbe::~BucketProbe() {
    m_client.reset();
    const Status closed = shut_down_loop(&m_loop);
    EXPECT_TRUE(closed) << closed.message();
}

template <class T, class Start> s3::S3Result<T> BucketProbe::wait_for(Start start) {
    if (!m_client) {
        return s3::make_error("test", "", "", s3::ErrorKind::final, "no client");
    }
    std::optional<s3::S3Result<T>> result;
    start([&result](s3::S3Result<T> outcome) { result.emplace(std::move(outcome)); });
    const auto deadline = std::chrono::steady_clock::now() + k_operation_limit;
    while (!result && std::chrono::steady_clock::now() < deadline) {
        uv_run(&m_loop, UV_RUN_ONCE);
    }
    if (!result) {
        return s3::make_error("test", "", "", s3::ErrorKind::final, "no answer in time");
    }
    return std::move(*result);
}

s3::S3Result<std::monostate> BucketProbe::create_bucket() {
    return wait_for<std::monostate>([this](auto done) { m_client->create_bucket(done); });
}

s3::S3Result<s3::PutReport> BucketProbe::put(const std::string& key, const std::string& bytes) {
    return wait_for<s3::PutReport>([&](auto done) { m_client->put_object(key, bytes, done); });
}

s3::S3Result<std::vector<s3::ObjectInfo>> BucketProbe::list(const std::string& prefix) {
    return wait_for<std::vector<s3::ObjectInfo>>(
        [&](auto done) { m_client->list_objects(prefix, done); });
}

std::string BucketProbe::download(const std::string& key) {
    const std::string path = m_scratch / "object";
    auto got = wait_for<s3::GetReport>(
        [&](auto done) { m_client->get_object(key, path, std::nullopt, done); });
    if (!got) {
        ADD_FAILURE() << got.error().text();
        return "";
    }
    return slurp(path);
}

std::vector<std::string> BucketProbe::keys(const std::string& prefix) {
    auto listed = list(prefix);
    if (!listed) {
        ADD_FAILURE() << listed.error().text();
        return {};
    }
    std::vector<std::string> keys;
    for (const auto& object : *listed) {
        keys.push_back(object.key);
    }
    return keys;
}

std::string md5_hex(const std::string& bytes) {
    return hex_lower(*md5(bytes));
}

} // namespace ov2ha::test
