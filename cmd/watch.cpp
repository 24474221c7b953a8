// `ov2ha watch`: flags and wiring; the work is core/chunks/folder_watcher and chunk_shipper.
#include "cmd/watch.hpp"

#include "cmd/command_loop.hpp"
#include "core/base/log.hpp"
#include "core/base/loop.hpp"
#include "core/chunks/chunk_shipper.hpp"
#include "core/chunks/folder_watcher.hpp"
#include "core/s3/s3_url.hpp"
#include "core/s3/settings_from_config.hpp"

#include <csignal>
#include <filesystem>
#include <iostream>
#include <memory>

namespace ov2ha::cmd {
namespace {

constexpr const char* k_description =
    R"(Watch a folder and upload each finished file to S3-compatible storage, never losing one.

For recorders that write chunk files themselves, the stock ffmpeg segmenter included
(`ffmpeg ... -f segment -segment_time 10 DIR/%04d.mp4`). DIR's files (not its subfolders)
go to s3://BUCKET/PREFIX/<file name>; hidden files and temporaries (*.tmp, *.part,
*.partial, *.swp, *~) are left alone. A file is finished, and shipped, once its writer
closed it or renamed it into DIR (inotify IN_CLOSE_WRITE, IN_MOVED_TO), or once its size and
mtime have not changed for --stable-seconds (writers that keep files open); a full look every
--scan-seconds catches whatever events miss. Chunks (NNNN.mp4) go up in numeric order, several
at once.

DIR/.ov2ha-upload-journal records each confirmed upload (name, size, mtime, key, ETag) and
is made durable before the upload counts: a restarted watch never uploads a confirmed file
again and never skips an unconfirmed one; a file that changed after its upload goes up again.
--delete-after-upload removes a file only once its journal line is durable.

When S3 is unreachable every file stays on disk; uploads are retried with waits growing up to
--retry-max-seconds, and the backlog drains in order when S3 is back. SIGTERM or SIGINT stops
watching, lets uploads run for at most --stop-wait-seconds, and exits 0; what is left is
shipped by the next run.

Where the bucket is and who signs: HA_AWS_S3_SERVICE_ENDPOINT (empty for AWS),
HA_AWS_ACCESS_KEY, HA_AWS_SECRET_KEY, and OV2HA_S3_<KEY> for every s3 setting.

Exit codes: 0 stopped by a signal; 1 the folder cannot be watched or the journal cannot be
used (another ov2ha holds it); 2 bad destination URL, missing folder or bad setting.

Example:
  ov2ha watch /recordings/cam1/chunks s3://recordings/cam1/chunks --delete-after-upload)";

struct WatchFlags {
    std::string folder;
    std::string destination;
};

std::string milliseconds_text(std::chrono::milliseconds duration) {
    return std::to_string(duration.count());
}

// One watch on the loop: folder watcher -> shipper, stopped by SIGTERM/SIGINT.
class WatchRun {
  public:
    WatchRun(uv_loop_t* loop, std::string folder, s3::S3Url destination)
        : m_loop(loop), m_folder(std::move(folder)), m_destination(std::move(destination)),
          m_sigint(loop), m_sigterm(loop) {
        m_sigint.get()->data = this;
        m_sigterm.get()->data = this;
    }

    // Creates the client and shipper and opens the journal; watching starts once it is open.
    Status start(const Config& config, s3::S3Settings settings) {
        auto client = s3::S3Client::create(m_loop, std::move(settings));
        if (!client) {
            return client.error();
        }
        chunks::ShipperSettings shipping = chunks::shipper_settings_from_config(
            config, (std::filesystem::path(m_folder) / chunks::k_journal_file_name).string());
        shipping.delete_after_confirm = config.boolean("watch.delete_after_upload");
        m_stop_wait = std::chrono::seconds(config.integer("storage.stop_wait_seconds"));
        m_shipper = std::make_unique<chunks::ChunkShipper>(m_loop, std::move(*client),
                                                           std::move(shipping), shipper_events());
        chunks::WatchSettings watching;
        watching.settle = std::chrono::seconds(config.integer("watch.stable_seconds"));
        watching.scan_interval = std::chrono::seconds(config.integer("watch.scan_seconds"));
        m_watcher = std::make_unique<chunks::FolderWatcher>(
            m_loop, m_folder, watching, [this](const chunks::SeenFile& file) {
                log::debug("file finished; queued for upload", {{"file", file.name}});
                m_shipper->offer({(std::filesystem::path(m_folder) / file.name).string(),
                                  s3::key_under(m_destination.prefix, file.name), file.name});
            });
        const auto on_signal = [](uv_signal_t* handle, int number) {
            static_cast<WatchRun*>(handle->data)->stop(number == SIGTERM ? "SIGTERM" : "SIGINT");
        };
        int rc = uv_signal_start(m_sigint.get(), on_signal, SIGINT);
        if (rc == 0) {
            rc = uv_signal_start(m_sigterm.get(), on_signal, SIGTERM);
        }
        if (rc != 0) {
            return failure(uv_error_text("watch SIGINT and SIGTERM", rc));
        }
        m_shipper->start([this](Status ready) {
            if (m_stopping) {
                return;
            }
            if (!ready) {
                fail(ready.message());
                return;
            }
            if (auto watching = m_watcher->start(); !watching) {
                fail(watching.message());
                return;
            }
            log::info("watching", {{"folder", m_folder},
                                   {"destination",
                                    "s3://" + m_destination.bucket + "/" + m_destination.prefix}});
        });
        return success();
    }

