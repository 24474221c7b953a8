// .recording.<id> JSON; see recording_json.hpp.
#include "core/openvidu/recording_json.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace ov2ha::openvidu {
namespace {

using rapidjson::Document;
using rapidjson::Value;

Result<Document> parse_object(std::string_view text, std::string_view what) {
    Document document;
    document.Parse(text.data(), text.size());
    if (document.HasParseError() || !document.IsObject()) {
        return failure(std::string(what) + " is not a JSON object (error at byte " +
                       std::to_string(document.GetErrorOffset()) + ")");
    }
    return document;
}

void set_member(Document& document, const char* key, Value value) {
    auto& allocator = document.GetAllocator();
    if (auto it = document.FindMember(key); it != document.MemberEnd()) {
        it->value = value;
    } else {
        document.AddMember(Value(key, allocator), value, allocator);
    }
}

void set_if_missing(Document& document, const char* key, Value value) {
    if (!document.HasMember(key)) {
        set_member(document, key, std::move(value));
    }
}

Value text_value(const std::string& text, Document& document) {
    return Value(text.c_str(), static_cast<rapidjson::SizeType>(text.size()),
                 document.GetAllocator());
}

std::string serialize(const Document& document) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    document.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

} // namespace

Result<std::string> started_recording_json(std::string_view recording_json,
                                           const RecordingDefaults& defaults) {
    Document document;
    if (recording_json.empty()) {
        document.SetObject();
    } else {
        auto parsed = parse_object(recording_json, "RECORDING_JSON");
        if (!parsed) {
            return parsed.error();
        }
        document = std::move(*parsed);
    }
    set_if_missing(document, "id", text_value(defaults.id, document));
    set_if_missing(document, "object", text_value("recording", document));
    set_if_missing(document, "name", text_value(defaults.name, document));
    set_if_missing(document, "outputMode", text_value("COMPOSED", document));
    set_if_missing(document, "resolution", text_value(defaults.resolution, document));
    set_if_missing(document, "frameRate", Value(defaults.frame_rate));
    set_if_missing(document, "recordingLayout", text_value("BEST_FIT", document));
    set_if_missing(document, "sessionId", text_value(defaults.id, document));
    set_if_missing(document, "uniqueSessionId", text_value(defaults.id, document));
    set_if_missing(document, "createdAt", Value(static_cast<int64_t>(defaults.created_at_ms)));
    set_if_missing(document, "size", Value(0));
    set_if_missing(document, "duration", Value(0.0));
    set_if_missing(document, "url", Value(rapidjson::kNullType));
    set_if_missing(document, "hasAudio", Value(defaults.has_audio));
    set_if_missing(document, "hasVideo", Value(defaults.has_video));
    set_member(document, "status", text_value("started", document));
    return serialize(document);
}

Result<std::string> finished_recording_json(std::string_view started_json,
                                            const RecordingOutcome& outcome) {
    auto parsed = parse_object(started_json, "the .recording file written at start");
    if (!parsed) {
        return parsed.error();
    }
    Document& document = *parsed;
    set_member(document, "status", text_value(outcome.failed ? "failed" : "stopped", document));
    set_member(document, "size", Value(static_cast<uint64_t>(outcome.size_bytes)));
    set_member(document, "duration", Value(outcome.duration_seconds));
    set_member(document, "hasAudio", Value(outcome.has_audio));
    set_member(document, "hasVideo", Value(outcome.has_video));
    return serialize(document);
}

} // namespace ov2ha::openvidu
