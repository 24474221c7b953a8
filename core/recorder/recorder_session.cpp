// The record run's lifecycle; see recorder_session.hpp.
#include "core/recorder/recorder_session.hpp"

#include "core/base/files.hpp"
#include "core/base/log.hpp"
#include "core/chunks/chunk_folder.hpp"
#include "core/openvidu/recording_json.hpp"
#include "core/s3/s3_url.hpp"

#include <chrono>
#include <csignal>
#include <filesystem>

namespace ov2ha::recorder {
namespace {

// How long the supervisor waits before restarting a failed capture pipeline.
constexpr uint64_t k_restart_delay_ms = 1000;
// Restarts in a row that produce no chunk before the recorder gives up.
constexpr int k_max_attempts_without_chunk = 5;
// How often the stop file is looked at; OpenVidu waits 30 s, people less.
constexpr unsigned k_stop_file_poll_ms = 200;
// How long the capture waits for the bucket's listing of this VIDEO_ID's chunks in s3
// mode; past it, numbering continues from the local chunks and START_CHUNK only.
constexpr uint64_t k_listing_limit_ms = 5000;

// Four bytes of size and an "ftyp" box: a non-empty file OpenVidu accepts as
// "recording started" until the real video replaces it.
constexpr char k_placeholder_video[] = {0,   0,   0, 20, 'f', 't', 'y', 'p', 'i', 's',
                                        'o', 'm', 0, 0,  2,   0,   'i', 's', 'o', 'm'};

std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string seconds_text(double seconds) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", seconds);
    return text;
}

} // namespace

RecorderSession::RecorderSession(uv_loop_t* loop, RecorderPlan plan,
                                 std::function<void(int)> on_done)
    : m_loop(loop), m_plan(std::move(plan)), m_on_done(std::move(on_done)), m_mailbox(loop),
      m_live_join(loop, m_plan.paths.chunk_folder, m_plan.paths.final_video), m_sigterm(loop),
      m_sigint(loop), m_stop_file_poll(loop), m_max_duration(loop), m_restart(loop),
      m_listing_limit(loop) {
    for (auto* handle : {reinterpret_cast<uv_handle_t*>(m_sigterm.get()),
                         reinterpret_cast<uv_handle_t*>(m_sigint.get()),
                         reinterpret_cast<uv_handle_t*>(m_stop_file_poll.get()),
                         reinterpret_cast<uv_handle_t*>(m_max_duration.get()),
                         reinterpret_cast<uv_handle_t*>(m_restart.get()),
                         reinterpret_cast<uv_handle_t*>(m_listing_limit.get())}) {
        handle->data = this;
    }
}

RecorderSession::~RecorderSession() {
    // Pending S3 callbacks run while the shipper closes its client; they must find the
    // session whole.
    m_phase = Phase::done;
    m_shipper.reset();
}

Status RecorderSession::prepare_files() {
    const RecorderPaths& paths = m_plan.paths;
    for (const auto& folder : {paths.recording_folder, paths.chunk_folder}) {
        if (auto made = make_folders(folder); !made) {
            return made;
        }
    }
    openvidu::RecordingDefaults defaults;
    defaults.id = m_plan.video_id;
    defaults.name = m_plan.video_name;
    defaults.resolution = std::to_string(m_plan.capture.resolution.width) + "x" +
                          std::to_string(m_plan.capture.resolution.height);
    defaults.frame_rate = m_plan.capture.framerate;
    defaults.has_audio = m_plan.capture.audio.has_value();
    defaults.has_video = true;
    defaults.created_at_ms = now_ms();
    auto started = openvidu::started_recording_json(m_plan.recording_json, defaults);
    if (!started) {
        return started.error();
    }
    if (auto written = write_file_atomically(paths.recording_json, *started); !written) {
        return written;
    }
    std::error_code error;
    if (std::filesystem::file_size(paths.final_video, error) == 0 || error) {
        const std::string_view placeholder(k_placeholder_video, sizeof k_placeholder_video);
        if (auto written = write_file_atomically(paths.final_video, placeholder); !written) {
            return written;
        }
    }
    // Emptied like OpenVidu's image does, so a 'q' left by an earlier run cannot stop this one.
    return write_file_atomically(paths.stop_file, "");
}

