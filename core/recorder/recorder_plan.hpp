// What one `ov2ha record` run will do, derived from the configuration: ids,
// every path it writes, the capture settings. Pure: no I/O.
#pragma once

#include "core/base/config.hpp"
#include "core/media/chunk_recorder.hpp"

#include <cstdint>
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

struct RecorderPlan {
    std::string video_id;
    std::string video_name;
    RecorderPaths paths;
    media::CaptureSettings capture; // chunk_folder set; first_chunk_number decided at start
    std::uint64_t start_chunk = 1;
    std::string recording_json; // RECORDING_JSON as given, may be empty
    int max_duration_seconds = 0; // 0: no limit
};

// Fails with words (naming the setting and the fix) when VIDEO_ID is missing.
Result<RecorderPlan> plan_recording(const Config& config);

} // namespace ov2ha::recorder
