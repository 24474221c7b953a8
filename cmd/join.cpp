// `ov2ha join`: flags and wiring; the work is core/media/joiner, probe and
// thumbnail, and core/openvidu/info_json.
#include "cmd/join.hpp"

#include "core/base/files.hpp"
#include "core/base/log.hpp"
#include "core/chunks/chunk_folder.hpp"
#include "core/media/joiner.hpp"
#include "core/media/probe.hpp"
#include "core/media/thumbnail.hpp"
#include "core/openvidu/info_json.hpp"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <unistd.h>

namespace ov2ha::cmd {
namespace {

constexpr const char* k_description =
    R"(Join a folder of numbered chunks into the one faststart MP4 OpenVidu expects.

SRC is a chunk folder holding NNNN.mp4 files (four digits or more; 10000.mp4 follows
9999.mp4). They are joined in numeric order by stream copy: nothing is re-encoded, so the
join runs at disk speed. The timeline is made continuous: each chunk starts where the
previous chunk's video ended, whether the chunks share one running clock, each restart at
zero (ffmpeg -f segment -reset_timestamps 1) or both (a restarted recorder); audio keeps its
place against the video. A chunk cut short by a crash (a fragmented MP4 cut at any byte)
gives its readable beginning and is reported "truncated"; a chunk that cannot be read, or
whose codec or picture size differs from the first readable chunk's, is reported "skipped".
Neither fails the join. The first readable chunk's best video and audio streams make the
output; a later chunk without audio keeps its video and leaves a gap in the audio.

OUT defaults to <parent>/<parent-name>.mp4 when SRC is a folder named "chunks" (so
/recordings/<id>/chunks gives /recordings/<id>/<id>.mp4, where OpenVidu looks when
VIDEO_NAME is the id), else to <SRC>.mp4. OUT is written as a temporary file beside it,
flushed to disk and renamed into place, so nobody sees half a file; its index (moov) comes
before the media, as with ffmpeg's -movflags +faststart.

--report FILE writes the outcome as JSON:
  {"duration_seconds": 3600.04, "output_bytes": 734003200, "has_video": true,
   "has_audio": true, "counts": {"ok": 359, "truncated": 1, "skipped": 0},
   "chunks": [{"chunk": "0001.mp4", "status": "ok", "seconds_kept": 10.0,
               "packets_kept": 719, "packets_dropped": 0, "detail": ""}, ...]}
  status is ok | truncated | skipped; detail says why a chunk was cut or skipped, or which
  packets were dropped (damaged, or timestamps that would not increase).
--info FILE writes what `ffprobe -v quiet -print_format json -show_format -show_streams
OUT` prints (OpenVidu's <id>.info); --thumbnail FILE writes a 480-pixel-wide JPEG of the
middle of the recording (OpenVidu's <id>.jpg).

Ctrl-C (SIGINT) or SIGTERM stops the join and removes the temporary file.

Exit codes: 0 joined, even when chunks were truncated or skipped; 1 the folder is missing,
no chunk is readable, or a file could not be written (no partial OUT is left); 2 bad flags.

Example:
  ov2ha join /recordings/ses_abc/chunks --info /recordings/ses_abc/ses_abc.info \
    --thumbnail /recordings/ses_abc/ses_abc.jpg --report join-report.json)";

struct JoinFlags {
    std::string source;
    std::string output;
    std::string report;
    std::string info;
    std::string thumbnail;
};

// Set from the signal handler; a lock-free atomic store is async-signal-safe.
std::atomic<bool> g_cancel{false};
static_assert(std::atomic<bool>::is_always_lock_free);

void request_cancel(int) {
    g_cancel.store(true);
}

void install_cancel_handlers() {
    struct sigaction action = {};
    action.sa_handler = request_cancel;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

std::string default_output(const std::string& source) {
    std::filesystem::path folder = std::filesystem::absolute(source).lexically_normal();
    if (folder.filename().empty()) {
        folder = folder.parent_path();
    }
    const std::filesystem::path parent = folder.parent_path();
    if (folder.filename() == "chunks" && !parent.filename().empty()) {
        return (parent / (parent.filename().string() + ".mp4")).string();
    }
    return folder.string() + ".mp4";
}

void draw_progress(std::size_t done, std::size_t total) {
    constexpr std::size_t k_bar_width = 30;
    const std::size_t filled = total ? done * k_bar_width / total : k_bar_width;
    std::cerr << "\rjoining [" << std::string(filled, '#') << std::string(k_bar_width - filled, '.')
              << "] " << done << "/" << total << " chunks" << std::flush;
}

// Writes the optional report, .info and thumbnail; prints where each went.
int write_extras(const JoinFlags& flags, const std::string& output,
                 const media::JoinReport& report) {
    if (!flags.report.empty()) {
        if (auto written =
                write_file_atomically(flags.report, media::join_report_json(report) + "\n");
            !written) {
            std::cerr << "ov2ha join: " << written.message() << "\n";
            return cli::k_exit_failure;
        }
        std::cout << "report: " << flags.report << "\n";
    }
    if (!flags.info.empty()) {
        auto info = media::probe_media(output);
        if (!info) {
            std::cerr << "ov2ha join: " << info.message() << "\n";
            return cli::k_exit_failure;
        }
        if (auto written = write_file_atomically(flags.info, openvidu::info_json(*info));
            !written) {
            std::cerr << "ov2ha join: " << written.message() << "\n";
            return cli::k_exit_failure;
        }
        std::cout << "info: " << flags.info << "\n";
    }
    if (!flags.thumbnail.empty()) {
        if (auto written = media::write_thumbnail(output, flags.thumbnail); !written) {
            std::cerr << "ov2ha join: " << written.message() << "\n";
            return cli::k_exit_failure;
        }
        std::cout << "thumbnail: " << flags.thumbnail << "\n";
    }
    return cli::k_exit_ok;
}

int run_join(const JoinFlags& flags) {
    auto chunks = chunks::list_chunk_folder(flags.source);
    if (!chunks) {
        std::cerr << "ov2ha join: " << chunks.message() << "\n";
        return cli::k_exit_failure;
    }
    if (chunks->empty()) {
        std::cerr << "ov2ha join: no chunk files (NNNN.mp4) in " << flags.source << "\n";
        return cli::k_exit_failure;
    }
    media::JoinOptions options;
    options.chunks = std::move(*chunks);
    options.output_path = flags.output.empty() ? default_output(flags.source) : flags.output;
    options.cancel = &g_cancel;
    const bool show_progress = ::isatty(STDERR_FILENO) == 1;
    if (show_progress) {
        options.progress = draw_progress;
    }
    install_cancel_handlers();
    auto report = media::join_chunks(options);
    if (show_progress) {
        std::cerr << "\r\033[K" << std::flush;
    }
    if (!report) {
        std::cerr << "ov2ha join: " << report.message() << "\n";
        return cli::k_exit_failure;
    }
    std::cout << "joined " << report->chunks.size() << " chunk(s) into " << options.output_path
              << ": " << media::count_chunks(*report, "ok") << " ok, "
              << media::count_chunks(*report, "truncated") << " truncated, "
              << media::count_chunks(*report, "skipped") << " skipped\n";
    char duration[64];
    std::snprintf(duration, sizeof duration, "%.3f", report->duration_seconds);
    std::cout << "duration " << duration << " s, " << report->output_bytes << " bytes"
              << (report->has_video ? ", video" : "") << (report->has_audio ? ", audio" : "")
              << "\n";
    return write_extras(flags, options.output_path, *report);
}

} // namespace

void setup_join(cli::Cli& cli) {
    auto flags = std::make_shared<JoinFlags>();
    CLI::App* command = cli.add_command({.name = "join",
                                         .description = k_description,
                                         .sections = {},
                                         .dotenv_folder_key = "",
                                         .run = [flags](const Config&) { return run_join(*flags); },
                                         .uses_media = true});
    command->add_option("SRC", flags->source, "chunk folder holding NNNN.mp4 files")
        ->required()
        ->type_name("DIR");
    command
        ->add_option("-o,--output", flags->output,
                     "joined MP4 to write (default <parent>/<parent-name>.mp4 when SRC is named "
                     "chunks, else <SRC>.mp4)")
        ->type_name("OUT");
    command->add_option("--report", flags->report, "also write the per-chunk outcome as JSON here")
        ->type_name("FILE");
    command
        ->add_option("--info", flags->info,
                     "also write OpenVidu's .info (ffprobe-style JSON of OUT) here")
        ->type_name("FILE");
    command
        ->add_option("--thumbnail", flags->thumbnail,
                     "also write a 480-pixel-wide JPEG from the middle of OUT here")
        ->type_name("FILE");
}

} // namespace ov2ha::cmd
