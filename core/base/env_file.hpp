// Reading KEY=VALUE files such as /recordings/.env (the settings an
// ov2-ha-recorder deployment already keeps there).
#pragma once

#include "core/base/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ov2ha {

struct EnvFileEntry {
    std::string name;
    std::string value;
    int line = 0;
};

// Parses `text`: blank lines and '#' comments are skipped, an optional
// "export " prefix and one pair of matching quotes around the value are
// removed. A line without '=' or with an empty name is an error naming the line.
Result<std::vector<EnvFileEntry>> parse_env_file(std::string_view text, std::string_view origin);

} // namespace ov2ha
