// Quoting text as a JSON string, for places that write JSON by hand (logs).
#pragma once

#include <string>
#include <string_view>

namespace ov2ha {

// Returns `text` as a quoted JSON string with control characters escaped.
std::string json_quote(std::string_view text);

} // namespace ov2ha
