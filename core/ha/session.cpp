// The session model and its JSON; see session.hpp.
#include "core/ha/session.hpp"

#include "core/base/ids.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace ov2ha::ha {
namespace {

using rapidjson::Document;
using rapidjson::Value;
using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// Longest recordingPath accepted; anything longer is a mistake, not a path.
constexpr size_t k_max_path_length = 4096;

std::string upper(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return result;
}

std::string compact(const Value& value) {
    rapidjson::StringBuffer buffer;
    JsonWriter writer(buffer);
    value.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

void write_text(JsonWriter& writer, const char* key, std::string_view text) {
    writer.Key(key);
    writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void write_optional(JsonWriter& writer, const char* key, const std::optional<std::string>& text) {
    if (text) {
        write_text(writer, key, *text);
    } else {
        writer.Key(key);
        writer.Null();
    }
}

// A request body's document. Bodies are small: the values and the parser's stack live in
// buffers inside the object, where rapidjson's default allocator would take 64 KB of heap for
// every body; a larger body spills over to the heap.
class BodyDocument {
  public:
    BodyDocument()
        : m_values(m_value_buffer, sizeof m_value_buffer),
          m_stack(m_stack_buffer, sizeof m_stack_buffer),
          m_document(&m_values, sizeof m_stack_buffer / 2, &m_stack) {}
    BodyDocument(const BodyDocument&) = delete;
    BodyDocument& operator=(const BodyDocument&) = delete;

    using Document = rapidjson::GenericDocument<rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>,
                                                rapidjson::MemoryPoolAllocator<>>;
    Document& document() { return m_document; }

  private:
    char m_value_buffer[2048];
    char m_stack_buffer[1024];
    rapidjson::MemoryPoolAllocator<> m_values;
    rapidjson::MemoryPoolAllocator<> m_stack;
    Document m_document;
};

// Parses `body` into `holder`, which must be a JSON object.
Status parse_object(BodyDocument& holder, std::string_view body) {
    auto& document = holder.document();
    document.Parse(body.data(), body.size());
    if (document.HasParseError()) {
        return failure(std::string("the request body is not valid JSON: ") +
                       rapidjson::GetParseError_En(document.GetParseError()) + " (byte " +
                       std::to_string(document.GetErrorOffset()) + ")");
    }
    if (!document.IsObject()) {
        return failure("the request body must be a JSON object");
    }
    return success();
}

const Value* member(const Value& object, const char* name) {
    const auto found = object.FindMember(name);
    if (found == object.MemberEnd() || found->value.IsNull()) {
        return nullptr;
    }
    return &found->value;
}

Result<std::optional<std::string>> optional_text(const Value& object, const char* name) {
    const Value* value = member(object, name);
    if (!value) {
        return std::optional<std::string>{};
    }
    if (!value->IsString()) {
        return failure(std::string("field ") + name + " must be a string");
    }
    return std::optional<std::string>(std::string(value->GetString(), value->GetStringLength()));
}

Result<std::string> required_text(const Value& object, const char* name) {
    auto text = optional_text(object, name);
    if (!text) {
        return text.error();
    }
    if (!text->has_value()) {
        return failure(std::string("field ") + name + " is required");
    }
    return std::move(**text);
}

// metadata, environment, recordingJson: a JSON object given inline, or a string. With
// `string_must_hold_object`, a string must itself be a JSON object's text.
Result<std::optional<std::string>> json_text(const Value& object, const char* name,
                                             bool string_must_hold_object) {
    const Value* value = member(object, name);
    if (!value) {
        return std::optional<std::string>{};
    }
    const std::string what = std::string("field ") + name + " must be a JSON object";
    if (value->IsObject()) {
        return std::optional<std::string>(compact(*value));
    }
    if (!value->IsString()) {
        return failure(what + " or a string holding one");
    }
    std::string text(value->GetString(), value->GetStringLength());
    if (string_must_hold_object) {
        Document inner;
        inner.Parse(text.data(), text.size());
        if (inner.HasParseError() || !inner.IsObject()) {
            return failure(what + ", or a string holding one; this string does not hold one");
        }
    }
    return std::optional<std::string>(std::move(text));
}

// The environment with "recordingJson" added when it has none.
std::string environment_with_recording(const std::optional<std::string>& environment,
                                       const std::string& recording_json) {
    Document document;
    if (environment) {
        document.Parse(environment->data(), environment->size());
    }
    if (!environment || document.HasParseError() || !document.IsObject()) {
        document.SetObject();
    }
    if (!document.HasMember("recordingJson")) {
        auto& allocator = document.GetAllocator();
        document.AddMember("recordingJson",
                           Value(recording_json.data(),
                                 static_cast<rapidjson::SizeType>(recording_json.size()),
                                 allocator),
                           allocator);
    }
    return compact(document);
}

// A stored text field: a string as is, an object or array as compact JSON, else absent.
std::optional<std::string> stored_text(const Value& object, const char* name) {
    const Value* value = member(object, name);
    if (!value) {
        return std::nullopt;
    }
    if (value->IsString()) {
        return std::string(value->GetString(), value->GetStringLength());
    }
    if (value->IsObject() || value->IsArray()) {
        return compact(*value);
    }
    return std::nullopt;
}

std::optional<std::string> text_member(const Value& object, const char* name) {
    const Value* value = member(object, name);
    if (!value || !value->IsString() || value->GetStringLength() == 0) {
        return std::nullopt;
    }
    return std::string(value->GetString(), value->GetStringLength());
}

} // namespace

std::string_view status_word(SessionStatus status) {
    switch (status) {
    case SessionStatus::starting:
        return "STARTING";
    case SessionStatus::recording:
        return "RECORDING";
    case SessionStatus::paused:
        return "PAUSED";
    case SessionStatus::stopping:
        return "STOPPING";
    case SessionStatus::completed:
        return "COMPLETED";
    case SessionStatus::failed:
        return "FAILED";
    case SessionStatus::inactive:
        return "INACTIVE";
    }
    return "INACTIVE";
}

std::optional<SessionStatus> parse_status(std::string_view word) {
    const std::string wanted = upper(word);
    for (SessionStatus status : k_all_statuses) {
        if (wanted == status_word(status)) {
            return status;
        }
    }
    if (wanted == "STARTED") {
        return SessionStatus::recording;
    }
    if (wanted == "STOPPED") {
        return SessionStatus::stopping;
    }
    if (wanted == "READY") {
        return SessionStatus::completed;
    }
    return std::nullopt;
}

bool keeps_session_active(SessionStatus status) {
    return status == SessionStatus::starting || status == SessionStatus::recording;
}

std::string session_json(const Session& session) {
    rapidjson::StringBuffer buffer;
    JsonWriter writer(buffer);
    writer.StartObject();
    write_text(writer, "sessionId", session.session_id);
    write_text(writer, "clientId", session.client_id);
    write_optional(writer, "clientHost", session.client_host);
    write_text(writer, "status", status_word(session.status));
    write_text(writer, "createdAt", session.created_at);
    write_text(writer, "lastHeartbeat", session.last_heartbeat);
    write_optional(writer, "recordingPath", session.recording_path);
    write_optional(writer, "metadata", session.metadata);
    write_optional(writer, "lastChunk", session.last_chunk);
    writer.Key("active");
    writer.Bool(session.active);
    write_optional(writer, "backupContainerId", session.backup_container_id);
    write_optional(writer, "backupContainerName", session.backup_container_name);
    write_optional(writer, "environment", session.environment);
    write_optional(writer, "uniqueSessionId", session.unique_session_id);
    write_optional(writer, "originalSessionId", session.original_session_id);
    writer.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

Result<Session> parse_session(std::string_view json) {
    Document document;
    document.Parse(json.data(), json.size());
    if (document.HasParseError() || !document.IsObject()) {
        return failure("the stored session is not a JSON object");
    }
    Session session;
    const Value* id = member(document, "sessionId");
    if (!id || !id->IsString()) {
        return failure("the stored session has no sessionId");
    }
    session.session_id.assign(id->GetString(), id->GetStringLength());
    session.client_id = stored_text(document, "clientId").value_or("");
    const std::string status = stored_text(document, "status").value_or("");
    const auto parsed = parse_status(status);
    if (!parsed) {
        return failure("stored session " + session.session_id + " has an unknown status \"" +
                       status + "\"");
    }
    session.status = *parsed;
    session.client_host = stored_text(document, "clientHost");
    session.created_at = stored_text(document, "createdAt").value_or("");
    session.last_heartbeat = stored_text(document, "lastHeartbeat").value_or("");
    session.recording_path = stored_text(document, "recordingPath");
    session.metadata = stored_text(document, "metadata");
    session.last_chunk = stored_text(document, "lastChunk");
    const Value* active = member(document, "active");
    session.active =
        active && active->IsBool() ? active->GetBool() : keeps_session_active(session.status);
    session.backup_container_id = stored_text(document, "backupContainerId");
    session.backup_container_name = stored_text(document, "backupContainerName");
    session.environment = stored_text(document, "environment");
    session.unique_session_id = stored_text(document, "uniqueSessionId");
    session.original_session_id = stored_text(document, "originalSessionId");
    return session;
}

Status check_session_id(std::string_view id) {
    return validate_id(id, "session id");
}

Result<Session> registration_from_body(std::string_view body, const std::string& now) {
    BodyDocument holder;
    if (auto parsed = parse_object(holder, body); !parsed) {
        return parsed.error();
    }
    const Value& object = holder.document();
    Session session;
    auto session_id = required_text(object, "sessionId");
    if (!session_id) {
        return session_id.error();
    }
    if (auto checked = check_session_id(*session_id); !checked) {
        return failure("field sessionId: " + checked.message());
    }
    session.session_id = std::move(*session_id);
    auto client_id = required_text(object, "clientId");
    if (!client_id) {
        return client_id.error();
    }
    if (client_id->empty()) {
        return failure("field clientId must not be empty");
    }
    session.client_id = std::move(*client_id);

    const std::pair<const char*, std::optional<std::string>*> optional_fields[] = {
        {"clientHost", &session.client_host},
        {"uniqueSessionId", &session.unique_session_id},
        {"originalSessionId", &session.original_session_id},
        {"recordingPath", &session.recording_path},
        {"lastChunk", &session.last_chunk},
    };
    for (const auto& [name, target] : optional_fields) {
        auto text = optional_text(object, name);
        if (!text) {
            return text.error();
        }
        *target = std::move(*text);
    }
    auto status = optional_text(object, "status");
    if (!status) {
        return status.error();
    }
    if (*status) {
        const auto parsed = parse_status(**status);
        if (!parsed) {
            return failure("field status: unknown status \"" + **status +
                           "\"; expected STARTING, RECORDING, PAUSED, STOPPING, COMPLETED, "
                           "FAILED or INACTIVE");
        }
        session.status = *parsed;
    }
    session.active = keeps_session_active(session.status);

    auto metadata = json_text(object, "metadata", false);
    if (!metadata) {
        return metadata.error();
    }
    session.metadata = std::move(*metadata);
    auto environment = json_text(object, "environment", true);
    if (!environment) {
        return environment.error();
    }
    session.environment = std::move(*environment);
    auto recording_json = json_text(object, "recordingJson", false);
    if (!recording_json) {
        return recording_json.error();
    }
    if (*recording_json) {
        session.environment = environment_with_recording(session.environment, **recording_json);
    }
    session.created_at = now;
    session.last_heartbeat = now;
    return session;
}

Result<std::optional<std::string>> heartbeat_chunk_from_body(std::string_view body) {
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        return std::optional<std::string>{};
    }
    BodyDocument holder;
    if (auto parsed = parse_object(holder, body); !parsed) {
        return parsed.error();
    }
    auto chunk = optional_text(holder.document(), "lastChunk");
    if (!chunk) {
        return chunk.error();
    }
    if (*chunk && !(*chunk)->empty()) {
        if (auto checked = validate_id(**chunk, "lastChunk"); !checked) {
            return failure("field lastChunk: " + checked.message());
        }
        return chunk;
    }
    return std::optional<std::string>{};
}

Result<SessionStatus> status_from_body(std::string_view body) {
    BodyDocument holder;
    if (auto parsed = parse_object(holder, body); !parsed) {
        return parsed.error();
    }
    auto word = required_text(holder.document(), "status");
    if (!word) {
        return word.error();
    }
    const auto status = parse_status(*word);
    if (!status) {
        return failure("field status: unknown status \"" + *word +
                       "\"; expected STARTING, RECORDING, PAUSED, STOPPING, COMPLETED, FAILED or "
                       "INACTIVE (or started, stopped, ready, failed)");
    }
    return *status;
}

Result<std::string> recording_path_from_body(std::string_view body) {
    BodyDocument holder;
    if (auto parsed = parse_object(holder, body); !parsed) {
        return parsed.error();
    }
    auto path = required_text(holder.document(), "recordingPath");
    if (!path) {
        return path.error();
    }
    if (path->size() > k_max_path_length) {
        return failure("field recordingPath is longer than " + std::to_string(k_max_path_length) +
                       " bytes");
    }
    return path;
}

std::string format_session_time(std::time_t when) {
    std::tm parts{};
    localtime_r(&when, &parts);
    char text[32];
    const size_t length = std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &parts);
    return std::string(text, length);
}

std::optional<std::time_t> parse_session_time(std::string_view text) {
    if (text.size() != 19) {
        return std::nullopt;
    }
    for (size_t i = 0; i < text.size(); ++i) {
        const bool separator = i == 4 || i == 7 || i == 10 || i == 13 || i == 16;
        const char expected = i == 10 ? ' ' : (i == 13 || i == 16 ? ':' : '-');
        if (separator ? text[i] != expected : !std::isdigit(static_cast<unsigned char>(text[i]))) {
            return std::nullopt;
        }
    }
    const auto number = [&text](size_t at, size_t length) {
        int value = 0;
        for (size_t i = at; i < at + length; ++i) {
            value = value * 10 + (text[i] - '0');
        }
        return value;
    };
    std::tm parts{};
    parts.tm_year = number(0, 4) - 1900;
    parts.tm_mon = number(5, 2) - 1;
    parts.tm_mday = number(8, 2);
    parts.tm_hour = number(11, 2);
    parts.tm_min = number(14, 2);
    parts.tm_sec = number(17, 2);
    parts.tm_isdst = -1;
    if (parts.tm_mon > 11 || parts.tm_mday < 1 || parts.tm_mday > 31 || parts.tm_hour > 23 ||
        parts.tm_min > 59 || parts.tm_sec > 60) {
        return std::nullopt;
    }
    const std::time_t when = std::mktime(&parts);
    if (when == static_cast<std::time_t>(-1)) {
        return std::nullopt;
    }
    return when;
}

std::string format_timestamp(long long epoch_ms) {
    const std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
    std::tm parts{};
    localtime_r(&seconds, &parts);
    char text[40];
    const size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &parts);
    std::snprintf(text + length, sizeof text - length, ".%03d", static_cast<int>(epoch_ms % 1000));
    return text;
}

