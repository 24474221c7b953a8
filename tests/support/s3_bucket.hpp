// Blocking access to one bucket for tests that judge what `ov2ha` stored: the S3 client
// on a private loop, run until each operation reports. Tests only.
#pragma once

#include "core/s3/client.hpp"
#include "tests/support/process.hpp"

#include <memory>
#include <string>
#include <uv.h>
#include <vector>

namespace ov2ha::test {

// One bucket seen through its own client and loop; test thread only.
class BucketProbe {
  public:
    // A client for `settings` on its own loop; a bad setting fails the current test.
    explicit BucketProbe(s3::S3Settings settings);
    ~BucketProbe();
    BucketProbe(const BucketProbe&) = delete;
    BucketProbe& operator=(const BucketProbe&) = delete;

    s3::S3Result<std::monostate> create_bucket();
    s3::S3Result<s3::PutReport> put(const std::string& key, const std::string& bytes);
    s3::S3Result<std::vector<s3::ObjectInfo>> list(const std::string& prefix);
    // The object's bytes; empty, with a test failure, when it cannot be read.
    std::string download(const std::string& key);
    // The keys under `prefix`, in S3's order; a listing failure fails the test.
    std::vector<std::string> keys(const std::string& prefix);

  private:
    template <class T, class Start> s3::S3Result<T> wait_for(Start start);

    uv_loop_t m_loop{};
    std::unique_ptr<s3::S3Client> m_client;
    TempDir m_scratch; // downloads land here
};

// The lower-case hex MD5 of `bytes`: the ETag S3 gives a single-part object.
std::string md5_hex(const std::string& bytes);

} // namespace ov2ha::test
