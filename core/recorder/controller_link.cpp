// The recorder's link to the HA controller; see controller_link.hpp.
#include "core/recorder/controller_link.hpp"

#include "core/base/hashing.hpp"
#include "core/base/json_text.hpp"
#include "core/base/log.hpp"
#include "core/http/curl_multi.hpp"
#include "core/s3/uri_encoding.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace ov2ha::recorder {
namespace {

// Problems talking to the controller are logged at most this often.
constexpr uint64_t k_warning_interval_ms = 60'000;
// While the final status waits for the controller, it is retried this often.
constexpr uint64_t k_finish_retry_ms = 500;

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void write_text(JsonWriter& writer, const char* key, const std::string& value) {
    writer.Key(key);
    writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

// The uniqueSessionId in OpenVidu's RECORDING_JSON, if it has one.
std::string unique_session_id(const std::string& recording_json) {
    rapidjson::Document document;
    document.Parse(recording_json.data(), recording_json.size());
    if (document.HasParseError() || !document.IsObject()) {
        return "";
    }
    const auto found = document.FindMember("uniqueSessionId");
    return found != document.MemberEnd() && found->value.IsString() ? found->value.GetString() : "";
}

// HA_CONTROLLER_HOST as a host name or address, or as an http(s):// URL that may carry its own
// port; HA_CONTROLLER_PORT fills in the port when none is given.
std::string base_url(const std::string& host, long long port) {
    for (const std::string_view scheme : {"http://", "https://"}) {
        if (host.compare(0, scheme.size(), scheme) != 0) {
            continue;
        }
        std::string url = host;
        while (!url.empty() && url.back() == '/') {
            url.pop_back();
        }
        const std::string authority = url.substr(scheme.size());
        const size_t bracket = authority.rfind(']'); // an IPv6 literal holds colons of its own
        const size_t colon = authority.find(':', bracket == std::string::npos ? 0 : bracket);
        return colon != std::string::npos ? url : url + ":" + std::to_string(port);
    }
    return "http://" + host + ":" + std::to_string(port);
}

std::string describe(const http::HttpResponse& response) {
    if (response.failure != http::Failure::none) {
        return response.error;
    }
    return "HTTP " + std::to_string(response.status) + " " + response.body.substr(0, 200);
}

bool succeeded(const http::HttpResponse& response) {
    return response.failure == http::Failure::none && response.status >= 200 &&
           response.status < 300;
}

} // namespace

RecorderIdentity this_recorder() {
    RecorderIdentity identity;
    char name[256];
    size_t size = sizeof name;
    if (uv_os_gethostname(name, &size) == 0) {
        identity.hostname.assign(name, size);
    }
    uv_interface_address_t* addresses = nullptr;
    int count = 0;
    if (uv_interface_addresses(&addresses, &count) == 0) {
        for (int i = 0; i < count; ++i) {
            if (!addresses[i].is_internal && addresses[i].address.address4.sin_family == AF_INET) {
                char text[INET_ADDRSTRLEN] = {};
                uv_ip4_name(&addresses[i].address.address4, text, sizeof text);
                identity.ip = text;
                break;
            }
        }
        uv_free_interface_addresses(addresses, count);
    }
    return identity;
}

std::optional<ControllerLinkSettings> controller_link_settings(const Config& config,
                                                               const RecorderPlan& plan,
                                                               const RecorderIdentity& identity) {
    const std::string& host = config.text("controller.host");
    if (host.empty()) {
        return std::nullopt;
    }
    ControllerLinkSettings settings;
    settings.base_url = base_url(host, config.integer("controller.port"));
    settings.username = config.text("controller.username");
    settings.password = config.text("controller.password");
    settings.heartbeat_interval =
        std::chrono::seconds(config.integer("controller.heartbeat_interval"));
    settings.session_id = plan.video_id;

    const std::string client_id = identity.hostname.empty() ? "ov2ha-record" : identity.hostname;
    rapidjson::StringBuffer buffer;
    JsonWriter writer(buffer);
    writer.StartObject();
    write_text(writer, "sessionId", plan.video_id);
    write_text(writer, "clientId", client_id);
    write_text(writer, "clientHost", identity.ip.empty() ? client_id : identity.ip);
    if (const std::string unique = unique_session_id(plan.recording_json); !unique.empty()) {
        write_text(writer, "uniqueSessionId", unique);
    }
    write_text(writer, "status", "STARTING");
    if (!plan.recording_json.empty()) {
        write_text(writer, "recordingJson", plan.recording_json);
    }
    writer.Key("environment");
    writer.StartObject();
    write_text(writer, "url", config.text("recorder.url"));
    write_text(writer, "onlyVideo", config.boolean("recorder.only_video") ? "true" : "false");
    write_text(writer, "resolution", config.text("recorder.resolution"));
    write_text(writer, "framerate", config.text("recorder.framerate"));
    write_text(writer, "videoId", plan.video_id);
    write_text(writer, "videoName", plan.video_name);
    write_text(writer, "videoFormat", config.text("recorder.video_format"));
    write_text(writer, "recordingJson", plan.recording_json);
    write_text(writer, "chunkFolder", config.text("recorder.chunk_folder"));
    write_text(writer, "chunkTimeSize", config.text("recorder.chunk_time_size"));
    write_text(writer, "startChunk", config.text("recorder.start_chunk"));
    write_text(writer, "hostname", identity.hostname);
    write_text(writer, "containerIp", identity.ip);
    write_text(writer, "containerWorkingMode", "COMPOSED");
    writer.EndObject();
    writer.EndObject();
    settings.registration.assign(buffer.GetString(), buffer.GetSize());
    return settings;
}

Result<std::unique_ptr<ControllerLink>> ControllerLink::create(uv_loop_t* loop,
                                                               ControllerLinkSettings settings) {
    auto http = http::CurlMulti::create(loop, 4);
    if (!http) {
        return failure("cannot start the HTTP client for the HA controller: " + http.message());
    }
    return std::unique_ptr<ControllerLink>(
        new ControllerLink(loop, std::move(settings), std::move(*http)));
}

ControllerLink::ControllerLink(uv_loop_t* loop, ControllerLinkSettings settings,
                               std::unique_ptr<http::CurlMulti> http)
    : m_settings(std::move(settings)), m_http(std::move(http)), m_ticker(loop), m_deadline(loop),
      m_loop(loop) {
    m_ticker.get()->data = this;
    m_deadline.get()->data = this;
    if (!m_settings.username.empty() || !m_settings.password.empty()) {
        m_authorization = "Basic " + base64(m_settings.username + ":" + m_settings.password);
    }
}

ControllerLink::~ControllerLink() {
    close();
}

void ControllerLink::start() {
    log::info("registering with the HA controller",
              {{"controller", m_settings.base_url}, {"session", m_settings.session_id}});
    const auto every = static_cast<uint64_t>(m_settings.heartbeat_interval.count()) * 1000;
    uv_timer_start(
        m_ticker.get(),
        [](uv_timer_t* timer) { static_cast<ControllerLink*>(timer->data)->tick(); }, 0, every);
}

void ControllerLink::tick() {
    if (!m_registered) {
        register_session();
        return;
    }
    send_heartbeat();
    send_next_status();
}

void ControllerLink::send(std::string method, std::string path, std::string body,
                          std::function<void(const http::HttpResponse&)> done) {
    http::HttpRequest request;
    request.method = std::move(method);
    request.url = m_settings.base_url + path;
    request.headers.emplace_back("Content-Type", "application/json");
    if (!m_authorization.empty()) {
        request.headers.emplace_back("Authorization", m_authorization);
    }
    request.body = std::make_shared<const std::string>(std::move(body));
    request.timeouts.connect = m_settings.request_timeout;
    request.timeouts.total = m_settings.request_timeout;
    auto started = m_http->start(std::move(request),
                                 [this, done = std::move(done)](http::HttpResponse response) {
                                     if (!m_closed) {
                                         done(response);
                                     }
                                 });
    if (!started && !m_closed) {
        http::HttpResponse refused;
        refused.failure = http::Failure::local;
        refused.error = started.message();
        done(refused);
    }
}

void ControllerLink::register_session() {
    if (m_registering || m_closed) {
        return;
    }
    m_registering = true;
    send("POST", "/api/sessions", m_settings.registration,
         [this](const http::HttpResponse& response) {
             m_registering = false;
             // A recorder restarted with the same VIDEO_ID finds its session already there.
             const bool exists = response.status == 400 &&
                                 response.body.find("already exists") != std::string::npos;
             if (!succeeded(response) && !exists) {
                 problem("register the session", response);
                 return;
             }
             m_registered = true;
             m_ever_registered = true;
             log::info("registered with the HA controller",
                       {{"session", m_settings.session_id}, {"existing", exists ? "yes" : "no"}});
             send_next_status();
         });
}

void ControllerLink::send_heartbeat() {
    if (m_heartbeat_in_flight || m_closed) {
        return;
    }
    m_heartbeat_in_flight = true;
    const std::string body =
        m_last_chunk.empty() ? "{}" : "{\"lastChunk\":" + json_quote(m_last_chunk) + "}";
    send("PUT", "/api/sessions/" + s3::uri_encode_component(m_settings.session_id) + "/heartbeat",
         body, [this](const http::HttpResponse& response) {
             m_heartbeat_in_flight = false;
             if (response.status == 404) {
                 // The controller lost or removed the session: register it again.
                 m_registered = false;
                 register_session();
             } else if (!succeeded(response)) {
                 problem("send a heartbeat", response);
             }
         });
}

void ControllerLink::report_status(const std::string& status) {
    m_statuses.push_back(status);
    send_next_status();
}

void ControllerLink::send_next_status() {
    if (m_status_in_flight || m_statuses.empty() || !m_registered || m_closed) {
        return;
    }
    m_status_in_flight = true;
    const std::string status = m_statuses.front();
    send("PUT", "/api/sessions/" + s3::uri_encode_component(m_settings.session_id) + "/status",
         "{\"status\":\"" + status + "\"}", [this, status](const http::HttpResponse& response) {
             m_status_in_flight = false;
             if (response.status == 404) {
                 m_registered = false;
                 register_session();
                 return;
             }
             if (!succeeded(response)) {
                 problem("report status " + status, response);
                 return;
             }
             log::info("status reported to the HA controller", {{"status", status}});
             m_statuses.pop_front();
             if (m_statuses.empty() && m_finished) {
                 close();
                 return;
             }
             send_next_status();
         });
}

void ControllerLink::recording() {
    if (!m_recording_reported) {
        m_recording_reported = true;
        report_status("RECORDING");
    }
}

void ControllerLink::chunk_closed(std::string name) {
    m_last_chunk = std::move(name);
}

void ControllerLink::stopping() {
    report_status("STOPPING");
}

void ControllerLink::finish(bool failed, std::function<void()> done) {
    if (m_closed) {
        done();
        return;
    }
    m_finished = std::move(done);
    if (!m_ever_registered) {
        log::warn("the HA controller was never reached; exiting without reporting the end",
                  {{"controller", m_settings.base_url}, {"session", m_settings.session_id}});
        close();
        return;
    }
    uv_timer_start(
        m_deadline.get(),
        [](uv_timer_t* timer) {
            auto* self = static_cast<ControllerLink*>(timer->data);
            log::warn("the HA controller did not take the final status in time",
                      {{"session", self->m_settings.session_id},
                       {"waiting", std::to_string(self->m_statuses.size())}});
            self->close();
        },
        static_cast<uint64_t>(m_settings.finish_timeout.count()), 0);
    // Retries come quicker now: the recorder is about to exit.
    uv_timer_start(
        m_ticker.get(),
        [](uv_timer_t* timer) { static_cast<ControllerLink*>(timer->data)->tick(); },
        k_finish_retry_ms, k_finish_retry_ms);
    report_status(failed ? "FAILED" : "COMPLETED");
}

void ControllerLink::problem(const std::string& what, const http::HttpResponse& response) {
    const uint64_t now = uv_now(m_loop);
    if (m_last_warning_ms != 0 && now - m_last_warning_ms < k_warning_interval_ms) {
        ++m_silenced;
        return;
    }
    log::warn("the HA controller cannot be reached; the recording goes on",
              {{"controller", m_settings.base_url},
               {"action", what},
               {"error", describe(response)},
               {"similar_since_last", std::to_string(m_silenced)}});
    m_last_warning_ms = now;
    m_silenced = 0;
}

void ControllerLink::close() {
    if (m_closed) {
        return;
    }
    m_closed = true;
    m_ticker.close();
    m_deadline.close();
    m_http->close();
    if (m_finished) {
        const std::function<void()> done = std::move(m_finished);
        m_finished = nullptr;
        done();
    }
}

Result<std::unique_ptr<ControllerLink>> make_controller_link(uv_loop_t* loop, const Config& config,
                                                             const RecorderPlan& plan) {
    auto settings = controller_link_settings(config, plan, this_recorder());
    if (!settings) {
        return std::unique_ptr<ControllerLink>{};
    }
    return ControllerLink::create(loop, std::move(*settings));
}

} // namespace ov2ha::recorder
