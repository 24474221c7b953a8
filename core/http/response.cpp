// Response building and serialisation; see response.hpp.
#include "core/http/response.hpp"

#include "core/base/json_text.hpp"
#include "core/http/request.hpp"

#include <array>
#include <cstdio>
#include <http_parser.h>

namespace ov2ha::http {
namespace {

bool valid_field_value(std::string_view value) {
    for (char c : value) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && c != '\t') || byte == 0x7f) {
            return false;
        }
    }
    return true;
}

bool owned_by_server(std::string_view name) {
    for (std::string_view owned :
         {"content-length", "transfer-encoding", "date", "connection", "x-request-id"}) {
        if (Headers::same_name(name, owned)) {
            return true;
        }
    }
    return false;
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
}

} // namespace

Response Response::json(int status, std::string body) {
    Response response;
    response.status = status;
    response.headers.emplace_back("Content-Type", "application/json");
    response.body = std::move(body);
    return response;
}

Response Response::error(int status, std::string_view message) {
    return json(status, "{\"error\":" + json_quote(message) + "}");
}

std::string serialize(const Response& response, const Framing& framing) {
    if (response.status < 200 || response.status > 599) {
        return serialize(Response::error(500, "the handler answered with an invalid status"),
                         framing);
    }
    const bool bodiless = response.status == 204 || response.status == 304;
    std::string out;
    out.reserve(160 + response.body.size());
    out += "HTTP/1.1 ";
    out += std::to_string(response.status);
    out += ' ';
    out += reason_phrase(response.status);
    out += "\r\n";
    for (const auto& [name, value] : response.headers) {
        if (Headers::valid_name(name) && valid_field_value(value) && !owned_by_server(name)) {
            append_field(out, name, value);
        }
    }
    if (!bodiless) {
        append_field(out, "Content-Length", std::to_string(response.body.size()));
    }
    append_field(out, "Date", framing.date);
    append_field(out, "X-Request-Id", framing.request_id);
    switch (framing.persistence) {
    case Framing::Persistence::keep_alive:
        break;
    case Framing::Persistence::announce_keep_alive:
        append_field(out, "Connection", "keep-alive");
        break;
    case Framing::Persistence::close:
        append_field(out, "Connection", "close");
        break;
    }
    out += "\r\n";
    if (!bodiless && !framing.head) {
        out += response.body;
    }
    return out;
}

std::string_view reason_phrase(int status) {
    const std::string_view phrase = http_status_str(static_cast<http_status>(status));
    return phrase.empty() || phrase.front() == '<' ? "Unknown" : phrase;
}

std::string http_date(std::time_t when) {
    // Spelled out rather than strftime's %a/%b, which follow the locale.
    static constexpr std::array<const char*, 7> k_days{"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> k_months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::tm parts{};
    gmtime_r(&when, &parts);
    std::array<char, 40> text{};
    const int length =
        std::snprintf(text.data(), text.size(), "%s, %02d %s %04d %02d:%02d:%02d GMT",
                      k_days[parts.tm_wday], parts.tm_mday, k_months[parts.tm_mon],
                      parts.tm_year + 1900, parts.tm_hour, parts.tm_min, parts.tm_sec);
    return std::string(text.data(), static_cast<size_t>(length));
}

} // namespace ov2ha::http
