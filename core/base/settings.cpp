// The settings table. Add a row here and it becomes loadable from TOML, the
// environment and (with a flag name) the command line, and shows in --print-config.
#include "core/base/settings.hpp"

#include <algorithm>
#include <cctype>

namespace ov2ha {

std::string SettingSpec::section() const { return key.substr(0, key.find('.')); }

std::string SettingSpec::name() const { return key.substr(key.find('.') + 1); }

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
        row("recorder.video_name", T::text, "", empty_or(file_name_text()), {"VIDEO_NAME"}, "--video-name",
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
