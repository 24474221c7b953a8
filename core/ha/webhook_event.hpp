// What the controller reads in an OpenVidu webhook event, and who may send one. Pure.
#pragma once

#include "core/http/basic_auth.hpp"
#include "core/http/request.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ov2ha::ha {

// The fields of an event the controller acts on; empty when absent or not strings.
struct WebhookEvent {
    bool json_object = false; // the body parsed as a JSON object
    std::string event;        // "recordingStatusChanged", "sessionCreated", …
    std::string session_id;   // OpenVidu's session: the relay keeps events of one in order
    std::string id;           // the recording's id, which is the controller's session id
    std::string status;       // "started", "stopped", "ready", "failed"
};

WebhookEvent parse_webhook_event(std::string_view body);

// True for recordingStatusChanged with status stopped and an id: the recording of session
// `id` is over, so the session becomes inactive.
bool marks_session_inactive(const WebhookEvent& event);

// Who may post events: nobody is checked unless a secret or Basic credentials are configured;
// then a request passes when it satisfies either.
struct IntakeAuth {
    std::string secret;                   // as X-Webhook-Secret, or Authorization: Bearer
    std::optional<http::BasicAuth> basic; // the controller's own credentials
};

// Compares in constant time (see http::constant_time_equal).
bool intake_allowed(const IntakeAuth& auth, const http::Headers& headers);

} // namespace ov2ha::ha
