// Describing a media file the way ffprobe does (container and streams), for
// OpenVidu's .info file and for checks. Blocking: run it on a worker thread.
#pragma once

#include "core/base/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ov2ha::media {

// A fraction as FFmpeg keeps it ("25/1", "1/12800"); 0/0 when unknown.
struct Rational {
    int num = 0;
    int den = 0;
};

// One stream, with ffprobe's field names. Optional fields are the ones
// ffprobe leaves out when FFmpeg does not know them.
struct StreamInfo {
    int index = 0;
    std::string codec_type;       // "video", "audio", "data", "subtitle", ...
    std::string codec_name;       // "h264", "aac"; "unknown" when FFmpeg has no decoder name
    std::string codec_long_name;  // empty when unknown
    std::string profile;          // "High", "LC"; empty when unknown
    std::string codec_tag_string; // container fourcc as text, e.g. "avc1"
    std::uint32_t codec_tag = 0;
    Rational time_base;
    Rational r_frame_rate;
    Rational avg_frame_rate;
    std::optional<std::int64_t> start_pts;   // in time_base
    std::optional<std::int64_t> duration_ts; // in time_base
    std::optional<std::int64_t> bit_rate;
    std::optional<std::int64_t> nb_frames;
    // Video only.
    int width = 0;
    int height = 0;
    std::optional<Rational> sample_aspect_ratio; // known and not 0
    std::string pix_fmt;                         // empty when unknown
    std::optional<int> level;
    // Audio only.
    int sample_rate = 0;
    int channels = 0;
    std::string sample_fmt;     // empty when unknown
    std::string channel_layout; // empty when unknown
};

// The container, with ffprobe's field names.
struct MediaInfo {
    std::string filename;    // the path as given to probe_media
    std::string format_name; // "mov,mp4,m4a,3gp,3g2,mj2"
    std::string format_long_name;
    std::optional<double> start_time_seconds;
    std::optional<double> duration_seconds;
    std::optional<std::int64_t> size_bytes;
    std::optional<std::int64_t> bit_rate;
    int probe_score = 0;
    int nb_programs = 0;
    std::vector<StreamInfo> streams;
};

// Opens `path`, reads its header and enough packets to know every stream
// (as ffprobe does) and describes it. An error names the file and the cause.
Result<MediaInfo> probe_media(const std::string& path);

} // namespace ov2ha::media
