// The JPEG thumbnail OpenVidu shows for a recording: one frame from the middle,
// scaled to a fixed width. Blocking: run it on a worker thread.
#pragma once

#include "core/base/result.hpp"

#include <string>

namespace ov2ha::media {

// Decodes the video frame at the middle of `media_path`, scales it to `width`
// pixels wide (height even, aspect ratio kept) and writes it as a JPEG to
// `jpeg_path` atomically (temporary file beside it, then rename). Fails with
// words when the file has no decodable video.
Status write_thumbnail(const std::string& media_path, const std::string& jpeg_path,
                       int width = 480);

} // namespace ov2ha::media
