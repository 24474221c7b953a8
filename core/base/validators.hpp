// Pure checks for setting values. Each returns success or a failure whose text
// says what is allowed (the caller adds key, value and source).
#pragma once

#include "core/base/result.hpp"

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ov2ha {

using Validator = std::function<Status(std::string_view)>;

Validator any_text();
Validator nonempty_text();
Validator integer_between(long long low, long long high);
Validator boolean_word();
Validator one_of(std::initializer_list<std::string_view> choices);
Validator resolution_text();
Validator safe_id();
Validator json_object_text();
Validator media_input_text();
Validator file_name_text();
// Accepts the empty text ("not set") and otherwise defers to `validate`.
Validator empty_or(Validator validate);

// Parses "true|false|1|0|yes|no|on|off" in any case; nullopt otherwise.
std::optional<bool> parse_boolean(std::string_view text);
// Parses a whole decimal number with optional sign; nullopt on anything else.
std::optional<long long> parse_integer(std::string_view text);

struct Resolution {
    int width = 0;
    int height = 0;
};
// Parses "WIDTHxHEIGHT" with both sides from 16 to 8192 and even.
std::optional<Resolution> parse_resolution(std::string_view text);

struct MediaInput {
    std::string format; // an FFmpeg input format name ("x11grab", "lavfi", "file")
    std::string spec;   // what that format opens (":99.0", "testsrc2=...", "/path")
};
// Splits "FORMAT:SPEC" at the first colon; both sides must be non-empty.
std::optional<MediaInput> parse_media_input(std::string_view text);

} // namespace ov2ha
