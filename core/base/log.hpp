// Process-wide logging to stderr, as text lines or one JSON object per line.
// Safe to call from any thread; each line is written with one write().
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace ov2ha::log {

enum class Level { debug, info, warn, error };
enum class Format { text, json };

using Field = std::pair<std::string_view, std::string>;

// Set once at start-up, before other threads exist.
void configure(Level level, Format format);
bool enabled(Level level);

void write(Level level, std::string_view message, std::initializer_list<Field> fields = {});

inline void debug(std::string_view m, std::initializer_list<Field> f = {}) {
    write(Level::debug, m, f);
}
inline void info(std::string_view m, std::initializer_list<Field> f = {}) {
    write(Level::info, m, f);
}
inline void warn(std::string_view m, std::initializer_list<Field> f = {}) {
    write(Level::warn, m, f);
}
inline void error(std::string_view m, std::initializer_list<Field> f = {}) {
    write(Level::error, m, f);
}

} // namespace ov2ha::log
