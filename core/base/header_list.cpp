// Header list parsing; see header_list.hpp.
#include "core/base/header_list.hpp"

#include <rapidjson/document.h>

namespace ov2ha {
namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

bool token_character(char c) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f) {
        return false;
    }
    return std::string_view("\"(),/:;<=>?@[\\]{}").find(c) == std::string_view::npos;
}

Status add_header(HeaderList& headers, std::string_view name, std::string_view value) {
    name = trim(name);
    value = trim(value);
    if (name.empty()) {
        return failure("a header has no name");
    }
    for (char c : name) {
        if (!token_character(c)) {
            return failure("header name \"" + std::string(name) + "\" is not an HTTP token");
        }
    }
    for (char c : value) {
        if (c == '\r' || c == '\n' || c == '\0') {
            return failure("the value of header " + std::string(name) + " holds a line break");
        }
    }
    headers.emplace_back(std::string(name), std::string(value));
    return success();
}

Status add_line(HeaderList& headers, std::string_view line) {
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
        return failure("\"" + std::string(trim(line)) + "\" is not \"Name: value\"");
    }
    return add_header(headers, line.substr(0, colon), line.substr(colon + 1));
}

Result<HeaderList> parse_json_list(std::string_view text) {
    rapidjson::Document document;
    document.Parse(text.data(), text.size());
    if (document.HasParseError()) {
        return failure("the header list starts like JSON but does not parse (error at byte " +
                       std::to_string(document.GetErrorOffset()) + ")");
    }
    HeaderList headers;
    if (document.IsObject()) {
        for (const auto& member : document.GetObject()) {
            if (!member.value.IsString()) {
                return failure("the value of header " + std::string(member.name.GetString()) +
                               " must be a JSON string");
            }
            if (auto added = add_header(headers, member.name.GetString(), member.value.GetString());
                !added) {
                return added.error();
            }
        }
        return headers;
    }
    if (document.IsArray()) {
        for (const auto& item : document.GetArray()) {
            if (!item.IsString()) {
                return failure("each item of the header array must be a \"Name: value\" string");
            }
            if (auto added = add_line(headers, item.GetString()); !added) {
                return added.error();
            }
        }
        return headers;
    }
    return failure("a JSON header list must be an object or an array of \"Name: value\" strings");
}

} // namespace

Result<HeaderList> parse_header_list(std::string_view text) {
    text = trim(text);
    if (text.empty()) {
        return HeaderList{};
    }
    if (text.front() == '{' || text.front() == '[') {
        return parse_json_list(text);
    }
    HeaderList headers;
    size_t start = 0;
    while (start <= text.size()) {
        size_t comma = text.find(',', start);
        if (comma == std::string_view::npos) {
            comma = text.size();
        }
        if (auto added = add_line(headers, text.substr(start, comma - start)); !added) {
            return added.error();
        }
        start = comma + 1;
    }
    return headers;
}

Validator header_list_text() {
    return [](std::string_view value) -> Status {
        if (auto parsed = parse_header_list(value); !parsed) {
            return failure(parsed.message() +
                           "; expected {\"Name\":\"value\"}, [\"Name: value\"] or "
                           "\"Name: value, Name2: value2\"");
        }
        return success();
    };
}

} // namespace ov2ha
