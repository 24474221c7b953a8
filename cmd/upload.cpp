// `ov2ha upload`: flags and wiring; the work is core/chunks/upload_plan and chunk_shipper
// over core/s3.
#include "cmd/upload.hpp"

#include "cmd/command_loop.hpp"
#include "core/base/loop.hpp"
#include "core/chunks/chunk_shipper.hpp"
#include "core/chunks/upload_plan.hpp"
#include "core/s3/s3_url.hpp"
#include "core/s3/settings_from_config.hpp"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <unistd.h>

namespace ov2ha::cmd {
namespace {

constexpr const char* k_description =
    R"(Upload files and folders to S3-compatible storage.

The last argument is the destination, s3://BUCKET or s3://BUCKET/PREFIX. A file goes to
PREFIX/<its name>; the files under a folder (recursively) go to PREFIX/<path inside the
folder>, so `ov2ha upload /recordings/ses_1/chunks s3://rec/ses_1/chunks` stores
s3://rec/ses_1/chunks/0001.mp4, ... Several files go up at once (--upload-parallelism);
files above --multipart-threshold-mb go up in parts of --part-size-mb MiB, several parts at
once (--part-parallelism). Every body's SHA-256 is signed, so the server refuses a body
corrupted on the way (OV2HA_S3_CONTENT_MD5=true adds Content-MD5, which buckets with S3
Object Lock retention demand). A progress bar is drawn on a terminal; a summary line (files, bytes,
seconds, MB/s) ends the run.

Where the bucket is and who signs: HA_AWS_S3_SERVICE_ENDPOINT (empty for AWS),
HA_AWS_ACCESS_KEY, HA_AWS_SECRET_KEY, and OV2HA_S3_<KEY> for every s3 setting (region,
path_style, timeouts, retries; see --print-config).

Exit codes: 0 every object was confirmed by the server; 1 an upload failed (unreachable
endpoint, refused credentials, missing bucket: S3's words are printed) or was interrupted;
2 bad destination URL, missing path or bad setting, nothing was sent.

Example:
  HA_AWS_S3_SERVICE_ENDPOINT=http://minio:9000 HA_AWS_ACCESS_KEY=... HA_AWS_SECRET_KEY=... \
    ov2ha upload --create-bucket /recordings/ses_1/chunks s3://recordings/ses_1/chunks)";

// How often the progress bar is redrawn on a terminal.
constexpr std::uint64_t k_progress_ms = 200;

struct UploadFlags {
    std::vector<std::string> arguments; // PATH... then s3://BUCKET/PREFIX
    bool create_bucket = false;
};

std::string megabytes_text(double bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", bytes / 1e6);
    return text;
}

// One upload on the loop: ships the planned files through a ChunkShipper that gives a file
// up at its first failure, stops everything at the first failure or signal, and reports.
class UploadRun {
  public:
    UploadRun(uv_loop_t* loop, std::vector<chunks::ShipItem> items, std::string bucket,
              bool create_bucket)
        : m_loop(loop), m_items(std::move(items)), m_bucket(std::move(bucket)),
          m_create_bucket(create_bucket), m_sigint(loop), m_sigterm(loop), m_progress(loop),
          m_show_progress(::isatty(STDERR_FILENO) == 1) {
        for (auto* handle : {reinterpret_cast<uv_handle_t*>(m_sigint.get()),
                             reinterpret_cast<uv_handle_t*>(m_sigterm.get()),
                             reinterpret_cast<uv_handle_t*>(m_progress.get())}) {
            handle->data = this;
        }
    }

    // Starts the run; the loop then runs until it has ended and exit_code() is final.
    Status start(s3::S3Settings settings, chunks::ShipperSettings shipping) {
        auto client = s3::S3Client::create(m_loop, std::move(settings));
        if (!client) {
            return client.error();
        }
        chunks::ShipperEvents events;
        events.confirmed = [this](const chunks::ShipItem&, const chunks::ShipReport& report) {
            ++m_confirmed;
            m_bytes += report.size;
            draw_progress();
            if (m_confirmed == m_items.size()) {
                finish();
            }
        };
        events.failed = [this](const chunks::ShipItem& item, const std::string& error,
                               std::optional<std::chrono::milliseconds>) {
            std::cerr << (m_show_progress ? "\r\033[K" : "") << "ov2ha upload: " << item.path
                      << " -> s3://" << m_bucket << "/" << item.key << ": " << error << "\n";
            finish();
        };
        m_shipper = std::make_unique<chunks::ChunkShipper>(m_loop, std::move(*client),
                                                           std::move(shipping), std::move(events));
        const auto on_signal = [](uv_signal_t* handle, int) {
            auto* self = static_cast<UploadRun*>(handle->data);
            std::cerr << (self->m_show_progress ? "\r\033[K" : "") << "ov2ha upload: interrupted\n";
            self->finish();
        };
        int rc = uv_signal_start(m_sigint.get(), on_signal, SIGINT);
        if (rc == 0) {
            rc = uv_signal_start(m_sigterm.get(), on_signal, SIGTERM);
        }
        if (rc != 0) {
            return failure(uv_error_text("watch SIGINT and SIGTERM", rc));
        }
        if (m_show_progress) {
            uv_timer_start(
                m_progress.get(),
                [](uv_timer_t* timer) { static_cast<UploadRun*>(timer->data)->draw_progress(); },
                k_progress_ms, k_progress_ms);
        }
        m_started = std::chrono::steady_clock::now();
        if (!m_create_bucket) {
            ship();
            return success();
        }
        m_shipper->client().create_bucket([this](s3::S3Result<std::monostate> created) {
            if (!created) {
                if (created.error().kind != s3::ErrorKind::cancelled) {
                    std::cerr << "ov2ha upload: " << created.error().text() << "\n";
                }
                finish();
                return;
            }
            ship();
        });
        return success();
    }

    int exit_code() const {
        return m_confirmed == m_items.size() ? cli::k_exit_ok : cli::k_exit_failure;
    }

  private:
    void ship() {
        m_shipper->start([this](Status ready) {
            if (!ready) {
                std::cerr << "ov2ha upload: " << ready.message() << "\n";
                finish();
                return;
            }
            if (m_items.empty()) {
                finish();
                return;
            }
            for (const auto& item : m_items) {
                m_shipper->offer(item);
            }
        });
    }

    double elapsed_seconds() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
    }

    void draw_progress() {
        if (!m_show_progress || m_finishing) {
            return;
        }
        constexpr std::size_t k_width = 30;
        const std::size_t total = m_items.size();
        const std::size_t filled = total ? m_confirmed * k_width / total : k_width;
        const double seconds = elapsed_seconds();
        std::cerr << "\rupload [" << std::string(filled, '#') << std::string(k_width - filled, '.')
                  << "] " << m_confirmed << "/" << total << " files, "
                  << megabytes_text(static_cast<double>(m_bytes)) << " MB, "
                  << megabytes_text(seconds > 0 ? static_cast<double>(m_bytes) / seconds : 0)
                  << " MB/s" << std::flush;
    }

    // Stops shipping (uploads still running are abandoned), closes every handle and
    // prints the summary. Once.
    void finish() {
        if (m_finishing) {
            return;
        }
        m_finishing = true;
        const double seconds = elapsed_seconds();
        m_shipper->drain(std::chrono::milliseconds(0), [this, seconds](auto) {
            m_sigint.close();
            m_sigterm.close();
            m_progress.close();
            if (m_show_progress) {
                std::cerr << "\r\033[K" << std::flush;
            }
            char rate[32];
            std::snprintf(rate, sizeof rate, "%.2f s (%.2f MB/s)", seconds,
                          seconds > 0 ? static_cast<double>(m_bytes) / 1e6 / seconds : 0.0);
            std::cout << "uploaded " << m_confirmed << " of " << m_items.size() << " files, "
                      << m_bytes << " bytes in " << rate << "\n";
        });
    }

    uv_loop_t* m_loop;
    std::vector<chunks::ShipItem> m_items;
    std::string m_bucket;
    bool m_create_bucket;
    std::unique_ptr<chunks::ChunkShipper> m_shipper;
    UvHandle<uv_signal_t> m_sigint;
    UvHandle<uv_signal_t> m_sigterm;
    UvHandle<uv_timer_t> m_progress;
    bool m_show_progress;
    bool m_finishing = false;
    std::size_t m_confirmed = 0;
    std::uint64_t m_bytes = 0;
    std::chrono::steady_clock::time_point m_started;
};

int run_upload(const UploadFlags& flags, const Config& config) {
    if (flags.arguments.size() < 2) {
        std::cerr << "ov2ha upload: give one or more files or folders, then the destination "
                     "s3://BUCKET/PREFIX\n";
        return cli::k_exit_usage;
    }
    const std::string& destination_text = flags.arguments.back();
    auto destination = s3::parse_s3_url(destination_text);
    if (!destination) {
        std::cerr << "ov2ha upload: " << destination.message() << "\n";
        return cli::k_exit_usage;
    }
    auto items = chunks::plan_upload({flags.arguments.begin(), flags.arguments.end() - 1},
                                     destination->prefix);
    if (!items) {
        std::cerr << "ov2ha upload: " << items.message() << "\n";
        return cli::k_exit_usage;
    }
    auto settings = s3::settings_from_config(
        config.with("s3.bucket", destination->bucket, "argument " + destination_text));
    if (!settings) {
        std::cerr << "ov2ha upload: " << settings.message() << "\n";
        return cli::k_exit_usage;
    }
    cli::CommandLoop loop("upload");
    if (!loop.ready()) {
        return cli::k_exit_failure;
    }
    chunks::ShipperSettings shipping = chunks::shipper_settings_from_config(config, "");
    shipping.give_up_after = 1; // the client already retried what is worth retrying
    UploadRun run(loop.get(), std::move(*items), destination->bucket, flags.create_bucket);
    if (auto started = run.start(std::move(*settings), std::move(shipping)); !started) {
        return loop.fail(started.message());
    }
    loop.run();
    return run.exit_code();
}

} // namespace

void setup_upload(cli::Cli& cli) {
    auto flags = std::make_shared<UploadFlags>();
    CLI::App* command = cli.add_command(
        {"upload", k_description, {"s3", "storage"}, "", [flags](const Config& config) {
             return run_upload(*flags, config);
         }});
    command
        ->add_option("PATH... s3://BUCKET/PREFIX", flags->arguments,
                     "files and folders to upload, then the destination")
        ->required();
    command->add_flag("--create-bucket", flags->create_bucket,
                      "create the bucket first (nothing happens if it is already yours)");
    for (const char* key :
         {"s3.endpoint", "s3.region", "s3.path_style", "storage.upload_parallelism",
          "s3.multipart_threshold_mb", "s3.part_size_mb", "s3.part_parallelism"}) {
        cli.add_setting_flag(command, key);
    }
}

} // namespace ov2ha::cmd
