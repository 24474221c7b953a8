// Routes FFmpeg's library messages into ov2ha's log, so they share its format
// and level instead of landing raw on stderr.
#pragma once

namespace ov2ha::media {

// Installs the av_log callback once per process; call after log::configure.
// FFmpeg's own errors become warnings: ov2ha reports every failure that
// matters in its own words, and FFmpeg says "error" also for conditions ov2ha
// handles (a garbage chunk that is then skipped). Fatal messages stay errors;
// its info chatter (encoder statistics) becomes debug; more verbose is dropped.
void route_ffmpeg_logs();

} // namespace ov2ha::media
