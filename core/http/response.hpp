// An HTTP response as a handler builds it, and its wire form with the headers
// the server owns (Content-Length, Date, X-Request-Id, Connection). Pure.
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ov2ha::http {

// Owned by whoever builds it; handed over by value to Responder::send().
struct Response {
    int status = 200;
    // Extra fields; the server adds Content-Length, Date, X-Request-Id and Connection itself.
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    // `body` (already JSON) with Content-Type: application/json.
    static Response json(int status, std::string body);
    // {"error":"<message>"} with `status`: the one shape of every JSON error.
    static Response error(int status, std::string_view message);
};

// How the connection frames one response.
struct Framing {
    enum class Persistence {
        keep_alive,          // HTTP/1.1 default: no Connection header
        announce_keep_alive, // an HTTP/1.0 client asked to keep the connection
        close,               // Connection: close; the server closes after writing
    };

    // Sent back as X-Request-Id.
    std::string_view request_id;
    // The Date header value (see http_date()).
    std::string_view date;
    Persistence persistence = Persistence::keep_alive;
    // A HEAD request: everything but the body.
    bool head = false;
};

// The response as bytes for the socket. A status outside 200-599 becomes a 500 error; header
// fields with a bad name or a control character in the value are dropped, as are those the
// server owns; 204 and 304 carry neither body nor Content-Length.
std::string serialize(const Response& response, const Framing& framing);

// RFC 9110 reason phrase ("Not Found"); "Unknown" for codes without one.
std::string_view reason_phrase(int status);

// IMF-fixdate, as the Date header wants it: "Sun, 06 Nov 1994 08:49:37 GMT".
std::string http_date(std::time_t when);

} // namespace ov2ha::http
