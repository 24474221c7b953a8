// The .recording.<id> file OpenVidu reads: written at start from
// RECORDING_JSON (or a complete default), updated when the recording ends.
// Pure: text in, text out.
#pragma once

#include "core/base/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace ov2ha::openvidu {

// What the recorder knows when no RECORDING_JSON fills a key.
struct RecordingDefaults {
    std::string id;
    std::string name;
    std::string resolution; // "1280x720"
    int frame_rate = 25;
    bool has_audio = true;
    bool has_video = true;
    std::int64_t created_at_ms = 0;
};

// The JSON for the start of a recording: every key DESIGN.md lists (id,
// object, name, outputMode, resolution, frameRate, recordingLayout, sessionId,
// uniqueSessionId, createdAt, size, duration, url, hasAudio, hasVideo,
// status), taken from `recording_json` when it has them, else from
// `defaults`; status is "started". Other keys in `recording_json` are kept.
// Fails with words when `recording_json` is not empty and not a JSON object.
Result<std::string> started_recording_json(std::string_view recording_json,
                                           const RecordingDefaults& defaults);

struct RecordingOutcome {
    bool failed = false; // "failed" instead of "stopped"
    std::uint64_t size_bytes = 0;
    double duration_seconds = 0;
    bool has_audio = false;
    bool has_video = false;
};

// `started_json` with status, size, duration, hasAudio and hasVideo set from
// `outcome`; every other key (url included) is kept as it was.
Result<std::string> finished_recording_json(std::string_view started_json,
                                            const RecordingOutcome& outcome);

} // namespace ov2ha::openvidu
