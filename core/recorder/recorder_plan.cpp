// Config -> RecorderPlan; see recorder_plan.hpp.
#include "core/recorder/recorder_plan.hpp"

#include "core/chunks/upload_journal.hpp"
#include "core/s3/s3_url.hpp"
#include "core/s3/settings_from_config.hpp"

#include <filesystem>

namespace ov2ha::recorder {
namespace {

std::string join_path(const std::string& folder, const std::string& name) {
    return (std::filesystem::path(folder) / name).string();
}

media::EncoderSettings encoder_from(const Config& config) {
    media::EncoderSettings encoder;
    encoder.video_codec = config.text("encoder.video_codec");
    encoder.preset = config.text("encoder.preset");
    encoder.crf = static_cast<int>(config.integer("encoder.crf"));
    encoder.pixel_format = config.text("encoder.pixel_format");
    encoder.audio_codec = config.text("encoder.audio_codec");
    encoder.audio_bitrate = static_cast<int>(config.integer("encoder.audio_bitrate"));
    encoder.audio_sample_rate = static_cast<int>(config.integer("encoder.audio_sample_rate"));
    return encoder;
}

} // namespace

Result<RecorderPlan> plan_recording(const Config& config) {
    RecorderPlan plan;
    plan.video_id = config.text("recorder.video_id");
    if (plan.video_id.empty()) {
        return failure("VIDEO_ID is not set: OpenVidu sets it in the recorder container; outside "
                       "one, pass --video-id ID");
    }
    plan.video_name = config.text("recorder.video_name");
    if (plan.video_name.empty()) {
        plan.video_name = plan.video_id;
    }

    const std::string recordings = config.text("recorder.recordings_dir");
    const std::string chunk_root = config.text("recorder.chunk_folder").empty()
                                       ? recordings
                                       : config.text("recorder.chunk_folder");
    RecorderPaths& paths = plan.paths;
    paths.recording_folder = join_path(recordings, plan.video_id);
    paths.chunk_folder = join_path(join_path(chunk_root, plan.video_id), "chunks");
    paths.final_video = join_path(paths.recording_folder,
                                  plan.video_name + "." + config.text("recorder.video_format"));
    paths.recording_json = join_path(paths.recording_folder, ".recording." + plan.video_id);
    paths.info = join_path(paths.recording_folder, plan.video_id + ".info");
    paths.thumbnail = join_path(paths.recording_folder, plan.video_id + ".jpg");
    paths.stop_file = config.text("recorder.stop_file");

    media::CaptureSettings& capture = plan.capture;
    const std::string video_input = config.text("recorder.video_input");
    capture.video = video_input.empty() ? MediaInput{"x11grab", config.text("recorder.display")}
                                        : *parse_media_input(video_input);
    if (!config.boolean("recorder.only_video") && !config.boolean("recorder.no_audio")) {
        capture.audio = parse_media_input(config.text("recorder.audio_input"));
    }
    capture.resolution = *parse_resolution(config.text("recorder.resolution"));
    capture.framerate = static_cast<int>(config.integer("recorder.framerate"));
    capture.encoder = encoder_from(config);
    capture.chunk_seconds = static_cast<int>(config.integer("recorder.chunk_time_size"));
    capture.chunk_folder = paths.chunk_folder;

    plan.start_chunk = static_cast<std::uint64_t>(config.integer("recorder.start_chunk"));
    plan.recording_json = config.text("recorder.recording_json");
    plan.max_duration_seconds = static_cast<int>(config.integer("recorder.max_duration"));

    if (config.text("storage.mode") == "s3") {
        auto s3 = s3::settings_from_config(config);
        if (!s3) {
            return s3.error();
        }
        StoragePlan storage;
        storage.s3 = std::move(*s3);
        std::string prefix = config.text("storage.key_prefix");
        while (!prefix.empty() && prefix.back() == '/') {
            prefix.pop_back();
        }
        storage.chunk_key_prefix = s3::key_under(prefix, plan.video_id + "/chunks");
        storage.shipping = chunks::shipper_settings_from_config(
            config, join_path(paths.chunk_folder, chunks::k_journal_file_name));
        storage.stop_wait = std::chrono::seconds(config.integer("storage.stop_wait_seconds"));
        plan.storage = std::move(storage);
    }
    return plan;
}

} // namespace ov2ha::recorder
