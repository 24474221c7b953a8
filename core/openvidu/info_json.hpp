// The <id>.info file OpenVidu reads after a recording: the JSON that
// `ffprobe -v quiet -print_format json -show_format -show_streams` prints.
#pragma once

#include "core/media/probe.hpp"

#include <string>

namespace ov2ha::openvidu {

// ffprobe's JSON for `info`: {"streams": [...], "format": {...}} with
// ffprobe's field names and types (numbers where ffprobe prints numbers,
// strings such as "12.345000", "48000" and "25/1" where it prints strings).
// Fields FFmpeg does not know are left out, as ffprobe does. Pure.
std::string info_json(const media::MediaInfo& info);

} // namespace ov2ha::openvidu
