// The end of a recording: chunks -> <name>.mp4, <id>.info, <id>.jpg and the
// final .recording.<id>. Blocking: run it on a worker thread.
#pragma once

#include "core/base/result.hpp"
#include "core/recorder/recorder_plan.hpp"

#include <string>

namespace ov2ha::recorder {

struct FinalOutcome {
    bool failed = true;        // .recording says "failed": nothing readable, or no video
    double duration_seconds = 0;
    std::uint64_t size_bytes = 0;
    std::string problem;       // words for the log when failed
};

// Joins every local chunk of the plan's chunk folder into the final video and
// writes the metadata files atomically. Always rewrites .recording.<id>, so
// OpenVidu learns "failed" too; the chunks are left in place.
FinalOutcome finalize_recording(const RecorderPaths& paths);

} // namespace ov2ha::recorder