    int exit_code() const { return m_exit_code; }

  private:
    chunks::ShipperEvents shipper_events() {
        chunks::ShipperEvents events;
        events.confirmed = [](const chunks::ShipItem& item, const chunks::ShipReport& report) {
            char seconds[32];
            std::snprintf(seconds, sizeof seconds, "%.3f", report.seconds);
            log::info("uploaded", {{"file", item.name},
                                   {"key", item.key},
                                   {"bytes", std::to_string(report.size)},
                                   {"seconds", seconds},
                                   {"deleted", report.deleted ? "true" : "false"}});
        };
        events.already_confirmed = [](const chunks::ShipItem& item) {
            log::debug("already uploaded (journal)", {{"file", item.name}, {"key", item.key}});
        };
        events.failed = [](const chunks::ShipItem& item, const std::string& error,
                           std::optional<std::chrono::milliseconds> retry_in) {
            if (retry_in) {
                log::warn("upload failed; the file stays on disk and is tried again",
                          {{"file", item.name},
                           {"error", error},
                           {"retry_in_ms", milliseconds_text(*retry_in)}});
            } else {
                log::warn("file not shipped", {{"file", item.name}, {"error", error}});
            }
        };
        return events;
    }

    void fail(const std::string& error) {
        log::error("cannot watch", {{"folder", m_folder}, {"error", error}});
        m_exit_code = cli::k_exit_failure;
        stop("error");
    }

    // Stops watching, drains within the stop wait and closes every handle. Once.
    void stop(const std::string& reason) {
        if (m_stopping) {
            return;
        }
        m_stopping = true;
        log::info("stopping", {{"reason", reason},
                               {"pending", std::to_string(m_shipper->unfinished())},
                               {"wait_seconds", std::to_string(m_stop_wait.count())}});
        m_watcher->stop();
        m_shipper->drain(m_stop_wait, [this](std::vector<chunks::ShipItem> unshipped) {
            for (const auto& item : unshipped) {
                log::warn("not uploaded yet; the next run ships it", {{"file", item.name}});
            }
            log::info("stopped", {{"unshipped", std::to_string(unshipped.size())}});
            m_sigint.close();
            m_sigterm.close();
        });
    }

    uv_loop_t* m_loop;
    std::string m_folder;
    s3::S3Url m_destination;
    std::unique_ptr<chunks::ChunkShipper> m_shipper;
    std::unique_ptr<chunks::FolderWatcher> m_watcher;
    UvHandle<uv_signal_t> m_sigint;
    UvHandle<uv_signal_t> m_sigterm;
    std::chrono::seconds m_stop_wait{0};
    bool m_stopping = false;
    int m_exit_code = cli::k_exit_ok;
};

int run_watch(const WatchFlags& flags, const Config& config) {
    auto destination = s3::parse_s3_url(flags.destination);
    if (!destination) {
        std::cerr << "ov2ha watch: " << destination.message() << "\n";
        return cli::k_exit_usage;
    }
    std::error_code error;
    if (!std::filesystem::is_directory(flags.folder, error)) {
        std::cerr << "ov2ha watch: no such folder: " << flags.folder << "\n";
        return cli::k_exit_usage;
    }
    auto settings = s3::settings_from_config(
        config.with("s3.bucket", destination->bucket, "argument " + flags.destination));
    if (!settings) {
        std::cerr << "ov2ha watch: " << settings.message() << "\n";
        return cli::k_exit_usage;
    }
    cli::CommandLoop loop("watch");
    if (!loop.ready()) {
        return cli::k_exit_failure;
    }
    WatchRun run(loop.get(), flags.folder, std::move(*destination));
    if (auto started = run.start(config, std::move(*settings)); !started) {
        return loop.fail(started.message());
    }
    loop.run();
    return run.exit_code();
}

} // namespace

void setup_watch(cli::Cli& cli) {
    auto flags = std::make_shared<WatchFlags>();
    CLI::App* command = cli.add_command(
        {"watch", k_description, {"s3", "storage", "watch"}, "", [flags](const Config& config) {
             return run_watch(*flags, config);
         }});
    command->add_option("DIR", flags->folder, "folder the chunk files appear in")->required();
    command->add_option("DESTINATION", flags->destination, "s3://BUCKET/PREFIX")->required();
    for (const char* key :
         {"watch.stable_seconds", "watch.scan_seconds", "watch.delete_after_upload",
          "storage.upload_parallelism", "storage.retry_max_seconds", "storage.stop_wait_seconds",
          "s3.endpoint", "s3.region", "s3.path_style", "s3.multipart_threshold_mb",
          "s3.part_size_mb", "s3.part_parallelism"}) {
        cli.add_setting_flag(command, key);
    }
}

} // namespace ov2ha::cmd
