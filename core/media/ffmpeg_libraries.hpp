// Loads FFmpeg's shared libraries when a command needs media, not at start.
// Linking FFmpeg would make every ov2ha process map about 200 libraries (codecs,
// SDL, flite, librsvg, …): ~38 MB of resident memory and start-up time for
// serve, upload and watch, which never touch media, and a controller image
// that cannot run without FFmpeg installed.
#pragma once

#include "core/base/result.hpp"

#include <span>
#include <string_view>

namespace ov2ha::media {

struct FfmpegLibrary {
    std::string_view name; // "avcodec"
    int major_version;     // the ABI the headers were built against: libavcodec.so.59
};

// Opens every FFmpeg library ov2ha was built against and points each FFmpeg
// function it calls at the library's own. Safe to call more than once; only the
// first call loads. Without it, the first FFmpeg call ends the process with an
// internal error naming the function. A failure names the library, the loader's
// reason and the Debian package to install.
Status load_ffmpeg_libraries();

// Opens the given libraries and closes them again: whether they can be loaded,
// and if not, the same words load_ffmpeg_libraries() would say.
Status check_libraries_load(std::span<const FfmpegLibrary> libraries);

} // namespace ov2ha::media
