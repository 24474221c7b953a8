// Validation of ids that become file names, object keys and URL path parts
// (VIDEO_ID, session ids): one rule everywhere, so no id can escape its folder.
#pragma once

#include "core/base/result.hpp"

#include <string_view>

namespace ov2ha {

inline constexpr size_t k_max_id_length = 200;

// Refuses empty ids, ids over k_max_id_length bytes, ids holding '/', '\\',
// "..", whitespace or control characters. `what` names the id in the message.
Status validate_id(std::string_view id, std::string_view what);

} // namespace ov2ha
