// The OpenAPI 3 document of the controller API, written from a compact description of each
// route's answers held against the route table; see openapi.hpp.
#include "core/ha/openapi.hpp"

#include "core/base/json_text.hpp"
#include "core/ha/controller_api.hpp"
#include "core/ha/json_body.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <string>
#include <utility>
#include <vector>

namespace ov2ha::ha {
namespace {

constexpr std::string_view k_info = R"({
  "title": "ov2ha controller API",
  "version": "0.1.0",
  "description": "The HA controller of ov2ha (`ov2ha serve`): recording sessions in Redis, OpenVidu webhook intake and relay, cleanup, failover status and metrics. Compatible with ov2-ha-recorder's controller API. Errors are {\"error\": \"...\"}."
})";

// The named parts the routes refer to as #/components/<kind>/<name>.
constexpr std::string_view k_components = R"({
  "securitySchemes": {"basicAuth": {"type": "http", "scheme": "basic",
    "description": "HA_CONTROLLER_USERNAME / HA_CONTROLLER_PASSWORD; not asked when both are empty"}},
  "parameters": {"SessionId": {"name": "id", "in": "path", "required": true,
    "description": "the session id (the recording's VIDEO_ID): at most 200 bytes, no '/', '\\', '..', whitespace or control characters",
    "schema": {"type": "string", "maxLength": 200}}},
  "responses": {
    "Error": {"description": "error",
      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "BadRequest": {"description": "invalid id or body; the error names the field",
      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "Unauthorized": {"description": "Basic credentials missing or wrong",
      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "NotFound": {"description": "no such session",
      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "Unavailable": {"description": "Redis (or the bucket) unavailable; retry later",
      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
  },
  "schemas": {
    "Error": {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]},
    "Status": {"type": "string",
      "enum": ["STARTING", "RECORDING", "PAUSED", "STOPPING", "COMPLETED", "FAILED", "INACTIVE"]},
    "Session": {"type": "object", "properties": {
      "sessionId": {"type": "string"},
      "clientId": {"type": "string"},
      "clientHost": {"type": "string", "nullable": true},
      "status": {"$ref": "#/components/schemas/Status"},
      "createdAt": {"type": "string", "example": "2025-01-31 12:00:00"},
      "lastHeartbeat": {"type": "string", "example": "2025-01-31 12:00:30"},
      "recordingPath": {"type": "string", "nullable": true},
      "metadata": {"type": "string", "nullable": true, "description": "JSON text"},
      "lastChunk": {"type": "string", "nullable": true, "example": "0007.mp4"},
      "active": {"type": "boolean"},
      "backupContainerId": {"type": "string", "nullable": true},
      "backupContainerName": {"type": "string", "nullable": true},
      "environment": {"type": "string", "nullable": true,
        "description": "JSON text of what a backup recorder needs: url, onlyVideo, resolution, framerate, videoId, videoName, videoFormat, recordingJson, chunkFolder, chunkTimeSize, hostname, containerIp"},
      "uniqueSessionId": {"type": "string", "nullable": true},
      "originalSessionId": {"type": "string", "nullable": true}}},
    "Registration": {"type": "object", "required": ["sessionId", "clientId"], "properties": {
      "sessionId": {"type": "string", "maxLength": 200},
      "clientId": {"type": "string"},
      "clientHost": {"type": "string"},
      "uniqueSessionId": {"type": "string"},
      "originalSessionId": {"type": "string"},
      "status": {"type": "string"},
      "recordingJson": {"oneOf": [{"type": "string"}, {"type": "object"}],
        "description": "OpenVidu's RECORDING_JSON, as text or object; joins the environment"},
      "environment": {"oneOf": [{"type": "string"}, {"type": "object"}]},
      "metadata": {"oneOf": [{"type": "string"}, {"type": "object"}]}}},
    "Received": {"type": "object", "properties": {
      "status": {"type": "string", "enum": ["received"]},
      "message": {"type": "string"},
      "timestamp": {"type": "string", "description": "local time, yyyy-MM-ddTHH:mm:ss.SSS"},
      "processingTimeMs": {"type": "integer"}}},
    "RelayStatus": {"type": "object", "properties": {
      "enabled": {"type": "boolean"},
      "targetEndpoint": {"type": "string"},
      "totalRequests": {"type": "integer"},
      "successfulRequests": {"type": "integer"},
      "failedRequests": {"type": "integer"},
      "successRate": {"type": "number"},
      "pendingRequests": {"type": "integer"},
      "droppedRequests": {"type": "integer"},
      "attempts": {"type": "integer"},
      "lastRequestTime": {"type": "string", "nullable": true},
      "lastSuccessTime": {"type": "string", "nullable": true},
      "lastFailureTime": {"type": "string", "nullable": true},
      "configuration": {"type": "object", "properties": {
        "timeoutMs": {"type": "integer"},
        "retryAttempts": {"type": "integer"},
        "retryDelayMs": {"type": "integer"},
        "hasCustomHeaders": {"type": "boolean"}}}}}
  }
})";

// The tag of each path prefix, first match wins; the last one takes every other path.
constexpr std::pair<std::string_view, std::string_view> k_tags[] = {
    {"/api/sessions", "sessions"},
    {"/api/failover", "failover"},
    {"/openvidu/webhook", "webhook"},
    {"", "operations"},
};

constexpr std::string_view k_string = R"({"type": "string"})";
constexpr std::string_view k_nullable_string = R"({"type": "string", "nullable": true})";
constexpr std::string_view k_integer = R"({"type": "integer"})";
constexpr std::string_view k_boolean = R"({"type": "boolean"})";
constexpr std::string_view k_string_map =
    R"({"type": "object", "additionalProperties": {"type": "string"}})";
constexpr std::string_view k_timestamp =
    R"({"type": "string", "description": "local time, yyyy-MM-ddTHH:mm:ss.SSS"})";

using Properties = std::vector<std::pair<std::string_view, std::string_view>>;

// A JSON array of already-serialised values.
std::string array(const std::vector<std::string>& values) {
    std::string text = "[";
    for (const std::string& value : values) {
        if (text.size() > 1) {
            text += ", ";
        }
        text += value;
    }
    text += ']';
    return text;
}

std::string one_word_list(std::string_view word) {
    return array({json_quote(word)});
}

std::string component(std::string_view kind, std::string_view name) {
    JsonBody reference;
    std::string path = "#/components/";
    path.append(kind).append("/").append(name);
    reference.text("$ref", path);
    return reference.finish();
}

std::string schema_ref(std::string_view name) {
    return component("schemas", name);
}

// A string schema that allows one word.
std::string only(std::string_view word) {
    JsonBody schema;
    schema.text("type", "string").raw("enum", one_word_list(word));
    return schema.finish();
}

// An object schema with these properties, in order; `required` names one that must be there.
std::string fields(const Properties& properties, std::string_view required = {}) {
    JsonBody members;
    for (const auto& [name, schema] : properties) {
        members.raw(name, schema);
    }
    JsonBody schema;
    schema.text("type", "object").raw("properties", members.finish());
    if (!required.empty()) {
        schema.raw("required", one_word_list(required));
    }
    return schema.finish();
}

// An array schema of `items`.
std::string array_of(std::string_view items) {
    JsonBody schema;
    schema.text("type", "array").raw("items", items);
    return schema.finish();
}

// The content of a request or response whose body is `schema` in `media_type`.
std::string content(std::string_view schema, std::string_view media_type = "application/json") {
    JsonBody media;
    media.raw("schema", schema);
    JsonBody content;
    content.raw(media_type, media.finish());
    return content.finish();
}

// A schema that is all of `schemas` at once.
std::string all_of(const std::vector<std::string>& schemas) {
    JsonBody schema;
    schema.raw("allOf", array(schemas));
    return schema.finish();
}

// A response of `description` whose body is `schema` in `media_type`.
std::string answer(std::string_view description, std::string_view schema,
                   std::string_view media_type = "application/json") {
    JsonBody response;
    response.text("description", description).raw("content", content(schema, media_type));
    return response.finish();
}

std::string ok(std::string_view schema) {
    return answer("OK", schema);
}

// A listing of sessions with its counts.
std::string listing(const Properties& counts) {
    const std::string sessions = array_of(schema_ref("Session"));
    Properties properties = {
        {"sessions", sessions}, {"timestamp", k_timestamp}, {"type", k_string}};
    properties.insert(properties.end(), counts.begin(), counts.end());
    return ok(fields(properties));
}

// What the document says of one route beyond what the route table and the path give: the
// route table says whether Basic credentials are asked (security, 401), an {id} in the path
// brings the SessionId parameter and 400, a request body brings 413 (and 400 when required).
struct RouteDoc {
    std::vector<std::string_view> methods;
    std::string_view pattern;
    std::string_view summary;
    std::string answer; // the success response
    int status = 200;   // of the success response
    std::string_view description = {};
    std::string request = {}; // schema of the JSON body; none when empty
    bool request_required = false;
    bool not_found = false;   // 404 when the session in the path does not exist
    bool unavailable = false; // 503 when Redis (or the bucket) is unavailable
    std::map<int, std::string> own_answers = {};
};

const std::vector<RouteDoc>& route_docs() {
    static const std::vector<RouteDoc> docs = {
        {.methods = {"POST"},
         .pattern = "/api/sessions",
         .summary = "Register a recording session",
         .answer = answer("Created", schema_ref("Session")),
         .status = 201,
         .description = "400 when sessionId or clientId is missing, a field has the wrong type, "
                        "or a session with this id exists.",
         .request = schema_ref("Registration"),
         .request_required = true,
         .unavailable = true},
        {.methods = {"GET"},
         .pattern = "/api/sessions",
         .summary = "Active sessions",
         .answer = listing({{"count", k_integer}}),
         .unavailable = true},
        {.methods = {"GET"},
         .pattern = "/api/sessions/all",
         .summary = "Every session",
         .answer = listing(
             {{"totalCount", k_integer}, {"activeCount", k_integer}, {"inactiveCount", k_integer}}),
         .unavailable = true},
        {.methods = {"GET"},
         .pattern = "/api/sessions/inactive",
         .summary = "Inactive sessions",
         .answer = listing({{"count", k_integer}}),
         .unavailable = true},
        {.methods = {"GET"},
         .pattern = "/api/sessions/health",
         .summary = "Controller and Redis health with session counts",
         .answer = ok(fields({{"status", only("healthy")},
                              {"service", k_string},
                              {"activeSessions", k_integer},
                              {"totalSessions", k_integer},
                              {"inactiveSessions", k_integer},
                              {"s3CleanupInfo", k_string},
                              {"timestamp", k_timestamp}})),
         .own_answers = {{503, answer("Redis unavailable", fields({{"status", only("unhealthy")},
                                                                   {"service", k_string},
                                                                   {"error", k_string},
                                                                   {"timestamp", k_timestamp}}))}}},
        {.methods = {"POST"},
         .pattern = "/api/sessions/cleanup",
         .summary = "Remove sessions inactive longer than HA_SESSION_MAX_INACTIVE_TIME",
         .answer = ok(fields(
             {{"message", k_string}, {"removedSessions", k_integer}, {"timestamp", k_timestamp}})),
         .unavailable = true},
        {.methods = {"GET"},
         .pattern = "/api/sessions/{id}",
         .summary = "One session",
         .answer = ok(schema_ref("Session")),
         .not_found = true,
         .unavailable = true},
        {.methods = {"DELETE"},
         .pattern = "/api/sessions/{id}",
         .summary = "Remove a session; in S3 mode its chunks are deleted from the bucket when its "
                    "final recording exists, otherwise kept for recovery",
         .answer = ok(fields({{"message", k_string},
                              {"sessionId", k_string},
                              {"timestamp", k_timestamp},
                              {"chunksDeleted", k_integer},
                              {"keptForRecovery", k_boolean}})),
         .not_found = true,
         .unavailable = true},
        {.methods = {"GET"},
         .pattern = "/api/sessions/{id}/active",
         .summary = "Whether a session is active",
         .answer = ok(
             fields({{"sessionId", k_string}, {"active", k_boolean}, {"timestamp", k_timestamp}})),
         .unavailable = true},
        {.methods = {"PUT"},
         .pattern = "/api/sessions/{id}/heartbeat",
         .summary = "A recorder's heartbeat, with its last closed chunk",
         .answer = ok(fields({{"message", k_string},
                              {"sessionId", k_string},
                              {"timestamp", k_timestamp},
                              {"lastChunk", k_string}})),
         .request = fields({{"lastChunk", R"({"type": "string", "example": "0007.mp4"})"}}),
         .not_found = true,
         .unavailable = true},
        {.methods = {"PUT"},
         .pattern = "/api/sessions/{id}/status",
         .summary = "Change a session's status; PAUSED, STOPPING, COMPLETED, FAILED and INACTIVE "
                    "make it inactive",
         .answer = ok(fields({{"message", k_string},
                              {"sessionId", k_string},
                              {"timestamp", k_timestamp},
                              {"status", schema_ref("Status")}})),
         .request = fields({{"status", R"({"type": "string", "description": "a status word in any )"
                                       R"(case, or OpenVidu's started, stopped, ready, failed"})"}},
                           "status"),
         .request_required = true,
         .not_found = true,
         .unavailable = true},
        {.methods = {"PUT"},
         .pattern = "/api/sessions/{id}/recording-path",
         .summary = "Set where the recording is",
         .answer = ok(fields({{"message", k_string},
                              {"sessionId", k_string},
                              {"timestamp", k_timestamp},
                              {"recordingPath", k_string}})),
         .request = fields({{"recordingPath", k_string}}, "recordingPath"),
         .request_required = true,
         .not_found = true,
         .unavailable = true},
        {.methods = {"PUT"},
         .pattern = "/api/sessions/{id}/deactivate",
         .summary = "Mark a session INACTIVE, keeping its chunks",
         .answer = ok(fields({{"message", k_string},
                              {"sessionId", k_string},
                              {"timestamp", k_timestamp},
                              {"status", only("INACTIVE")}})),
         .not_found = true,
         .unavailable = true},
        {.methods = {"PUT"},
         .pattern = "/api/sessions/{id}/stop",
         .summary = "Stop a session: STOPPING then COMPLETED, inactive",
         .answer = ok(fields({{"message", k_string},
                              {"sessionId", k_string},
                              {"timestamp", k_timestamp},
                              {"status", only("COMPLETED")}})),
         .not_found = true,
         .unavailable = true},
        {.methods = {"GET"},
         .pattern = "/actuator/health",
         .summary = "Liveness with the Redis connection",
         .answer = ok(fields({{"status", only("UP")}})),
         .own_answers = {{503, answer("Redis unavailable",
                                      fields({{"status", only("DOWN")}, {"error", k_string}}))}}},
        {.methods = {"GET"},
         .pattern = "/api/failover/status",
         .summary = "Failover configuration and state",
         .answer = ok(fields({{"enabled", k_boolean},
                              {"heartbeatTimeoutSeconds", k_integer},
                              {"stuckChunkTimeoutSeconds", k_integer},
                              {"checkIntervalMs", k_integer},
                              {"activeBackupContainers", k_integer},
                              {"backupContainerDetails", k_string_map},
                              {"dockerInitialized", k_boolean},
                              {"dockerInitializationFailed", k_boolean},
                              {"dockerStatus", k_string},
                              {"sessionsMissingHeartbeats", k_integer},
                              {"timestamp", k_timestamp}}))},
        {.methods = {"POST"},
         .pattern = "/api/failover/check",
         .summary = "Scan the sessions for missed heartbeats now",
         .answer = ok(
             fields({{"message", k_string},
                     {"timestamp", k_timestamp},
                     {"activeBackupContainers", k_integer},
                     {"dockerInitialized", k_boolean},
                     {"sessionsChecked", k_integer},
                     {"heartbeatTimeoutSeconds", k_integer},
                     {"backupsStarted", k_integer},
                     {"missedHeartbeats", array_of(fields({{"sessionId", k_string},
                                                           {"lastHeartbeat", k_string},
                                                           {"secondsSinceLastHeartbeat", k_integer},
                                                           {"lastChunk", k_nullable_string}}))},
                     {"error",
                      R"({"type": "string", "description": "only when failover is disabled"})"}})),
         .unavailable = true},
        {.methods = {"GET"},
         .pattern = "/api/failover/backups",
         .summary = "Running backup recorders",
         .answer = ok(fields({{"activeBackupContainers", k_string_map},
                              {"count", k_integer},
                              {"timestamp", k_timestamp}}))},
        {.methods = {"DELETE"},
         .pattern = "/api/failover/backup/{id}",
         .summary = "Stop a session's backup recorder gracefully",
         .answer = ok(fields(
             {{"message", k_string}, {"method", only("graceful")}, {"sessionId", k_string}})),
         .not_found = true},
        {.methods = {"DELETE"},
         .pattern = "/api/failover/backup/{id}/force",
         .summary = "Stop a session's backup recorder by force",
         .answer = ok(
             fields({{"message", k_string}, {"method", only("force")}, {"sessionId", k_string}})),
         .not_found = true},
        {.methods = {"POST", "PUT", "PATCH", "DELETE"},
         .pattern = "/openvidu/webhook",
         .summary = "Receive an OpenVidu webhook event; answered at once, relayed to "
                    "OPENVIDU_WEBHOOK_ENDPOINT",
         .answer = ok(schema_ref("Received")),
         .description = "recordingStatusChanged with status stopped marks the session with that "
                        "id inactive. When webhook.intake_secret is set the request must carry it "
                        "as X-Webhook-Secret or Authorization: Bearer; with "
                        "webhook.intake_basic_auth it may carry the controller's Basic "
                        "credentials.",
         .request = R"({"type": "object", "description": "the event exactly as OpenVidu sent it"})",
         .own_answers = {{401, answer("the configured intake secret or credentials are missing",
                                      schema_ref("Error"))}}},
        {.methods = {"GET"},
         .pattern = "/openvidu/webhook",
         .summary = "Webhook endpoint health",
         .answer = ok(fields({{"status", k_string},
                              {"endpoint", k_string},
                              {"message", k_string},
                              {"timestamp", k_timestamp},
                              {"relayStatus", schema_ref("RelayStatus")}}))},
        {.methods = {"GET"},
         .pattern = "/openvidu/webhook/status",
         .summary = "Webhook relay counts",
         .answer = ok(all_of({schema_ref("RelayStatus"),
                              fields({{"endpoint", k_string}, {"timestamp", k_timestamp}})}))},
        {.methods = {"GET"},
         .pattern = "/metrics",
         .summary = "Prometheus metrics",
         .answer = answer("text format 0.0.4", k_string, "text/plain")},
        {.methods = {"GET"},
         .pattern = "/openapi.json",
         .summary = "This document",
         .answer = answer("OpenAPI 3", R"({"type": "object"})")},
    };
    return docs;
}

std::string_view tag_of(std::string_view pattern) {
    for (const auto& [prefix, tag] : k_tags) {
        if (pattern.starts_with(prefix)) {
            return tag;
        }
    }
    return k_tags[std::size(k_tags) - 1].second;
}

// Routes the route table does not serve are written as protected; the unit test that holds the
// document to the route table finds them.
bool asks_credentials(const std::vector<RouteInfo>& routes, std::string_view method,
                      std::string_view pattern) {
    const auto served = std::find_if(routes.begin(), routes.end(), [&](const RouteInfo& route) {
        return route.method == method && route.pattern == pattern;
    });
    return served == routes.end() || served->protected_route;
}

std::string operation(const RouteDoc& doc, bool credentials) {
    const bool names_session = doc.pattern.find("{id}") != std::string_view::npos;
    std::map<int, std::string> responses = {{doc.status, doc.answer}};
    if (names_session || doc.request_required) {
        responses[400] = component("responses", "BadRequest");
    }
    if (credentials) {
        responses[401] = component("responses", "Unauthorized");
    }
    if (doc.not_found) {
        responses[404] = component("responses", "NotFound");
    }
    if (!doc.request.empty()) {
        responses[413] = component("responses", "Error");
    }
    if (doc.unavailable) {
        responses[503] = component("responses", "Unavailable");
    }
    for (const auto& [status, response] : doc.own_answers) {
        responses[status] = response;
    }

    JsonBody body;
    body.text("summary", doc.summary);
    if (!doc.description.empty()) {
        body.text("description", doc.description);
    }
    body.raw("tags", one_word_list(tag_of(doc.pattern)));
    if (!credentials) {
        body.raw("security", "[]");
    }
    if (names_session) {
        body.raw("parameters", array({component("parameters", "SessionId")}));
    }
    if (!doc.request.empty()) {
        JsonBody request;
        request.boolean("required", doc.request_required).raw("content", content(doc.request));
        body.raw("requestBody", request.finish());
    }
    JsonBody answers;
    for (const auto& [status, response] : responses) {
        answers.raw(std::to_string(status), response);
    }
    body.raw("responses", answers.finish());
    return body.finish();
}

std::string lower_case(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower;
}

// Each path once, where the descriptions first name it, with all of its operations.
std::string paths() {
    const std::vector<RouteInfo> routes = controller_routes();
    const std::vector<RouteDoc>& docs = route_docs();
    JsonBody paths;
    for (auto doc = docs.begin(); doc != docs.end(); ++doc) {
        const auto same_path = [&](const RouteDoc& other) { return other.pattern == doc->pattern; };
        if (std::any_of(docs.begin(), doc, same_path)) {
            continue;
        }
        JsonBody operations;
        for (const RouteDoc& on_path : docs) {
            if (!same_path(on_path)) {
                continue;
            }
            for (std::string_view method : on_path.methods) {
                operations.raw(lower_case(method),
                               operation(on_path, asks_credentials(routes, method, doc->pattern)));
            }
        }
        paths.raw(doc->pattern, operations.finish());
    }
    return paths.finish();
}

std::string tags() {
    std::vector<std::string> names;
    for (const auto& [prefix, tag] : k_tags) {
        JsonBody entry;
        entry.text("name", tag);
        names.push_back(entry.finish());
    }
    return array(names);
}

// `json` indented one space a level, as people read it; served as built when it does not
// parse, so that the unit test can point at the fault.
std::string indented(const std::string& json) {
    rapidjson::Document document;
    if (document.Parse(json.data(), json.size()).HasParseError()) {
        return json;
    }
    rapidjson::StringBuffer buffer;
    rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
    writer.SetIndent(' ', 1);
    document.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string document() {
    JsonBody document;
    document.text("openapi", "3.0.3")
        .raw("info", k_info)
        .raw("security", R"([{"basicAuth": []}])")
        .raw("tags", tags())
        .raw("paths", paths())
        .raw("components", k_components);
    return indented(document.finish());
}

} // namespace

std::string_view openapi_document() {
    static const std::string k_document = document();
    return k_document;
}

} // namespace ov2ha::ha
