// The asynchronous S3 client: PutObject (single or multipart), GetObject, HeadObject,
// ListObjectsV2, DeleteObjects and CreateBucket on the loop, over the curl transport and
// the SigV4 signer. Every body's real SHA-256, computed on a worker, is signed as
// x-amz-content-sha256, so S3 refuses a body corrupted on the way. Loop thread only.
#pragma once

#include "core/base/result.hpp"
#include "core/s3/client_settings.hpp"
#include "core/s3/error.hpp"
#include "core/s3/objects.hpp"
#include "core/s3/sender.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <uv.h>
#include <variant>
#include <vector>

namespace ov2ha::s3 {

// Receives an operation's outcome, once, on the loop thread. Must not throw.
template <class T> using S3Callback = std::function<void(S3Result<T>)>;

// Bytes first to last of an object, both included; no last means to the end.
struct ByteRange {
    std::uint64_t first = 0;
    std::optional<std::uint64_t> last;
};

// One bucket's client. Owns its transport; operations in flight keep only what they need,
// so the client may be destroyed at any time on the loop thread (also inside a callback):
// every pending callback then runs with a cancelled error, at once or when its worker job
// ends. Callbacks never run inside the call that started the operation.
class S3Client {
  public:
    // Checks `settings` (see check_settings) and creates the client on `loop`.
    static Result<std::unique_ptr<S3Client>> create(uv_loop_t* loop, S3Settings settings);
    ~S3Client();
    S3Client(const S3Client&) = delete;
    S3Client& operator=(const S3Client&) = delete;

    // Stores `bytes` as `key` with one PutObject.
    void put_object(std::string key, std::string bytes, S3Callback<PutReport> done);

    // Stores the file at `path` as `key`: one PutObject up to the multipart threshold, a
    // multipart upload above it. The file must not change until `done` runs.
    void put_file(std::string key, std::string path, S3Callback<PutReport> done);

    // Downloads `key` (or `range` of it) to `path`, through a temporary file beside it
    // that is renamed over `path` only when the whole body arrived.
    void get_object(std::string key, std::string path, std::optional<ByteRange> range,
                    S3Callback<GetReport> done);

    // Describes `key`; a missing key fails with http_status 404 (not_found()).
    void head_object(std::string key, S3Callback<ObjectInfo> done);

    // Lists every object whose key starts with `prefix`, following continuation tokens
    // page by page (settings().list_page_size keys per page), in S3's key order.
    void list_objects(std::string prefix, S3Callback<std::vector<ObjectInfo>> done);

    // Deletes `keys` with DeleteObjects, in batches of at most 1000; keys S3 refuses are
    // listed in the report's errors, not failed as a whole.
    void delete_objects(std::vector<std::string> keys, S3Callback<DeleteReport> done);

    // Creates the bucket (with a LocationConstraint outside us-east-1); succeeds when the
    // bucket already exists and belongs to these credentials.
    void create_bucket(S3Callback<std::monostate> done);

    // Cancels every operation (their callbacks run with a cancelled error) and releases the
    // transport so the loop can finish. Later operations are cancelled.
    void close();

    // For tests: runs before each request attempt is signed (see AttemptHook).
    void set_attempt_hook(AttemptHook hook);

    const S3Settings& settings() const { return m_sender->settings(); }

  private:
    explicit S3Client(std::shared_ptr<Sender> sender) : m_sender(std::move(sender)) {}

    std::shared_ptr<Sender> m_sender;
};

} // namespace ov2ha::s3
