// Multipart uploads; see multipart_upload.hpp.
#include "core/s3/multipart_upload.hpp"

#include "core/base/log.hpp"
#include "core/base/loop.hpp"
#include "core/s3/multipart_plan.hpp"
#include "core/s3/payload_hash.hpp"
#include "core/s3/xml.hpp"

#include <map>
#include <optional>
#include <vector>

namespace ov2ha::s3 {
namespace {

// True when a failed AbortMultipartUpload only says the server cannot abort (s3rver has
// no Abort) or that the upload is already gone.
bool abort_unsupported(const S3Error& error) {
    return error.http_status == 404 || error.http_status == 405 || error.http_status == 501 ||
           error.code == "NotImplemented" || error.code == "MethodNotAllowed" ||
           error.code == "NoSuchUpload";
}

class MultipartUpload : public std::enable_shared_from_this<MultipartUpload> {
  public:
    MultipartUpload(const std::shared_ptr<Sender>& sender, std::string key, std::string path,
                    std::uint64_t size, std::function<void(S3Result<PutReport>)> done)
        : m_sender(sender), m_loop(sender->loop()), m_bucket(sender->settings().bucket),
          m_key(std::move(key)), m_path(std::move(path)), m_size(size),
          m_parallelism(static_cast<size_t>(sender->settings().part_parallelism)),
          m_with_md5(sender->settings().content_md5 ? WithMd5::yes : WithMd5::no),
          m_done(std::move(done)) {}

    void start(const std::shared_ptr<Sender>& sender) {
        auto parts = plan_parts(m_size, sender->settings().part_size);
        if (!parts) {
            m_error = error("CreateMultipartUpload", ErrorKind::final, parts.message());
            finish_failure();
            return;
        }
        m_parts = std::move(*parts);
        m_etags.resize(m_parts.size());
        m_digests.resize(m_parts.size());
        S3Call call = object_call("CreateMultipartUpload", "POST", m_key);
        call.query = {{"uploads", ""}};
        sender->send(std::move(call), [self = shared_from_this()](auto result) {
            self->on_created(std::move(result));
        });
        hash_ahead();
    }

  private:
    S3Error error(std::string operation, ErrorKind kind, std::string message) const {
        return make_error(std::move(operation), m_bucket, m_key, kind, std::move(message));
    }

    void on_created(S3Result<http::HttpResponse> result) {
        if (!result) {
            fail(std::move(result.error()));
            advance();
            return;
        }
        auto upload_id = parse_initiate_multipart_upload(result->body);
        if (!upload_id) {
            fail(error("CreateMultipartUpload", ErrorKind::final, upload_id.message()));
            advance();
            return;
        }
        m_upload_id = std::move(*upload_id);
        advance();
    }

    // Hashes the parts after the last one hashed on workers, ahead of sending, so a part's
    // digest is ready when a connection frees up: at most twice the parallelism beyond the
    // next part to send (only digests are kept; the bytes are read again when sent).
    void hash_ahead() {
        while (!m_error && !m_finished && m_next_hash < m_parts.size() &&
               m_next_hash < m_next + 2 * m_parallelism) {
            hash_part(m_next_hash++);
        }
    }

    void hash_part(size_t index) {
        const PartPlan& part = m_parts[index];
        auto hashes = std::make_shared<Result<PayloadHashes>>(failure("not hashed"));
        run_on_worker(
            m_loop,
            [hashes, path = m_path, offset = part.offset, length = part.length,
             with_md5 = m_with_md5] { *hashes = hash_file_range(path, offset, length, with_md5); },
            [self = shared_from_this(), index, hashes] { self->on_part_hashed(index, *hashes); });
    }

    void on_part_hashed(size_t index, const Result<PayloadHashes>& hashes) {
        if (!hashes) {
            fail(error("UploadPart", ErrorKind::final,
                       "cannot hash part " + std::to_string(m_parts[index].number) + ": " +
                           hashes.message()));
        } else {
            m_digests[index] = *hashes;
        }
        advance();
    }

    // Starts hashed parts, in order, while there is room; completes when all are in, or
    // winds down after a failure once no part is in flight (a part still being hashed then
    // finishes unseen).
    void advance() {
        if (m_finished) {
            return;
        }
        if (m_error) {
            if (m_in_flight.empty()) {
                finish_failure();
            }
            return;
        }
        if (m_uploaded == m_parts.size()) {
            complete();
            return;
        }
        while (!m_error && !m_finished && !m_upload_id.empty() &&
               m_in_flight.size() < m_parallelism && m_next < m_parts.size() &&
               !m_digests[m_next].sha256_hex.empty()) {
            upload_part(m_next++);
        }
        hash_ahead();
    }