Status RecorderSession::watch_stop_triggers() {
    const auto on_signal = [](uv_signal_t* handle, int number) {
        static_cast<RecorderSession*>(handle->data)
            ->request_stop(number == SIGTERM ? "SIGTERM" : "SIGINT");
    };
    int rc = uv_signal_start(m_sigterm.get(), on_signal, SIGTERM);
    if (rc == 0) {
        rc = uv_signal_start(m_sigint.get(), on_signal, SIGINT);
    }
    if (rc != 0) {
        return failure(uv_error_text("watch SIGTERM and SIGINT", rc));
    }
    rc = uv_fs_poll_start(
        m_stop_file_poll.get(),
        [](uv_fs_poll_t* handle, int status, const uv_stat_t*, const uv_stat_t* current) {
            if (status == 0 && current->st_size > 0) {
                static_cast<RecorderSession*>(handle->data)->on_stop_file_changed();
            }
        },
        m_plan.paths.stop_file.c_str(), k_stop_file_poll_ms);
    if (rc != 0) {
        return failure(
            uv_error_text(("watch the stop file " + m_plan.paths.stop_file).c_str(), rc));
    }
    if (m_plan.max_duration_seconds > 0) {
        uv_timer_start(
            m_max_duration.get(),
            [](uv_timer_t* handle) {
                static_cast<RecorderSession*>(handle->data)->request_stop("--max-duration reached");
            },
            static_cast<uint64_t>(m_plan.max_duration_seconds) * 1000, 0);
    }
    return success();
}

Status RecorderSession::start() {
    if (auto prepared = prepare_files(); !prepared) {
        return prepared;
    }
    if (auto watching = watch_stop_triggers(); !watching) {
        return watching;
    }
    log::info("recording started",
              {{"video_id", m_plan.video_id},
               {"video", m_plan.capture.video.format + ":" + m_plan.capture.video.spec},
               {"audio", m_plan.capture.audio
                             ? m_plan.capture.audio->format + ":" + m_plan.capture.audio->spec
                             : "none"},
               {"chunks", m_plan.paths.chunk_folder},
               {"storage", m_plan.storage ? "s3" : "local"},
               {"stop_file", m_plan.paths.stop_file}});
    m_live_join.start();
    if (m_plan.storage) {
        return start_shipping();
    }
    start_capture();
    if (m_controller) {
        m_controller->start();
    }
    return success();
}

Status RecorderSession::start_shipping() {
    const StoragePlan& storage = *m_plan.storage;
    auto client = s3::S3Client::create(m_loop, storage.s3);
    if (!client) {
        return client.error();
    }
    chunks::ShipperEvents events;
    events.confirmed = [](const chunks::ShipItem& item, const chunks::ShipReport& report) {
        log::info("chunk uploaded", {{"chunk", item.name},
                                     {"key", item.key},
                                     {"bytes", std::to_string(report.size)},
                                     {"seconds", seconds_text(report.seconds)}});
    };
    events.failed = [](const chunks::ShipItem& item, const std::string& error,
                       std::optional<std::chrono::milliseconds> retry_in) {
        if (retry_in) {
            log::warn("chunk upload failed; it stays on disk and is tried again",
                      {{"chunk", item.name},
                       {"error", error},
                       {"retry_in_ms", std::to_string(retry_in->count())}});
        } else {
            log::warn("chunk not shipped", {{"chunk", item.name}, {"error", error}});
        }
    };
    m_shipper = std::make_unique<chunks::ChunkShipper>(m_loop, std::move(*client), storage.shipping,
                                                       std::move(events));
    m_shipper->start([this](Status ready) {
        if (!ready) {
            log::error("chunks are recorded but not shipped: the upload journal is unusable",
                       {{"error", ready.message()}});
        }
    });
    m_phase = Phase::listing;
    uv_timer_start(
        m_listing_limit.get(),
        [](uv_timer_t* timer) {
            auto* session = static_cast<RecorderSession*>(timer->data);
            log::warn("the bucket's chunk listing takes too long; numbering from the local "
                      "chunks and START_CHUNK",
                      {{"waited_ms", std::to_string(k_listing_limit_ms)}});
            session->begin_capture();
        },
        k_listing_limit_ms, 0);
    m_shipper->client().list_objects(
        storage.chunk_key_prefix + "/",
        [this](s3::S3Result<std::vector<s3::ObjectInfo>> listing) { on_remote_listing(listing); });
    return success();
}

