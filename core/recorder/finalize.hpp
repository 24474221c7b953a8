// The end of a recording, once its chunks are joined into <name>.mp4:
// <id>.info, <id>.jpg and the final .recording.<id>. Blocking: run it on a
// worker thread.
#pragma once

#include "core/base/result.hpp"
#include "core/media/joiner.hpp"
#include "core/recorder/recorder_plan.hpp"

#include <string>

namespace ov2ha::recorder {

struct FinalOutcome {
    bool failed = true; // .recording says "failed": nothing readable, or no video
    double duration_seconds = 0;
    std::uint64_t size_bytes = 0;
    std::string problem; // words for the log when failed
};

// Writes the metadata files for `joined` (the join of the chunk folder into
// paths.final_video, or why it failed) atomically. Always rewrites
// .recording.<id>, so OpenVidu learns "failed" too; the chunks stay in place.
FinalOutcome finalize_recording(const RecorderPaths& paths,
                                const Result<media::JoinReport>& joined);

} // namespace ov2ha::recorder
