// HTTP header lists as operators write them in settings: a JSON object
// {"Name":"value"}, OpenVidu's JSON array ["Name: value"], or "Name: value, Name2: value2".
// Pure parsing plus the matching validator.
#pragma once

#include "core/base/validators.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ov2ha {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// The headers in `text` in the order written; empty text is an empty list. Fails with words
// on a malformed list, a name that is not an HTTP token or a value holding a line break.
Result<HeaderList> parse_header_list(std::string_view text);

Validator header_list_text();

} // namespace ov2ha