void RecorderSession::on_remote_listing(const s3::S3Result<std::vector<s3::ObjectInfo>>& listing) {
    if (m_phase != Phase::listing) {
        return; // too late, stopped, or the session is closing
    }
    if (!listing) {
        log::warn("cannot list the bucket's chunks; numbering from the local chunks and "
                  "START_CHUNK",
                  {{"error", listing.error().text()}});
    } else {
        const std::string prefix = m_plan.storage->chunk_key_prefix + "/";
        for (const auto& object : *listing) {
            if (const auto number = chunks::parse_chunk_number(object.key.substr(prefix.size()))) {
                m_highest_remote = std::max(m_highest_remote.value_or(0), *number);
            }
        }
        log::info("bucket listed",
                  {{"prefix", prefix},
                   {"objects", std::to_string(listing->size())},
                   {"highest_chunk",
                    m_highest_remote ? chunks::chunk_file_name(*m_highest_remote) : "none"}});
    }
    begin_capture();
}

void RecorderSession::begin_capture() {
    if (m_phase != Phase::listing) {
        return;
    }
    uv_timer_stop(m_listing_limit.get());
    // Chunks an earlier run left unconfirmed go first; the journal skips confirmed ones.
    if (auto existing = chunks::list_chunk_folder(m_plan.paths.chunk_folder); existing) {
        for (const auto& chunk : *existing) {
            ship_chunk(chunk.path);
        }
    }
    start_capture();
}

void RecorderSession::ship_chunk(const std::string& path) {
    if (!m_shipper) {
        return;
    }
    const std::string name = std::filesystem::path(path).filename().string();
    m_shipper->offer({path, m_plan.storage->chunk_key_prefix + "/" + name, name});
}

void RecorderSession::attach_controller(std::unique_ptr<ControllerLink> controller) {
    m_controller = std::move(controller);
}

void RecorderSession::start_capture() {
    auto existing = chunks::list_chunk_folder(m_plan.paths.chunk_folder);
    std::optional<std::uint64_t> highest_local;
    if (existing && !existing->empty()) {
        highest_local = existing->back().number;
    }
    media::CaptureSettings settings = m_plan.capture;
    settings.first_chunk_number =
        chunks::next_chunk_number(highest_local, m_highest_remote, m_plan.start_chunk);
    m_chunk_in_attempt = false;
    m_phase = Phase::recording;

    media::CaptureCallbacks callbacks;
    callbacks.chunk_opened = [this](const media::ChunkEvent& event) {
        m_mailbox.post([this, event] {
            m_chunk_in_attempt = true;
            m_capture_ever_worked = true;
            log::debug("chunk opened", {{"chunk", event.path}});
            if (m_controller) {
                m_controller->recording();
            }
        });
    };
    callbacks.chunk_closed = [this](const media::ChunkEvent& event) {
        m_mailbox.post([this, event] {
            m_live_join.add({event.number, event.path});
            log::info("chunk closed", {{"chunk", std::filesystem::path(event.path).filename()},
                                       {"seconds", seconds_text(event.media_seconds)}});
            ship_chunk(event.path);
            if (m_controller) {
                m_controller->chunk_closed(std::filesystem::path(event.path).filename());
            }
        });
    };
    callbacks.finished = [this](Status status) {
        m_mailbox.post([this, status] { on_capture_finished(status); });
    };
    log::info("capture starting",
              {{"first_chunk", chunks::chunk_file_name(settings.first_chunk_number)}});
    m_capture = std::make_unique<media::ChunkRecorder>(std::move(settings), std::move(callbacks));
    m_capture->start();
}

void RecorderSession::on_capture_finished(const Status& status) {
    m_capture->wait();
    m_capture.reset();
    if (m_phase == Phase::stopping) {
        if (!status) {
            m_capture_failed = true;
            log::error("capture ended with an error while stopping", {{"error", status.message()}});
        }
        finalize();
        return;
    }
    const std::string error = status ? "capture ended without a stop request" : status.message();
    m_attempts_without_chunk = m_chunk_in_attempt ? 0 : m_attempts_without_chunk + 1;
    if (!m_capture_ever_worked || m_attempts_without_chunk >= k_max_attempts_without_chunk) {
        log::error("capture failed; giving up", {{"error", error}});
        m_capture_failed = true;
        request_stop("capture failed");
        return;
    }
    log::error("capture failed; restarting it",
               {{"error", error}, {"in_ms", std::to_string(k_restart_delay_ms)}});
    m_phase = Phase::restarting;
    uv_timer_start(
        m_restart.get(),
        [](uv_timer_t* handle) {
            auto* session = static_cast<RecorderSession*>(handle->data);
            if (session->m_phase == Phase::restarting) {
                session->start_capture();
            }
        },
        k_restart_delay_ms, 0);
}

