// Formats log lines; one write(2) per line keeps lines whole across threads.
#include "core/base/log.hpp"

#include "core/base/json_text.hpp"

#include <atomic>
#include <chrono>
#include <ctime>
#include <unistd.h>

namespace ov2ha::log {
namespace {

std::atomic<Level> g_level{Level::info};
std::atomic<Format> g_format{Format::text};

const char* level_name(Level level) {
    switch (level) {
    case Level::debug:
        return "debug";
    case Level::info:
        return "info";
    case Level::warn:
        return "warn";
    case Level::error:
        return "error";
    }
    return "info";
}

std::string timestamp_utc() {
    using namespace std::chrono;
    const auto now = system_clock::now();
    const std::time_t seconds = system_clock::to_time_t(now);
    const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    char text[40];
    const size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &parts);
    std::snprintf(text + length, sizeof text - length, ".%03dZ", static_cast<int>(millis));
    return text;
}

bool needs_quotes(std::string_view value) {
    if (value.empty()) {
        return true;
    }
    for (char c : value) {
        if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) {
            return true;
        }
    }
    return false;
}

} // namespace

void configure(Level level, Format format) {
    g_level = level;
    g_format = format;
}

bool enabled(Level level) {
    return level >= g_level.load();
}

void write(Level level, std::string_view message, std::initializer_list<Field> fields) {
    if (!enabled(level)) {
        return;
    }
    std::string line;
    if (g_format == Format::json) {
        line = "{\"time\":" + json_quote(timestamp_utc()) + ",\"level\":\"" + level_name(level) +
               "\",\"msg\":" + json_quote(message);
        for (const auto& [key, value] : fields) {
            line += "," + json_quote(key) + ":" + json_quote(value);
        }
        line += "}\n";
    } else {
        line = timestamp_utc() + " " + level_name(level) + " " + std::string(message);
        for (const auto& [key, value] : fields) {
            line +=
                " " + std::string(key) + "=" + (needs_quotes(value) ? json_quote(value) : value);
        }
        line += "\n";
    }
    ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
    (void)ignored;
}

} // namespace ov2ha::log
