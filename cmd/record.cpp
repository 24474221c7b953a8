// `ov2ha record`: flags and wiring; the work is core/recorder/.
#include "cmd/record.hpp"

#include "cmd/command_loop.hpp"
#include "core/recorder/recorder_session.hpp"

#include <iostream>

namespace ov2ha::cmd {
namespace {

constexpr const char* k_description =
    R"(Record an OpenVidu COMPOSED recording in chunks: the recorder container's main process.

Captures --video-input and --audio-input (by default x11grab of $DISPLAY at RESOLUTION and
FRAMERATE, and pulse:default, like OpenVidu's image; no audio when ONLY_VIDEO=true or
--no-audio), encodes like OpenVidu's stock recorder (libx264 ultrafast, CRF 28, yuv420p, AAC)
and writes <recordings>/<VIDEO_ID>/chunks/NNNN.mp4, CHUNK_TIME_SIZE seconds each. Numbering
continues after the highest chunk already in the folder (or START_CHUNK); a chunk is never
overwritten. Each chunk is a fragmented MP4: a crash loses about one second, not a chunk.
At start it writes .recording.<VIDEO_ID> (from RECORDING_JSON) and a placeholder
<VIDEO_NAME>.mp4, which OpenVidu waits for.

Stopping: write 'q' into the stop file (--stop-file, default ./stop, emptied at start;
OpenVidu runs `echo 'q' > stop` in the container's / folder), send SIGTERM or SIGINT, or
set --max-duration. The last chunk is closed, the chunks are joined into <VIDEO_NAME>.mp4
(faststart), then <VIDEO_ID>.info, <VIDEO_ID>.jpg and .recording.<VIDEO_ID> are written.

With HA_RECORDING_STORAGE=s3 (--storage s3) each chunk is also uploaded the moment it closes,
to [<--key-prefix>/]<VIDEO_ID>/chunks/NNNN.mp4 in HA_AWS_S3_BUCKET at HA_AWS_S3_SERVICE_ENDPOINT,
signed with HA_AWS_ACCESS_KEY and HA_AWS_SECRET_KEY. Numbering also continues after the
highest chunk already in the bucket for this VIDEO_ID. Confirmed uploads are recorded in
<chunks>/.ov2ha-upload-journal; while S3 is unreachable chunks stay on disk and are retried.
At stop, uploads run beside the join for at most --stop-wait-seconds; what is left stays
unconfirmed in the journal (`ov2ha watch` on the chunk folder ships it).

Environment, as OpenVidu sets it in the container: VIDEO_ID, VIDEO_NAME, VIDEO_FORMAT,
RESOLUTION, FRAMERATE, ONLY_VIDEO, RECORDING_JSON, URL, DISPLAY; as ov2-ha-recorder
deployments set it: CHUNK_TIME_SIZE, CHUNK_FOLDER, START_CHUNK, HA_RECORDING_STORAGE and the
HA_AWS_* names above; and OV2HA_RECORDER_<KEY>, OV2HA_ENCODER_<KEY>, OV2HA_STORAGE_<KEY>,
OV2HA_S3_<KEY> for every setting. The same names may stand in /recordings/.env (that
is, <recordings>/.env: KEY=VALUE lines, # comments), which the real environment overrides.

HA controller: with HA_CONTROLLER_HOST set (and HA_CONTROLLER_PORT, HA_CONTROLLER_USERNAME,
HA_CONTROLLER_PASSWORD, HEARTBEAT_INTERVAL), the recording registers with `ov2ha serve`,
heartbeats with its last closed chunk and reports RECORDING, STOPPING, then COMPLETED or FAILED.
An unreachable controller never stops the recording.

Exit codes: 0 recorded and final files written; 1 capture or join failed (.recording says
failed when no video could be made); 2 bad setting or id, nothing started.

Example outside a container:
  ov2ha record --recordings-dir /tmp/rec --video-id demo \
    --video-input lavfi:testsrc2=size=1280x720:rate=25 --audio-input lavfi:sine=frequency=440)";

int run_record(const Config& config) {
    auto plan = recorder::plan_recording(config);
    if (!plan) {
        std::cerr << "ov2ha record: " << plan.message() << "\n";
        return cli::k_exit_usage;
    }
    // Set by the session when it is done; read once the loop has shut down.
    int exit_code = cli::k_exit_failure;
    {
        cli::CommandLoop loop("record");
        if (!loop.ready()) {
            return cli::k_exit_failure;
        }
        auto controller = recorder::make_controller_link(loop.get(), config, *plan);
        recorder::RecorderSession session(loop.get(), std::move(*plan),
                                          [&exit_code](int code) { exit_code = code; });
        Status started = controller ? success() : Status(controller.error());
        if (started) {
            session.attach_controller(std::move(*controller));
            started = session.start();
        }
        if (!started) {
            exit_code = loop.fail(started.message());
        } else {
            loop.run();
        }
    }
    return exit_code;
}

} // namespace

void setup_record(cli::Cli& cli) {
    CLI::App* command =
        cli.add_command({.name = "record",
                         .description = k_description,
                         .sections = {"recorder", "encoder", "storage", "s3", "controller"},
                         .dotenv_folder_key = "recorder.recordings_dir",
                         .run = run_record,
                         .uses_media = true});
    for (const char* key : {"recorder.recordings_dir",
                            "recorder.video_id",
                            "recorder.video_name",
                            "recorder.chunk_time_size",
                            "recorder.chunk_folder",
                            "recorder.start_chunk",
                            "recorder.video_input",
                            "recorder.audio_input",
                            "recorder.no_audio",
                            "recorder.only_video",
                            "recorder.display",
                            "recorder.resolution",
                            "recorder.framerate",
                            "recorder.stop_file",
                            "recorder.max_duration",
                            "encoder.video_codec",
                            "encoder.preset",
                            "encoder.crf",
                            "encoder.pixel_format",
                            "encoder.audio_codec",
                            "encoder.audio_bitrate",
                            "encoder.audio_sample_rate",
                            "storage.mode",
                            "storage.key_prefix",
                            "storage.stop_wait_seconds",
                            "storage.upload_parallelism",
                            "storage.retry_max_seconds",
                            "s3.endpoint",
                            "s3.bucket",
                            "s3.region",
                            "s3.path_style"}) {
        cli.add_setting_flag(command, key);
    }
}

} // namespace ov2ha::cmd