void RecorderSession::on_stop_file_changed() {
    auto contents = std::make_shared<Result<std::string>>(failure(""));
    const std::string path = m_plan.paths.stop_file;
    run_on_worker(
        m_loop, [contents, path] { *contents = read_file(path); },
        [this, contents] {
            if (*contents && contents->value().find('q') != std::string::npos) {
                request_stop("'q' in the stop file");
            }
        });
}

void RecorderSession::request_stop(const std::string& reason) {
    if (m_phase == Phase::stopping || m_phase == Phase::finalizing || m_phase == Phase::done) {
        log::info("already stopping", {{"reason", reason}});
        return;
    }
    log::info("stop requested", {{"reason", reason}});
    if (m_controller) {
        m_controller->stopping();
    }
    uv_timer_stop(m_restart.get());
    uv_timer_stop(m_max_duration.get());
    uv_fs_poll_stop(m_stop_file_poll.get());
    if (m_capture) {
        m_phase = Phase::stopping;
        m_capture->request_stop();
        return;
    }
    finalize();
}

void RecorderSession::finalize() {
    m_phase = Phase::finalizing;
    uv_timer_stop(m_listing_limit.get());
    const auto started = std::chrono::steady_clock::now();
    if (m_shipper) {
        // Uploads run beside the join, for at most the stop wait: OpenVidu allows 30 s.
        log::info("shipping the last chunks",
                  {{"pending", std::to_string(m_shipper->unfinished())},
                   {"wait_seconds", std::to_string(m_plan.storage->stop_wait.count())}});
        m_shipper->drain(m_plan.storage->stop_wait,
                         [this](std::vector<chunks::ShipItem> unshipped) {
                             if (unshipped.empty()) {
                                 log::info("every chunk is in the bucket");
                             }
                             for (const auto& item : unshipped) {
                                 log::error("chunk not uploaded; it stays in the chunk folder, "
                                            "unconfirmed in the upload journal",
                                            {{"chunk", item.path}, {"key", item.key}});
                             }
                             m_drained = true;
                             finish_when_done();
                         });
    } else {
        m_drained = true;
    }
    m_live_join.finish([this, started](Result<media::JoinReport> joined) {
        auto outcome = std::make_shared<FinalOutcome>();
        auto shared_join = std::make_shared<Result<media::JoinReport>>(std::move(joined));
        const RecorderPaths paths = m_plan.paths;
        run_on_worker(
            m_loop,
            [outcome, paths, shared_join] { *outcome = finalize_recording(paths, *shared_join); },
            [this, outcome, started] {
                const double seconds =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
                        .count();
                if (outcome->failed) {
                    log::error("recording failed",
                               {{"video_id", m_plan.video_id}, {"problem", outcome->problem}});
                } else {
                    log::info("recording finished",
                              {{"video", m_plan.paths.final_video},
                               {"duration", seconds_text(outcome->duration_seconds)},
                               {"bytes", std::to_string(outcome->size_bytes)},
                               {"finalize_seconds", seconds_text(seconds)}});
                }
                m_outcome = *outcome;
                finish_when_done();
            });
    });
}

void RecorderSession::finish_when_done() {
    if (!m_outcome || !m_drained || m_phase == Phase::done) {
        return;
    }
    m_phase = Phase::done;
    m_sigterm.close();
    m_sigint.close();
    m_stop_file_poll.close();
    m_max_duration.close();
    m_restart.close();
    m_listing_limit.close();
    m_mailbox.close();
    const int code = m_outcome->failed || m_capture_failed ? 1 : 0;
    if (m_controller) {
        m_controller->finish(code != 0, [this, code] { m_on_done(code); });
        return;
    }
    m_on_done(code);
}

} // namespace ov2ha::recorder
