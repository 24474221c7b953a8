// Webhook event reading and intake checks; see webhook_event.hpp.
#include "core/ha/webhook_event.hpp"

#include <rapidjson/document.h>

namespace ov2ha::ha {
namespace {

std::string text_field(const rapidjson::Value& object, const char* name) {
    const auto found = object.FindMember(name);
    if (found == object.MemberEnd() || !found->value.IsString()) {
        return "";
    }
    return std::string(found->value.GetString(), found->value.GetStringLength());
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() &&
           http::Headers::same_name(text.substr(0, prefix.size()), prefix);
}

} // namespace

WebhookEvent parse_webhook_event(std::string_view body) {
    WebhookEvent event;
    rapidjson::Document document;
    document.Parse(body.data(), body.size());
    if (document.HasParseError() || !document.IsObject()) {
        return event;
    }
    event.json_object = true;
    event.event = text_field(document, "event");
    event.session_id = text_field(document, "sessionId");
    event.id = text_field(document, "id");
    event.status = text_field(document, "status");
    return event;
}

bool marks_session_inactive(const WebhookEvent& event) {
    return event.event == "recordingStatusChanged" && event.status == "stopped" &&
           !event.id.empty();
}

bool intake_allowed(const IntakeAuth& auth, const http::Headers& headers) {
    if (auth.secret.empty() && !auth.basic) {
        return true;
    }
    const std::string* authorization = headers.find("authorization");
    if (!auth.secret.empty()) {
        if (const std::string* given = headers.find("x-webhook-secret");
            given && http::constant_time_equal(*given, auth.secret)) {
            return true;
        }
        constexpr std::string_view bearer = "Bearer ";
        if (authorization && starts_with_ignoring_case(*authorization, bearer) &&
            http::constant_time_equal(std::string_view(*authorization).substr(bearer.size()),
                                      auth.secret)) {
            return true;
        }
    }
    return auth.basic && authorization && auth.basic->allows(*authorization);
}

} // namespace ov2ha::ha
