// Shipping queue; see chunk_shipper.hpp.
#include "core/chunks/chunk_shipper.hpp"

#include "core/base/log.hpp"
#include "core/base/loop.hpp"
#include "core/chunks/chunk_names.hpp"
#include "core/s3/retry_policy.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace ov2ha::chunks {
namespace {

// The first wait after a failed upload, doubling up to storage.retry_max_seconds.
constexpr std::chrono::milliseconds k_retry_base{500};

double seconds_since(std::chrono::steady_clock::time_point started) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

} // namespace

struct ChunkShipper::CommitWork {
    std::vector<bool> unchanged; // the file is as it was measured before its upload
    std::vector<bool> deleted;
    std::vector<std::string> delete_errors;
    Status written = success();
};

ShipperSettings shipper_settings_from_config(const Config& config, std::string journal_path) {
    ShipperSettings settings;
    settings.journal_path = std::move(journal_path);
    settings.parallelism = static_cast<int>(config.integer("storage.upload_parallelism"));
    settings.retry_max = std::chrono::seconds(config.integer("storage.retry_max_seconds"));
    settings.retry_base = std::min(k_retry_base, settings.retry_max);
    return settings;
}

bool ChunkShipper::ByShippingOrder::operator()(const std::string& a, const std::string& b) const {
    return ships_before(a, b);
}

ChunkShipper::ChunkShipper(uv_loop_t* loop, std::unique_ptr<s3::S3Client> client,
                           ShipperSettings settings, ShipperEvents events)
    : m_loop(loop), m_client(std::move(client)), m_settings(std::move(settings)),
      m_events(std::move(events)), m_backoff(loop), m_drain_timer(loop) {
    m_backoff.get()->data = this;
    m_drain_timer.get()->data = this;
}

ChunkShipper::~ChunkShipper() {
    m_alive.reset();
    m_client->close();
}

void ChunkShipper::start(std::function<void(Status)> ready) {
    if (m_settings.journal_path.empty()) {
        run_on_worker(
            m_loop, [] {},
            [this, alive = std::weak_ptr<bool>(m_alive), ready = std::move(ready)] {
                if (alive.expired()) {
                    return;
                }
                m_ready = true;
                ready(success());
                pump();
            });
        return;
    }
    auto opened = std::make_shared<Result<UploadJournal::Opened>>(failure("not opened"));
    run_on_worker(
        m_loop, [opened, path = m_settings.journal_path] { *opened = UploadJournal::open(path); },
        [this, alive = std::weak_ptr<bool>(m_alive), opened, ready = std::move(ready)] {
            if (alive.expired()) {
                return;
            }
            if (!*opened) {
                m_unusable = true;
                ready(opened->error());
                return;
            }
            UploadJournal::Opened& journal = **opened;
            for (auto& entry : journal.contents.entries) {
                m_index.add(std::move(entry));
            }
            if (journal.torn_bytes > 0 || journal.contents.bad_lines > 0) {
                log::warn("upload journal repaired: a torn last line was cut off, bad lines "
                          "are ignored (their files are shipped again)",
                          {{"journal", m_settings.journal_path},
                           {"torn_bytes", std::to_string(journal.torn_bytes)},
                           {"bad_lines", std::to_string(journal.contents.bad_lines)}});
            }
            m_journal = std::move(journal.journal);
            m_ready = true;
            ready(success());
            pump();
        });
}

void ChunkShipper::offer(ShipItem item) {
    if (m_cut_off || m_names.contains(item.name)) {
        return;
    }
    m_names.insert(item.name);
    std::string name = item.name;
    m_queue.emplace(std::move(name), std::move(item));
    pump();
}

std::size_t ChunkShipper::unfinished() const {
    return m_queue.size() + m_uploading.size() + m_to_commit.size() + m_committing;
}

void ChunkShipper::forget(const std::string& name) {
    m_names.erase(name);
    m_failures.erase(name);
}

void ChunkShipper::requeue(ShipItem item) {
    std::string name = item.name;
    m_queue.insert_or_assign(std::move(name), std::move(item));
}

void ChunkShipper::pump() {
    if (!m_ready || m_cut_off || uv_is_active(reinterpret_cast<uv_handle_t*>(m_backoff.get()))) {
        return;
    }
    const std::size_t limit = m_probing ? 1 : static_cast<std::size_t>(m_settings.parallelism);
    while (m_uploading.size() < limit && !m_queue.empty()) {
        auto node = m_queue.extract(m_queue.begin());
        launch(std::move(node.mapped()));
    }
}

