// Routes FFmpeg's library messages into ov2ha's log, so they share its format
// and level instead of landing raw on stderr.
#pragma once

namespace ov2ha::media {

// Installs the av_log callback once per process; call after log::configure.
// FFmpeg errors and warnings keep their level; its info chatter (encoder
// statistics, stream layouts) becomes debug; anything more verbose is dropped.
void route_ffmpeg_logs();

} // namespace ov2ha::media
