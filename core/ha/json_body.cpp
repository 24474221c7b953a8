// JSON object writing; see json_body.hpp.
#include "core/ha/json_body.hpp"

#include "core/base/json_text.hpp"

#include <charconv>

namespace ov2ha::ha {

struct JsonBody::State {
    std::string out = "{";
};

JsonBody::JsonBody() : m_state(std::make_unique<State>()) {
    m_state->out.reserve(160); // an answer's usual size: one allocation
}

JsonBody::~JsonBody() = default;

void JsonBody::key(std::string_view name) {
    if (m_state->out.size() > 1) {
        m_state->out += ',';
    }
    append_json_quoted(m_state->out, name);
    m_state->out += ':';
}

JsonBody& JsonBody::text(std::string_view key, std::string_view value) {
    this->key(key);
    append_json_quoted(m_state->out, value);
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