std::string final_recording_name(const Session& session) {
    std::string name = session.session_id;
    std::string format = "mp4";
    Document environment;
    if (session.environment) {
        environment.Parse(session.environment->data(), session.environment->size());
    }
    if (session.environment && !environment.HasParseError() && environment.IsObject()) {
        std::optional<std::string> chosen = text_member(environment, "videoName");
        if (!chosen) {
            if (const auto recording = text_member(environment, "recordingJson")) {
                Document parsed;
                parsed.Parse(recording->data(), recording->size());
                if (!parsed.HasParseError() && parsed.IsObject()) {
                    chosen = text_member(parsed, "name");
                }
            }
        }
        if (chosen && validate_id(*chosen, "name")) {
            name = *chosen;
        }
        if (const auto given = text_member(environment, "videoFormat");
            given && validate_id(*given, "format")) {
            format = *given;
        }
    }
    return name + "." + format;
}

bool missed_heartbeat(const Session& session, std::time_t now, long long timeout_seconds) {
    if (!session.active) {
        return false;
    }
    const auto last = parse_session_time(session.last_heartbeat);
    return !last || now - *last > timeout_seconds;
}

bool expired(const Session& session, std::time_t now, long long max_inactive_seconds) {
    if (session.active) {
        return false;
    }
    const auto last = parse_session_time(session.last_heartbeat);
    return !last || now - *last > max_inactive_seconds;
}

} // namespace ov2ha::ha
