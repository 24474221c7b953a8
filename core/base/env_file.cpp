// .env parsing; see env_file.hpp.
#include "core/base/env_file.hpp"

namespace ov2ha {
namespace {

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t\r");
    return text.substr(first, last - first + 1);
}

} // namespace

Result<std::vector<EnvFileEntry>> parse_env_file(std::string_view text, std::string_view origin) {
    std::vector<EnvFileEntry> entries;
    int line_number = 0;
    while (!text.empty()) {
        const size_t end = text.find('\n');
        std::string_view line = trim(text.substr(0, end));
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        ++line_number;
        if (line.empty() || line.front() == '#') {
            continue;
        }
        if (line.substr(0, 7) == "export ") {
            line = trim(line.substr(7));
        }
        const size_t equals = line.find('=');
        const std::string_view name =
            equals == std::string_view::npos ? "" : trim(line.substr(0, equals));
        if (name.empty() || name.find_first_of(" \t") != std::string_view::npos) {
            return failure(std::string(origin) + " line " + std::to_string(line_number) +
                           ": expected KEY=VALUE, found '" + std::string(line) + "'");
        }
        std::string_view value = trim(line.substr(equals + 1));
        if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
            value.back() == value.front()) {
            value = value.substr(1, value.size() - 2);
        }
        entries.push_back({std::string(name), std::string(value), line_number});
    }
    return entries;
}

} // namespace ov2ha
