// What one `ov2ha record` run will do, derived from the configuration: ids,
// every path it writes, the capture settings. Pure: no I/O.
#pragma once

#include "core/base/config.hpp"
#include "core/chunks/chunk_shipper.hpp"
#include "core/media/chunk_recorder.hpp"
#include "core/s3/client_settings.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace ov2ha::recorder {

struct RecorderPaths {
    std::string recording_folder; // <recordings>/<VIDEO_ID>
    std::string chunk_folder;     // <chunk root>/<VIDEO_ID>/chunks
    std::string final_video;      // <recording folder>/<VIDEO_NAME>.mp4
    std::string recording_json;   // <recording folder>/.recording.<VIDEO_ID>
    std::string info;             // <recording folder>/<VIDEO_ID>.info
    std::string thumbnail;        // <recording folder>/<VIDEO_ID>.jpg
    std::string stop_file;
};

// How chunks leave the host when storage.mode is s3.
struct StoragePlan {
    s3::S3Settings s3;
    std::string chunk_key_prefix;       // "[<prefix>/]<VIDEO_ID>/chunks": keys are <this>/NNNN.mp4
    chunks::ShipperSettings shipping;   // journal in the chunk folder
    std::chrono::seconds stop_wait{20}; // uploads may run this long after the capture stopped
};

struct RecorderPlan {
    std::string video_id;
    std::string video_name;
    RecorderPaths paths;
    media::CaptureSettings capture; // chunk_folder set; first_chunk_number decided at start
    std::uint64_t start_chunk = 1;
    std::string recording_json;         // RECORDING_JSON as given, may be empty
    int max_duration_seconds = 0;       // 0: no limit
    std::optional<StoragePlan> storage; // set in s3 mode
};

// Fails with words (naming the setting and the fix) when VIDEO_ID is missing, and in s3
// mode when the s3 settings cannot work (see s3::settings_from_config).
Result<RecorderPlan> plan_recording(const Config& config);

} // namespace ov2ha::recorder
