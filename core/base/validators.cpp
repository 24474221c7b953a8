// Setting validators; see validators.hpp.
#include "core/base/validators.hpp"

#include "core/base/ids.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <rapidjson/document.h>

namespace ov2ha {

std::optional<bool> parse_boolean(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "true" || lower == "1" || lower == "yes" || lower == "on") {
        return true;
    }
    if (lower == "false" || lower == "0" || lower == "no" || lower == "off") {
        return false;
    }
    return std::nullopt;
}

std::optional<long long> parse_integer(std::string_view text) {
    if (!text.empty() && text.front() == '+') {
        text.remove_prefix(1);
    }
    long long value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

std::optional<Resolution> parse_resolution(std::string_view text) {
    const size_t x = text.find('x');
    if (x == std::string_view::npos) {
        return std::nullopt;
    }
    const auto width = parse_integer(text.substr(0, x));
    const auto height = parse_integer(text.substr(x + 1));
    const auto fits = [](std::optional<long long> side) {
        return side && *side >= 16 && *side <= 8192 && *side % 2 == 0;
    };
    if (!fits(width) || !fits(height)) {
        return std::nullopt;
    }
    return Resolution{static_cast<int>(*width), static_cast<int>(*height)};
}

std::optional<MediaInput> parse_media_input(std::string_view text) {
    const size_t colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
        return std::nullopt;
    }
    return MediaInput{std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
}

Validator any_text() {
    return [](std::string_view) { return success(); };
}

Validator nonempty_text() {
    return [](std::string_view value) -> Status {
        if (value.empty()) {
            return failure("a non-empty value is required");
        }
        return success();
    };
}

Validator integer_between(long long low, long long high) {
    return [low, high](std::string_view value) -> Status {
        const auto number = parse_integer(value);
        if (!number || *number < low || *number > high) {
            return failure("expected a whole number from " + std::to_string(low) + " to " +
                           std::to_string(high));
        }
        return success();
    };
}

Validator boolean_word() {
    return [](std::string_view value) -> Status {
        if (!parse_boolean(value)) {
            return failure("expected true or false");
        }
        return success();
    };
}

Validator one_of(std::initializer_list<std::string_view> choices) {
    std::vector<std::string> allowed(choices.begin(), choices.end());
    return [allowed](std::string_view value) -> Status {
        if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) {
            return success();
        }
        std::string text = "expected one of:";
        for (const auto& choice : allowed) {
            text += " " + choice;
        }
        return failure(text);
    };
}

Validator resolution_text() {
    return [](std::string_view value) -> Status {
        if (!parse_resolution(value)) {
            return failure("expected WIDTHxHEIGHT with even sides from 16 to 8192, like 1280x720");
        }
        return success();
    };
}

Validator safe_id() {
    return [](std::string_view value) -> Status {
        if (const auto checked = validate_id(value, "the id"); !checked) {
            return failure(checked.message() +
                           "; use letters, digits, '_', '-', '~' or '.' (not '..')");
        }
        return success();
    };
}

Validator file_name_text() {
    return [](std::string_view value) -> Status {
        if (const auto checked = validate_id(value, "the name"); !checked) {
            return failure(checked.message() + "; a plain file name is required");
        }
        return success();
    };
}

Validator empty_or(Validator validate) {
    return [validate](std::string_view value) -> Status {
        if (value.empty()) {
            return success();
        }
        return validate(value);
    };
}

Validator json_object_text() {
    return [](std::string_view value) -> Status {
        if (value.empty()) {
            return success();
        }
        rapidjson::Document document;
        document.Parse(value.data(), value.size());
        if (document.HasParseError()) {
            return failure("expected a JSON object; it does not parse (error at byte " +
                           std::to_string(document.GetErrorOffset()) + ")");
        }
        if (!document.IsObject()) {
            return failure("expected a JSON object, not another JSON value");
        }
        return success();
    };
}

Validator media_input_text() {
    return [](std::string_view value) -> Status {
        if (value.empty() || parse_media_input(value)) {
            return success();
        }
        return failure("expected FORMAT:SPEC, like x11grab::99.0, pulse:default, "
                       "lavfi:testsrc2=size=1280x720:rate=25 or file:/path/video.mp4");
    };
}

} // namespace ov2ha
