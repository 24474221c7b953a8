// S3 operations on the loop; see client.hpp.
#include "core/s3/client.hpp"

#include "core/base/loop.hpp"
#include "core/s3/multipart_upload.hpp"
#include "core/s3/xml.hpp"

#include <charconv>
#include <filesystem>

namespace ov2ha::s3 {
namespace {

// DeleteObjects takes at most this many keys per request.
constexpr size_t k_max_delete_batch = 1000;

// Runs `function` on the loop thread after the current call returns.
void defer(uv_loop_t* loop, std::function<void()> function) {
    run_on_worker(
        loop, [] {}, std::move(function));
}

S3Error closed_error(const std::string& operation, const std::string& bucket,
                     const std::string& key) {
    return make_error(operation, bucket, key, ErrorKind::cancelled, "the S3 client is closed");
}

// When the client is closed, hands `done` a cancelled error after the call returns and
// says so; the operation must then not start.
template <class T>
bool refused_as_closed(const Sender& sender, const std::string& operation, const std::string& key,
                       S3Callback<T>& done) {
    if (!sender.closed()) {
        return false;
    }
    defer(sender.loop(),
          [done = std::move(done), error = closed_error(operation, sender.settings().bucket, key)] {
              done(error);
          });
    return true;
}

// The size of the regular file at `path`. Blocking.
Result<std::uint64_t> regular_file_size(const std::string& path) {
    std::error_code error;
    const auto status = std::filesystem::status(path, error);
    if (error) {
        return failure("cannot stat " + path + ": " + error.message());
    }
    if (!std::filesystem::is_regular_file(status)) {
        return failure(path + " is not a regular file");
    }
    const std::uintmax_t size = std::filesystem::file_size(path, error);
    if (error) {
        return failure("cannot read the size of " + path + ": " + error.message());
    }
    return static_cast<std::uint64_t>(size);
}

// Every page of one listing, gathered.
struct ListJob {
    std::weak_ptr<Sender> sender;
    std::string bucket;
    std::string prefix;
    int page_size = 1000;
    std::string continuation_token;
    std::vector<ObjectInfo> objects;
    S3Callback<std::vector<ObjectInfo>> done;
};

void list_next_page(const std::shared_ptr<ListJob>& job) {
    const auto sender = job->sender.lock();
    if (!sender) {
        job->done(closed_error("ListObjectsV2", job->bucket, ""));
        return;
    }
    S3Call call = bucket_call("ListObjectsV2", "GET");
    call.query = {{"list-type", "2"},
                  {"prefix", job->prefix},
                  {"max-keys", std::to_string(job->page_size)},
                  {"encoding-type", "url"}};
    if (!job->continuation_token.empty()) {
        call.query.emplace_back("continuation-token", job->continuation_token);
    }
    sender->send(std::move(call), [job](S3Result<http::HttpResponse> result) {
        if (!result) {
            job->done(std::move(result.error()));
            return;
        }
        auto page = parse_list_objects_v2(result->body);
        if (!page) {
            job->done(
                make_error("ListObjectsV2", job->bucket, "", ErrorKind::final, page.message()));
            return;
        }
        job->objects.insert(job->objects.end(), std::make_move_iterator(page->objects.begin()),
                            std::make_move_iterator(page->objects.end()));
        if (!page->truncated) {
            job->done(std::move(job->objects));
            return;
        }
        job->continuation_token = std::move(page->next_continuation_token);
        list_next_page(job);
    });
}

// One DeleteObjects request per batch, one after another.
struct DeleteJob {
    std::weak_ptr<Sender> sender;
    std::string bucket;
    std::vector<std::string> keys;
    size_t next = 0;
    DeleteReport report;
    S3Callback<DeleteReport> done;
};

void delete_next_batch(const std::shared_ptr<DeleteJob>& job) {
    if (job->next == job->keys.size()) {
        job->done(std::move(job->report));
        return;
    }
    const auto sender = job->sender.lock();
    if (!sender) {
        job->done(closed_error("DeleteObjects", job->bucket, ""));
        return;
    }
    const size_t end = std::min(job->keys.size(), job->next + k_max_delete_batch);
    const std::vector<std::string> batch(job->keys.begin() + static_cast<std::ptrdiff_t>(job->next),
                                         job->keys.begin() + static_cast<std::ptrdiff_t>(end));
    job->next = end;
    S3Call call = bucket_call("DeleteObjects", "POST");
    call.query = {{"delete", ""}};
    call.headers = {{"Content-Type", "application/xml"}};
    call.body = std::make_shared<const std::string>(delete_objects_xml(batch));
    call.content_md5 = true; // S3 refuses a DeleteObjects request without it
    sender->send(std::move(call), [job](S3Result<http::HttpResponse> result) {
        if (!result) {
            job->done(std::move(result.error()));
            return;
        }
        auto outcome = parse_delete_result(result->body);
        if (!outcome) {
            job->done(
                make_error("DeleteObjects", job->bucket, "", ErrorKind::final, outcome.message()));
            return;
        }
        auto& report = job->report;
        report.deleted.insert(report.deleted.end(), outcome->deleted.begin(),
                              outcome->deleted.end());
        report.errors.insert(report.errors.end(), outcome->errors.begin(), outcome->errors.end());
        delete_next_batch(job);
    });
}

Result<std::uint64_t> parse_length(const std::string& text) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
        return failure("the server sent a bad Content-Length \"" + text + "\"");
    }
    return value;
}

} // namespace

Result<std::unique_ptr<S3Client>> S3Client::create(uv_loop_t* loop, S3Settings settings) {
    auto sender = Sender::create(loop, std::move(settings));
    if (!sender) {
        return sender.error();
    }
    return std::unique_ptr<S3Client>(new S3Client(std::move(*sender)));
}

