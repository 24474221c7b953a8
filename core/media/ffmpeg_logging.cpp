// av_log -> log::write; see ffmpeg_logging.hpp.
#include "core/media/ffmpeg_logging.hpp"

#include "core/base/log.hpp"

extern "C" {
#include <libavutil/log.h>
}

#include <cstdarg>
#include <string>

namespace ov2ha::media {
namespace {

void forward(void* object, int level, const char* format, va_list arguments) {
    log::Level mapped = log::Level::debug;
    if (level <= AV_LOG_FATAL) {
        mapped = log::Level::error;
    } else if (level <= AV_LOG_WARNING) {
        mapped = log::Level::warn;
    } else if (level > AV_LOG_INFO) {
        return;
    }
    if (!log::enabled(mapped)) {
        return;
    }
    char line[1024];
    int print_prefix = 1;
    av_log_format_line2(object, level, format, arguments, line, sizeof line, &print_prefix);
    std::string text(line);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
        text.pop_back();
    }
    if (!text.empty()) {
        log::write(mapped, "ffmpeg", {{"message", text}});
    }
}

} // namespace

void route_ffmpeg_logs() {
    av_log_set_callback(forward);
}

} // namespace ov2ha::media