    void upload_part(size_t index) {
        const auto sender = m_sender.lock();
        if (!sender) {
            fail(error("UploadPart", ErrorKind::cancelled, "the S3 client is gone"));
            return;
        }
        const PartPlan& part = m_parts[index];
        S3Call call = object_call("UploadPart", "PUT", m_key);
        call.query = {{"partNumber", std::to_string(part.number)}, {"uploadId", m_upload_id}};
        call.body_file = http::FileSlice{m_path, part.offset, part.length};
        call.payload_sha256 = std::move(m_digests[index].sha256_hex);
        call.payload_md5 = std::move(m_digests[index].md5_base64);
        call.content_md5 = m_with_md5 == WithMd5::yes;
        m_in_flight[index] = 0;
        const CallId id =
            sender->send(std::move(call), [self = shared_from_this(), index](auto result) {
                self->on_part_done(index, std::move(result));
            });
        if (const auto found = m_in_flight.find(index); found != m_in_flight.end()) {
            found->second = id;
        }
    }

    void on_part_done(size_t index, S3Result<http::HttpResponse> result) {
        m_in_flight.erase(index);
        if (!result) {
            fail(std::move(result.error()));
        } else if (std::string etag = result->header("ETag"); etag.empty()) {
            fail(error("UploadPart", ErrorKind::final,
                       "part " + std::to_string(m_parts[index].number) +
                           " came back without an ETag"));
        } else {
            m_etags[index] = std::move(etag);
            ++m_uploaded;
        }
        advance();
    }

    // Keeps the first error and cancels the parts still in flight.
    void fail(S3Error failed) {
        if (m_error) {
            return;
        }
        m_error = std::move(failed);
        const auto sender = m_sender.lock();
        if (!sender) {
            return;
        }
        const auto in_flight = m_in_flight;
        for (const auto& [index, id] : in_flight) {
            sender->cancel(id);
        }
    }

    void complete() {
        const auto sender = m_sender.lock();
        if (!sender) {
            m_error =
                error("CompleteMultipartUpload", ErrorKind::cancelled, "the S3 client is gone");
            finish_failure();
            return;
        }
        std::vector<CompletedPart> parts;
        for (size_t i = 0; i < m_parts.size(); ++i) {
            parts.push_back({m_parts[i].number, m_etags[i]});
        }
        S3Call call = object_call("CompleteMultipartUpload", "POST", m_key);
        call.query = {{"uploadId", m_upload_id}};
        call.headers = {{"Content-Type", "application/xml"}};
        call.body = std::make_shared<const std::string>(complete_multipart_upload_xml(parts));
        call.error_in_ok_body = true;
        m_finished = true;
        sender->send(std::move(call), [self = shared_from_this()](auto result) {
            self->on_completed(std::move(result));
        });
    }

    void on_completed(S3Result<http::HttpResponse> result) {
        if (!result) {
            m_error = std::move(result.error());
            abort_then_report();
            return;
        }
        auto etag = parse_complete_multipart_upload(result->body);
        if (!etag) {
            m_error = error("CompleteMultipartUpload", ErrorKind::final, etag.message());
            abort_then_report();
            return;
        }
        m_done(PutReport{std::move(*etag), m_size, static_cast<int>(m_parts.size())});
    }

    void finish_failure() {
        m_finished = true;
        abort_then_report();
    }

    // Aborts the upload so its parts stop costing storage, then reports the first error.
    void abort_then_report() {
        const auto sender = m_sender.lock();
        if (m_upload_id.empty() || !sender || sender->closed()) {
            m_done(std::move(*m_error));
            return;
        }
        S3Call call = object_call("AbortMultipartUpload", "DELETE", m_key);
        call.query = {{"uploadId", m_upload_id}};
        sender->send(std::move(call), [self = shared_from_this()](auto result) {
            if (result) {
                log::info("S3 multipart upload aborted", {{"key", self->m_key}});
            } else if (abort_unsupported(result.error())) {
                log::info("S3 server could not abort the multipart upload; its parts stay "
                          "until the bucket's lifecycle rules remove them",
                          {{"error", result.error().text()}});
            } else {
                log::warn("S3 multipart upload not aborted", {{"error", result.error().text()}});
            }
            self->m_done(std::move(*self->m_error));
        });
    }

    std::weak_ptr<Sender> m_sender;
    uv_loop_t* m_loop;
    std::string m_bucket;
    std::string m_key;
    std::string m_path;
    std::uint64_t m_size;
    size_t m_parallelism;
    WithMd5 m_with_md5;
    std::function<void(S3Result<PutReport>)> m_done;
    std::vector<PartPlan> m_parts;
    std::vector<std::string> m_etags;     // by part index, as UploadPart returned them
    std::vector<PayloadHashes> m_digests; // by part index, from hashed until sent
    std::string m_upload_id;
    size_t m_next_hash = 0; // the next part to hash
    size_t m_next = 0;      // the next part to send
    size_t m_uploaded = 0;
    std::map<size_t, CallId> m_in_flight; // part index -> call
    std::optional<S3Error> m_error;
    bool m_finished = false; // completing, or winding down after an error
};

} // namespace

void upload_multipart(const std::shared_ptr<Sender>& sender, std::string key, std::string path,
                      std::uint64_t size, std::function<void(S3Result<PutReport>)> done) {
    auto upload = std::make_shared<MultipartUpload>(sender, std::move(key), std::move(path), size,
                                                    std::move(done));
    upload->start(sender);
}

} // namespace ov2ha::s3
