// JSON string quoting per RFC 8259: quote, backslash and control characters escaped.
#include "core/base/json_text.hpp"

#include <cstdio>

namespace ov2ha {

std::string json_quote(std::string_view text) {
    std::string quoted;
    quoted.reserve(text.size() + 2);
    append_json_quoted(quoted, text);
    return quoted;
}

void append_json_quoted(std::string& out, std::string_view text) {
    out += '"';
    // Runs of plain bytes are copied at once.
    size_t plain = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte >= 0x20 && byte != '"' && byte != '\\') {
            continue;
        }
        out.append(text.substr(plain, i - plain));
        plain = i + 1;
        switch (byte) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default: {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", byte);
            out += escaped;
        }
        }
    }
    out.append(text.substr(plain));
    out += '"';
}

} // namespace ov2ha