S3Client::~S3Client() {
    close();
}

void S3Client::close() {
    m_sender->close();
}

void S3Client::set_attempt_hook(AttemptHook hook) {
    m_sender->set_attempt_hook(std::move(hook));
}

void S3Client::put_object(std::string key, std::string bytes, S3Callback<PutReport> done) {
    if (refused_as_closed(*m_sender, "PutObject", key, done)) {
        return;
    }
    const std::uint64_t size = bytes.size();
    S3Call call = object_call("PutObject", "PUT", std::move(key));
    call.body = std::make_shared<const std::string>(std::move(bytes));
    call.content_md5 = settings().content_md5;
    m_sender->send(std::move(call), [done = std::move(done), size](auto result) {
        if (!result) {
            done(std::move(result.error()));
            return;
        }
        done(PutReport{unquote_etag(result->header("ETag")), size, 0});
    });
}

void S3Client::put_file(std::string key, std::string path, S3Callback<PutReport> done) {
    auto size = std::make_shared<Result<std::uint64_t>>(failure("not measured"));
    run_on_worker(
        m_sender->loop(), [size, path] { *size = regular_file_size(path); },
        [weak = std::weak_ptr<Sender>(m_sender), bucket = settings().bucket, key = std::move(key),
         path, size, done = std::move(done)]() mutable {
            const auto sender = weak.lock();
            if (!sender || sender->closed()) {
                done(closed_error("PutObject", bucket, key));
                return;
            }
            if (!*size) {
                done(make_error("PutObject", bucket, key, ErrorKind::final, size->message()));
                return;
            }
            if (**size > sender->settings().multipart_threshold) {
                upload_multipart(sender, std::move(key), std::move(path), **size, std::move(done));
                return;
            }
            S3Call call = object_call("PutObject", "PUT", std::move(key));
            call.body_file = http::FileSlice{std::move(path), 0, **size};
            call.content_md5 = sender->settings().content_md5;
            sender->send(std::move(call), [done = std::move(done), bytes = **size](auto result) {
                if (!result) {
                    done(std::move(result.error()));
                    return;
                }
                done(PutReport{unquote_etag(result->header("ETag")), bytes, 0});
            });
        });
}

void S3Client::get_object(std::string key, std::string path, std::optional<ByteRange> range,
                          S3Callback<GetReport> done) {
    if (refused_as_closed(*m_sender, "GetObject", key, done)) {
        return;
    }
    S3Call call = object_call("GetObject", "GET", key);
    call.response_file = path;
    if (range) {
        call.headers = {{"Range", "bytes=" + std::to_string(range->first) + "-" +
                                      (range->last ? std::to_string(*range->last) : "")}};
    }
    m_sender->send(std::move(call), [done = std::move(done), bucket = settings().bucket,
                                     key = std::move(key), path = std::move(path),
                                     ranged = range.has_value()](auto result) {
        if (!result) {
            done(std::move(result.error()));
            return;
        }
        if (ranged && result->status != 206) {
            done(make_error("GetObject", bucket, key, ErrorKind::final,
                            "the server ignored the Range header and sent the whole object to " +
                                path));
            return;
        }
        done(GetReport{result->body_bytes, unquote_etag(result->header("ETag")),
                       result->header("Content-Range")});
    });
}

void S3Client::head_object(std::string key, S3Callback<ObjectInfo> done) {
    if (refused_as_closed(*m_sender, "HeadObject", key, done)) {
        return;
    }
    S3Call call = object_call("HeadObject", "HEAD", key);
    m_sender->send(std::move(call), [done = std::move(done), bucket = settings().bucket,
                                     key = std::move(key)](auto result) {
        if (!result) {
            done(std::move(result.error()));
            return;
        }
        auto size = parse_length(result->header("Content-Length"));
        if (!size) {
            done(make_error("HeadObject", bucket, key, ErrorKind::final, size.message()));
            return;
        }
        done(ObjectInfo{key, *size, unquote_etag(result->header("ETag")),
                        result->header("Last-Modified")});
    });
}

void S3Client::list_objects(std::string prefix, S3Callback<std::vector<ObjectInfo>> done) {
    auto job = std::make_shared<ListJob>();
    job->sender = m_sender;
    job->bucket = settings().bucket;
    job->prefix = std::move(prefix);
    job->page_size = settings().list_page_size;
    job->done = std::move(done);
    defer(m_sender->loop(), [job] { list_next_page(job); });
}

void S3Client::delete_objects(std::vector<std::string> keys, S3Callback<DeleteReport> done) {
    auto job = std::make_shared<DeleteJob>();
    job->sender = m_sender;
    job->bucket = settings().bucket;
    job->keys = std::move(keys);
    job->done = std::move(done);
    defer(m_sender->loop(), [job] { delete_next_batch(job); });
}

void S3Client::create_bucket(S3Callback<std::monostate> done) {
    if (refused_as_closed(*m_sender, "CreateBucket", "", done)) {
        return;
    }
    S3Call call = bucket_call("CreateBucket", "PUT");
    if (std::string body = create_bucket_xml(settings().region); !body.empty()) {
        call.headers = {{"Content-Type", "application/xml"}};
        call.body = std::make_shared<const std::string>(std::move(body));
    }
    m_sender->send(std::move(call), [done = std::move(done)](auto result) {
        if (!result && result.error().code != "BucketAlreadyOwnedByYou") {
            done(std::move(result.error()));
            return;
        }
        done(std::monostate{});
    });
}

} // namespace ov2ha::s3
