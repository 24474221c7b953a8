// The settings table. Add a row here and it becomes loadable from TOML, the
// environment and (with a flag name) the command line, and shows in --print-config.
#include "core/base/settings.hpp"

#include "core/base/addresses.hpp"
#include "core/base/header_list.hpp"

#include <algorithm>
#include <cctype>

namespace ov2ha {

std::string SettingSpec::section() const {
    return key.substr(0, key.find('.'));
}

std::string SettingSpec::name() const {
    return key.substr(key.find('.') + 1);
}

std::string SettingSpec::environment_name() const {
    std::string text = "OV2HA_" + section() + "_" + name();
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return text;
}

namespace {

SettingSpec row(std::string key, SettingType type, std::string default_value, Validator validate,
                std::vector<std::string> legacy, std::string flag, std::string help) {
    return SettingSpec{std::move(key),    type,  std::move(default_value), std::move(validate),
                       std::move(legacy), false, std::move(flag),          std::move(help)};
}

// A row whose value is never shown (--print-config prints ***) nor logged.
SettingSpec secret(SettingSpec spec) {
    spec.secret = true;
    return spec;
}

std::vector<SettingSpec> make_table() {
    using T = SettingType;
    return {
        row("log.level", T::text, "info", one_of({"debug", "info", "warn", "error"}), {},
            "--log-level", "least severe log level written to stderr"),
        row("log.format", T::text, "text", one_of({"text", "json"}), {}, "--log-format",
            "log line format: text for people, json for log collectors"),

        row("recorder.recordings_dir", T::text, "/recordings", nonempty_text(), {},
            "--recordings-dir",
            "folder OpenVidu binds as /recordings; the recording goes to <dir>/<VIDEO_ID>/"),
        row("recorder.chunk_folder", T::text, "", any_text(), {"CHUNK_FOLDER"}, "--chunk-folder",
            "root for chunk folders (<root>/<VIDEO_ID>/chunks); empty means the recordings "
            "folder"),
        row("recorder.chunk_time_size", T::integer, "10", integer_between(1, 3600),
            {"CHUNK_TIME_SIZE"}, "--chunk-time-size", "seconds of media in each chunk"),
        row("recorder.start_chunk", T::integer, "1", integer_between(1, 99999999), {"START_CHUNK"},
            "--start-chunk", "lowest number the first new chunk may take"),
        row("recorder.video_id", T::text, "", empty_or(safe_id()), {"VIDEO_ID"}, "--video-id",
            "recording id; names the folder <recordings>/<VIDEO_ID>"),
        row("recorder.video_name", T::text, "", empty_or(file_name_text()), {"VIDEO_NAME"},
            "--video-name",
            "file name of the final recording, without extension (default: the id)"),
        row("recorder.video_format", T::text, "mp4", one_of({"mp4"}), {"VIDEO_FORMAT"}, "",
            "container of the final recording"),
        row("recorder.url", T::text, "", any_text(), {"URL"}, "",
            "layout page the browser shows; kept for backups that must continue"),
        row("recorder.only_video", T::boolean, "false", boolean_word(), {"ONLY_VIDEO"},
            "--only-video", "record without audio, as OpenVidu asks with ONLY_VIDEO=true"),
        row("recorder.resolution", T::text, "1280x720", resolution_text(), {"RESOLUTION"},
            "--resolution", "captured and encoded size, WIDTHxHEIGHT"),
        row("recorder.framerate", T::integer, "25", integer_between(1, 120), {"FRAMERATE"},
            "--framerate", "frames per second"),
        row("recorder.recording_json", T::text, "", json_object_text(), {"RECORDING_JSON"}, "",
            "OpenVidu's recording as JSON; seeds .recording.<id>"),
        row("recorder.display", T::text, ":99", nonempty_text(), {"DISPLAY"}, "--display",
            "X display the default video input captures"),
        row("recorder.video_input", T::text, "", media_input_text(), {}, "--video-input",
            "FFmpeg video input FORMAT:SPEC (default x11grab of the display)"),
        row("recorder.audio_input", T::text, "pulse:default", media_input_text(), {},
            "--audio-input", "FFmpeg audio input FORMAT:SPEC"),
        row("recorder.no_audio", T::boolean, "false", boolean_word(), {}, "--no-audio",
            "record video only, whatever ONLY_VIDEO says"),
        row("recorder.stop_file", T::text, "./stop", nonempty_text(), {}, "--stop-file",
            "file whose 'q' stops the recording (OpenVidu writes 'q' into /stop)"),
        row("recorder.max_duration", T::integer, "0", integer_between(0, 31 * 24 * 3600), {},
            "--max-duration", "stop by itself after this many seconds; 0 means never"),

        row("encoder.video_codec", T::text, "libx264", nonempty_text(), {}, "--video-codec",
            "FFmpeg video encoder"),
        row("encoder.preset", T::text, "ultrafast", nonempty_text(), {}, "--preset",
            "encoder preset"),
        row("encoder.crf", T::integer, "28", integer_between(0, 51), {}, "--crf",
            "constant rate factor (lower is better and bigger)"),
        row("encoder.pixel_format", T::text, "yuv420p", nonempty_text(), {}, "--pixel-format",
            "encoded pixel format"),
        row("encoder.audio_codec", T::text, "aac", nonempty_text(), {}, "--audio-codec",
            "FFmpeg audio encoder"),
        row("encoder.audio_bitrate", T::integer, "128000", integer_between(8000, 1024000), {},
            "--audio-bitrate", "audio bits per second"),
        row("encoder.audio_sample_rate", T::integer, "48000", integer_between(8000, 192000), {},
            "--audio-sample-rate", "audio samples per second"),

        row("storage.mode", T::text, "local", one_of({"local", "s3"}), {"HA_RECORDING_STORAGE"},
            "--storage",
            "where record keeps chunks: local only, or also shipped to S3 as each one closes"),
        row("storage.key_prefix", T::text, "", any_text(), {}, "--key-prefix",
            "record in s3 mode: keys are <prefix>/<VIDEO_ID>/chunks/NNNN.mp4; empty means "
            "<VIDEO_ID>/chunks/NNNN.mp4"),
        row("storage.upload_parallelism", T::integer, "4", integer_between(1, 64), {},
            "--upload-parallelism", "files uploaded at the same time"),
        row("storage.retry_max_seconds", T::integer, "30", integer_between(1, 3600), {},
            "--retry-max-seconds",
            "longest wait between two tries while S3 is unreachable (files stay on disk)"),
        row("storage.stop_wait_seconds", T::integer, "20", integer_between(0, 3600), {},
            "--stop-wait-seconds",
            "at stop, how long uploads may still run before the rest is left for later"),

        row("watch.stable_seconds", T::integer, "10", integer_between(0, 3600), {},
            "--stable-seconds",
            "a file is shipped once its writer closed it, or once its size and mtime have not "
            "changed for this long"),
        row("watch.scan_seconds", T::integer, "5", integer_between(1, 3600), {}, "--scan-seconds",
            "full look at the folder this often, besides inotify events"),
        row("watch.delete_after_upload", T::boolean, "false", boolean_word(), {},
            "--delete-after-upload", "remove a local file once its upload is confirmed"),

        row("s3.endpoint", T::text, "", any_text(), {"HA_AWS_S3_SERVICE_ENDPOINT"}, "--s3-endpoint",
            "S3 endpoint URL http(s)://host[:port] (MinIO, Ceph, ...); empty means AWS"),
        row("s3.region", T::text, "us-east-1", nonempty_text(), {}, "--s3-region",
            "signing region (also names the AWS endpoint)"),
        row("s3.bucket", T::text, "", any_text(), {"HA_AWS_S3_BUCKET"}, "--s3-bucket",
            "bucket the chunks go to"),
        row("s3.access_key", T::text, "", any_text(), {"HA_AWS_ACCESS_KEY"}, "", "access key id"),
        secret(row("s3.secret_key", T::text, "", any_text(), {"HA_AWS_SECRET_KEY"}, "",
                   "secret access key")),
        row("s3.path_style", T::text, "auto", one_of({"auto", "true", "false"}), {},
            "--s3-path-style",
            "path-style addressing (endpoint/bucket/key); auto: on for custom endpoints, off "
            "for AWS"),
        row("s3.connect_timeout_seconds", T::integer, "10", integer_between(1, 600), {}, "",
            "a connection not made within this time is tried again"),
        row("s3.stall_seconds", T::integer, "30", integer_between(1, 3600), {}, "",
            "a request that moves no byte for this long is tried again"),
        row("s3.request_timeout_seconds", T::integer, "0", integer_between(0, 86400), {}, "",
            "longest time one request may take; 0 means no limit"),
        row("s3.max_attempts", T::integer, "4", integer_between(1, 100), {}, "",
            "tries per request on 5xx, timeouts and connection errors (4xx is not retried)"),
        row("s3.retry_base_ms", T::integer, "200", integer_between(0, 600000), {}, "",
            "first wait between tries of one request; doubles each time, with jitter"),
        row("s3.retry_max_ms", T::integer, "20000", integer_between(0, 600000), {}, "",
            "longest wait between tries of one request"),
        row("s3.multipart_threshold_mb", T::integer, "64", integer_between(5, 5 * 1024 * 1024), {},
            "--multipart-threshold-mb", "files larger than this many MiB go up in parts"),
        row("s3.part_size_mb", T::integer, "8", integer_between(5, 5 * 1024), {}, "--part-size-mb",
            "MiB per part of a multipart upload"),
        row("s3.part_parallelism", T::integer, "4", integer_between(1, 64), {},
            "--part-parallelism", "parts of one file uploaded at the same time"),
        row("s3.content_md5", T::boolean, "false", boolean_word(), {}, "",
            "also send Content-MD5 with every object and part (one more pass over the bytes); "
            "buckets with S3 Object Lock retention refuse uploads without it"),

        // The HA controller as recorders reach it, and the credentials both sides use.
        row("controller.host", T::text, "", any_text(), {"HA_CONTROLLER_HOST"}, "",
            "host (or http:// or https:// URL) of the ov2ha serve that record registers with and "
            "heartbeats to; empty means no controller"),
        row("controller.port", T::integer, "8080", integer_between(1, 65535),
            {"HA_CONTROLLER_PORT"}, "", "port of the controller's REST API as recorders reach it"),
        row("controller.username", T::text, "", any_text(), {"HA_CONTROLLER_USERNAME"}, "",
            "HTTP Basic user of the controller's REST API; empty together with the password "
            "means no authentication"),
        secret(row("controller.password", T::text, "", any_text(), {"HA_CONTROLLER_PASSWORD"}, "",
                   "HTTP Basic password of the controller's REST API")),
        row("controller.heartbeat_interval", T::integer, "10", integer_between(1, 3600),
            {"HEARTBEAT_INTERVAL"}, "", "seconds between a recorder's heartbeats"),

        row("server.listen", T::text, "0.0.0.0:8080", host_port_text(), {}, "--listen",
            "address and port the controller's REST API listens on"),
        row("server.max_connections", T::integer, "1024", integer_between(1, 100000), {}, "",
            "open client connections; further ones are closed at once"),
        row("server.max_header_bytes", T::integer, "16384", integer_between(1024, 1048576), {}, "",
            "bytes of request line and headers; more is answered 431"),
        row("server.max_body_bytes", T::integer, "1048576", integer_between(1024, 67108864), {}, "",
            "bytes of request body; more is answered 413"),
        row("server.request_timeout", T::integer, "10", integer_between(1, 3600), {}, "",
            "seconds a client may take to send the headers, and again the body"),
        row("server.idle_timeout", T::integer, "60", integer_between(1, 86400), {}, "",
            "seconds a keep-alive connection may sit without a request"),

        row("redis.url", T::text, "redis://127.0.0.1:6379/0", redis_url_text(), {}, "--redis",
            "Redis that holds the sessions, redis://HOST[:PORT][/DB]"),
        secret(row("redis.password", T::text, "", any_text(), {}, "",
                   "Redis AUTH password; empty means no AUTH")),
        row("redis.session_ttl", T::integer, "86400", integer_between(60, 31 * 86400), {}, "",
            "seconds a session key lives after its last write"),
        row("redis.timeout_ms", T::integer, "2000", integer_between(50, 60000), {}, "",
            "milliseconds Redis may take to connect or to answer before the connection is "
            "dropped and made again"),

        row("sessions.cleanup_interval", T::integer, "30", integer_between(1, 86400),
            {"HA_SESSION_CLEANUP_INTERVAL"}, "",
            "seconds between two cleanups of inactive sessions"),
        row("sessions.max_inactive_time", T::integer, "600", integer_between(1, 31 * 86400),
            {"HA_SESSION_MAX_INACTIVE_TIME"}, "",
            "seconds an inactive session is kept; then the cleanup removes it, and its chunks in "
            "the bucket when its final recording exists"),
        row("sessions.recordings_path", T::text, "/opt/openvidu/recordings", nonempty_text(),
            {"OPENVIDU_RECORDING_PATH"}, "",
            "OpenVidu's recordings folder on this host, where the cleanup looks for final "
            "recordings"),

        row("failover.enabled", T::boolean, "true", boolean_word(), {}, "",
            "watch the recorders' heartbeats"),
        row("failover.check_interval", T::integer, "60", integer_between(1, 86400),
            {"HA_FAILOVER_CHECK_INTERVAL"}, "", "seconds between two failover scans"),
        row("failover.max_missed_heartbeats", T::integer, "3", integer_between(1, 1000),
            {"HA_MAX_MISSED_HEARTBEATS"}, "",
            "heartbeats a recorder may miss before it counts as failed"),
        row("failover.chunk_time_size", T::integer, "10", integer_between(1, 3600),
            {"CHUNK_TIME_SIZE"}, "",
            "seconds of media per chunk the recorders write; a last chunk unchanged for "
            "max_missed_heartbeats chunks counts as stuck"),

        row("webhook.enabled", T::boolean, "false", boolean_word(), {"OPENVIDU_WEBHOOK"}, "",
            "relay the OpenVidu webhook events received at /openvidu/webhook to webhook.endpoint"),
        row("webhook.endpoint", T::text, "", empty_or(http_url_text()),
            {"OPENVIDU_WEBHOOK_ENDPOINT"}, "", "URL the webhook events are relayed to"),
        secret(row("webhook.headers", T::text, "", header_list_text(), {"OPENVIDU_WEBHOOK_HEADERS"},
                   "",
                   "headers sent with each relayed event: {\"Name\":\"value\"}, "
                   "[\"Name: value\"] or \"Name: value, Name2: value2\"")),
        row("webhook.timeout_ms", T::integer, "5000", integer_between(100, 600000), {}, "",
            "milliseconds one relay attempt may take"),
        row("webhook.retries", T::integer, "3", integer_between(0, 100), {}, "",
            "attempts after the first when the endpoint answers 5xx or cannot be reached; a 4xx "
            "answer is never retried"),
        row("webhook.retry_delay_ms", T::integer, "1000", integer_between(1, 600000), {}, "",
            "milliseconds before the first retry, doubled for each next one up to ten times this"),
        secret(row("webhook.intake_secret", T::text, "", any_text(), {}, "",
                   "when set, events must carry it as X-Webhook-Secret or as "
                   "Authorization: Bearer")),
        row("webhook.intake_basic_auth", T::boolean, "false", boolean_word(), {}, "",
            "events must carry the controller's HTTP Basic credentials"),
    };
}

} // namespace

const std::vector<SettingSpec>& all_settings() {
    static const std::vector<SettingSpec> table = make_table();
    return table;
}

const SettingSpec* find_setting(std::string_view key) {
    for (const auto& spec : all_settings()) {
        if (spec.key == key) {
            return &spec;
        }
    }
    return nullptr;
}

} // namespace ov2ha