void ChunkShipper::launch(ShipItem item) {
    m_uploading.insert(item.name);
    auto stamp = std::make_shared<Result<std::optional<FileStamp>>>(std::optional<FileStamp>());
    std::string path = item.path;
    run_on_worker(
        m_loop, [stamp, path = std::move(path)] { *stamp = stamp_file(path); },
        [this, alive = std::weak_ptr<bool>(m_alive), stamp, item = std::move(item)]() mutable {
            if (!alive.expired()) {
                on_measured(std::move(item), *stamp);
            }
        });
}

void ChunkShipper::on_measured(ShipItem item, const Result<std::optional<FileStamp>>& stamp) {
    if (m_cut_off) {
        m_uploading.erase(item.name);
        m_abandoned.push_back(std::move(item));
        maybe_finish_drain();
        return;
    }
    if (!stamp) {
        m_uploading.erase(item.name);
        on_failure(item, stamp.message());
        return;
    }
    if (!*stamp) {
        m_uploading.erase(item.name);
        forget(item.name);
        if (m_events.failed) {
            m_events.failed(item, "the file vanished before its upload", std::nullopt);
        }
        pump();
        maybe_finish_drain();
        return;
    }
    const FileStamp measured = **stamp;
    if (m_index.confirms(item.name, item.key, measured)) {
        m_uploading.erase(item.name);
        forget(item.name);
        if (m_events.already_confirmed) {
            m_events.already_confirmed(item);
        }
        pump();
        maybe_finish_drain();
        return;
    }
    const auto started = std::chrono::steady_clock::now();
    std::string key = item.key;
    std::string path = item.path;
    m_client->put_file(
        std::move(key), std::move(path),
        [this, alive = std::weak_ptr<bool>(m_alive), item = std::move(item), measured,
         started](s3::S3Result<s3::PutReport> result) mutable {
            if (alive.expired()) {
                return;
            }
            ShipReport report;
            if (result) {
                report = {result->size, result->etag, result->parts, seconds_since(started), false};
            }
            on_uploaded(std::move(item), measured, std::move(result), report);
        });
}

void ChunkShipper::on_uploaded(ShipItem item, FileStamp stamp, s3::S3Result<s3::PutReport> result,
                               ShipReport report) {
    m_uploading.erase(item.name);
    if (!result) {
        if (result.error().kind == s3::ErrorKind::cancelled) {
            m_abandoned.push_back(std::move(item));
            if (!m_closing_client) {
                maybe_finish_drain();
            }
            return;
        }
        on_failure(item, result.error().text());
        return;
    }
    m_failures_in_a_row = 0;
    m_probing = false;
    m_to_commit.push_back({std::move(item), stamp, std::move(report)});
    commit();
    pump();
}

void ChunkShipper::on_failure(const ShipItem& item, const std::string& error) {
    ++m_failures_in_a_row;
    const int failures = ++m_failures[item.name];
    if (m_settings.give_up_after > 0 && failures >= m_settings.give_up_after) {
        forget(item.name);
        if (m_events.failed) {
            m_events.failed(item, error, std::nullopt);
        }
        pump();
        maybe_finish_drain();
        return;
    }
    requeue(item);
    uv_timer_t* backoff = m_backoff.get();
    if (!uv_is_active(reinterpret_cast<uv_handle_t*>(backoff)) && !m_cut_off) {
        const s3::RetryPolicy policy{1, m_settings.retry_base, m_settings.retry_max};
        const auto delay = s3::backoff_delay(policy, m_failures_in_a_row, m_random());
        m_probing = true;
        uv_timer_start(
            backoff, [](uv_timer_t* timer) { static_cast<ChunkShipper*>(timer->data)->pump(); },
            static_cast<std::uint64_t>(delay.count()), 0);
    }
    if (m_events.failed) {
        m_events.failed(item, error, std::chrono::milliseconds(uv_timer_get_due_in(backoff)));
    }
    maybe_finish_drain();
}

