// JSON object writing; see json_body.hpp.
#include "core/ha/json_body.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace ov2ha::ha {

struct JsonBody::State {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer{buffer};
};

namespace {

rapidjson::SizeType size_of(std::string_view text) {
    return static_cast<rapidjson::SizeType>(text.size());
}

} // namespace

JsonBody::JsonBody() : m_state(std::make_unique<State>()) {
    m_state->writer.StartObject();
}

JsonBody::~JsonBody() = default;

JsonBody& JsonBody::text(std::string_view key, std::string_view value) {
    m_state->writer.Key(key.data(), size_of(key));
    m_state->writer.String(value.data(), size_of(value));
    return *this;
}

JsonBody& JsonBody::integer(std::string_view key, long long value) {
    m_state->writer.Key(key.data(), size_of(key));
    m_state->writer.Int64(value);
    return *this;
}

JsonBody& JsonBody::real(std::string_view key, double value) {
    m_state->writer.Key(key.data(), size_of(key));
    m_state->writer.Double(value);
    return *this;
}

JsonBody& JsonBody::boolean(std::string_view key, bool value) {
    m_state->writer.Key(key.data(), size_of(key));
    m_state->writer.Bool(value);
    return *this;
}

JsonBody& JsonBody::null(std::string_view key) {
    m_state->writer.Key(key.data(), size_of(key));
    m_state->writer.Null();
    return *this;
}

JsonBody& JsonBody::raw(std::string_view key, std::string_view json) {
    m_state->writer.Key(key.data(), size_of(key));
    m_state->writer.RawValue(json.data(), json.size(), rapidjson::kObjectType);
    return *this;
}

std::string JsonBody::finish() {
    m_state->writer.EndObject();
    return std::string(m_state->buffer.GetString(), m_state->buffer.GetSize());
}

} // namespace ov2ha::ha
