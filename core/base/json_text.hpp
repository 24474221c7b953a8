// Quoting text as a JSON string, for places that write JSON by hand (logs, API answers).
#pragma once

#include <string>
#include <string_view>

namespace ov2ha {

// Returns `text` as a quoted JSON string with control characters escaped.
std::string json_quote(std::string_view text);

// Appends json_quote(text) to `out` without a string of its own.
void append_json_quoted(std::string& out, std::string_view text);

} // namespace ov2ha
