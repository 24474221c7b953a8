// JSON object writing; see json_body.hpp.
#include "core/ha/json_body.hpp"

#include <charconv>
#include <cstdio>

namespace ov2ha::ha {

struct JsonBody::State {
    std::string out = "{";
};

namespace {

// Appends `text` as a JSON string: runs of plain bytes are copied at once, quote, backslash and
// control characters escaped (RFC 8259).
void append_quoted(std::string& out, std::string_view text) {
    out += '"';
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

} // namespace

std::string json_string(std::string_view text) {
    std::string out;
    append_quoted(out, text);
    return out;
}

JsonBody::JsonBody() : m_state(std::make_unique<State>()) {
    m_state->out.reserve(160); // an answer's usual size: one allocation
}

JsonBody::~JsonBody() = default;

void JsonBody::key(std::string_view name) {
    if (m_state->out.size() > 1) {
        m_state->out += ',';
    }
    append_quoted(m_state->out, name);
    m_state->out += ':';
}

JsonBody& JsonBody::text(std::string_view key, std::string_view value) {
    this->key(key);
    append_quoted(m_state->out, value);
    return *this;
}

JsonBody& JsonBody::integer(std::string_view key, long long value) {
    this->key(key);
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    m_state->out.append(digits, end);
    return *this;
}

JsonBody& JsonBody::real(std::string_view key, double value) {
    this->key(key);
    char digits[32];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    const std::string_view written(digits, static_cast<size_t>(end - digits));
    m_state->out += written;
    if (written.find_first_of(".e") == std::string_view::npos) {
        m_state->out += ".0"; // stays a JSON number with a fraction, as rapidjson writes it
    }
    return *this;
}

JsonBody& JsonBody::boolean(std::string_view key, bool value) {
    this->key(key);
    m_state->out += value ? "true" : "false";
    return *this;
}

JsonBody& JsonBody::null(std::string_view key) {
    this->key(key);
    m_state->out += "null";
    return *this;
}

JsonBody& JsonBody::raw(std::string_view key, std::string_view json) {
    this->key(key);
    m_state->out += json;
    return *this;
}

std::string JsonBody::finish() {
    m_state->out += '}';
    return std::move(m_state->out);
}

} // namespace ov2ha::ha
