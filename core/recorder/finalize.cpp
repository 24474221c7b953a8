// Finalising a recording; see finalize.hpp.
#include "core/recorder/finalize.hpp"

#include "core/base/files.hpp"
#include "core/base/log.hpp"
#include "core/media/probe.hpp"
#include "core/media/thumbnail.hpp"
#include "core/openvidu/info_json.hpp"
#include "core/openvidu/recording_json.hpp"

namespace ov2ha::recorder {
namespace {

// Produces .info and the thumbnail; returns what .recording must say.
FinalOutcome produce_media(const RecorderPaths& paths, const Result<media::JoinReport>& joined,
                           openvidu::RecordingOutcome& recording) {
    FinalOutcome outcome;
    if (!joined) {
        outcome.problem =
            "cannot join the chunks in " + paths.chunk_folder + ": " + joined.message();
        return outcome;
    }
    auto info = media::probe_media(paths.final_video);
    if (!info) {
        outcome.problem = info.message();
        return outcome;
    }
    if (auto written = write_file_atomically(paths.info, openvidu::info_json(*info)); !written) {
        outcome.problem = written.message();
        return outcome;
    }
    recording.size_bytes = joined->output_bytes;
    recording.duration_seconds = joined->duration_seconds;
    recording.has_audio = joined->has_audio;
    recording.has_video = joined->has_video;
    if (!joined->has_video) {
        outcome.problem = "the recording has no video stream";
        return outcome;
    }
    if (auto thumbnail = media::write_thumbnail(paths.final_video, paths.thumbnail); !thumbnail) {
        // OpenVidu shows a missing thumbnail as a blank tile; the recording itself is fine.
        log::warn("no thumbnail", {{"path", paths.thumbnail}, {"error", thumbnail.message()}});
    }
    outcome.failed = false;
    outcome.duration_seconds = joined->duration_seconds;
    outcome.size_bytes = joined->output_bytes;
    return outcome;
}

} // namespace

FinalOutcome finalize_recording(const RecorderPaths& paths,
                                const Result<media::JoinReport>& joined) {
    openvidu::RecordingOutcome recording;
    FinalOutcome outcome = produce_media(paths, joined, recording);
    recording.failed = outcome.failed;

    // A .recording that cannot be rewritten fails the recording, whatever else went wrong.
    const auto failed = [&outcome](const std::string& why) {
        outcome.failed = true;
        outcome.problem += (outcome.problem.empty() ? "" : "; ") + why;
        return outcome;
    };
    auto started = read_file(paths.recording_json);
    if (!started) {
        return failed(started.message());
    }
    auto finished = openvidu::finished_recording_json(*started, recording);
    if (!finished) {
        return failed(finished.message());
    }
    if (auto written = write_file_atomically(paths.recording_json, *finished); !written) {
        return failed(written.message());
    }
    return outcome;
}

} // namespace ov2ha::recorder