void ChunkShipper::commit() {
    if (m_committing > 0 || m_to_commit.empty()) {
        return;
    }
    auto batch = std::make_shared<std::vector<Uploaded>>(std::move(m_to_commit));
    m_to_commit.clear();
    m_committing = batch->size();
    auto work = std::make_shared<CommitWork>();
    run_on_worker(
        m_loop,
        [batch, work, journal = m_journal, remove = m_settings.delete_after_confirm] {
            std::vector<JournalEntry> entries;
            for (const auto& uploaded : *batch) {
                const auto now = stamp_file(uploaded.item.path);
                const bool same = now && *now && **now == uploaded.stamp;
                work->unchanged.push_back(same);
                if (same) {
                    entries.push_back({uploaded.item.name, uploaded.stamp, uploaded.item.key,
                                       uploaded.report.etag});
                }
            }
            if (journal && !entries.empty()) {
                work->written = journal->append(entries);
            }
            for (size_t i = 0; i < batch->size(); ++i) {
                bool deleted = false;
                if (remove && work->unchanged[i] && work->written) {
                    const std::string& path = (*batch)[i].item.path;
                    deleted = ::unlink(path.c_str()) == 0;
                    if (!deleted) {
                        work->delete_errors.push_back("cannot delete " + path + ": " +
                                                      std::strerror(errno));
                    }
                }
                work->deleted.push_back(deleted);
            }
        },
        [this, alive = std::weak_ptr<bool>(m_alive), batch, work] {
            if (!alive.expired()) {
                on_committed(std::move(*batch), *work);
            }
        });
}

void ChunkShipper::on_committed(std::vector<Uploaded> batch, const CommitWork& work) {
    m_committing = 0;
    for (const auto& problem : work.delete_errors) {
        log::warn("uploaded file not deleted", {{"error", problem}});
    }
    for (size_t i = 0; i < batch.size(); ++i) {
        Uploaded& uploaded = batch[i];
        if (!work.unchanged[i]) {
            log::info("file changed while it was uploading; shipping it again",
                      {{"file", uploaded.item.path}, {"key", uploaded.item.key}});
            requeue(std::move(uploaded.item));
            continue;
        }
        if (!work.written) {
            // Not "the upload failed": S3 has it, but only a durable journal line confirms
            // it, so it is sent again once the journal can be written.
            on_failure(uploaded.item,
                       "uploaded, but its upload journal line cannot be written, so it is sent "
                       "again: " +
                           work.written.message());
            continue;
        }
        m_index.add({uploaded.item.name, uploaded.stamp, uploaded.item.key, uploaded.report.etag});
        forget(uploaded.item.name);
        uploaded.report.deleted = work.deleted[i];
        if (m_events.confirmed) {
            m_events.confirmed(uploaded.item, uploaded.report);
        }
    }
    commit();
    pump();
    maybe_finish_drain();
}

void ChunkShipper::drain(std::chrono::milliseconds bound,
                         std::function<void(std::vector<ShipItem>)> done) {
    m_drain_done = std::move(done);
    const bool idle = unfinished() == 0 || m_unusable;
    uv_timer_start(
        m_drain_timer.get(),
        [](uv_timer_t* timer) { static_cast<ChunkShipper*>(timer->data)->on_drain_deadline(); },
        idle ? 0 : static_cast<std::uint64_t>(std::max<std::int64_t>(0, bound.count())), 0);
}

void ChunkShipper::on_drain_deadline() {
    m_cut_off = true;
    uv_timer_stop(m_backoff.get());
    m_closing_client = true;
    m_client->close();
    m_closing_client = false;
    maybe_finish_drain();
}

void ChunkShipper::maybe_finish_drain() {
    if (!m_drain_done || !m_uploading.empty() || m_committing > 0 || !m_to_commit.empty() ||
        (!m_queue.empty() && !m_cut_off)) {
        return;
    }
    m_cut_off = true;
    uv_timer_stop(m_backoff.get());
    uv_timer_stop(m_drain_timer.get());
    m_client->close();
    std::vector<ShipItem> unshipped = std::move(m_abandoned);
    m_abandoned.clear();
    for (auto& [name, item] : m_queue) {
        unshipped.push_back(std::move(item));
    }
    m_queue.clear();
    std::sort(unshipped.begin(), unshipped.end(),
              [](const ShipItem& a, const ShipItem& b) { return ships_before(a.name, b.name); });
    auto done = std::move(m_drain_done);
    m_drain_done = nullptr;
    done(std::move(unshipped));
}

} // namespace ov2ha::chunks
