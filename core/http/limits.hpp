// The limits and timeouts an HTTP server applies to every client, so that a
// slow or hostile client costs bounded memory and time.
#pragma once

#include <chrono>
#include <cstddef>

namespace ov2ha::http {

// Copied into the server at construction; every field has a safe default.
struct ServerLimits {
    // Request line plus header fields, in bytes; a request over it gets 431 and the connection
    // closes.
    size_t max_header_bytes = 16 * 1024;
    // Request body after de-chunking, in bytes; a request over it gets 413 and the connection
    // closes.
    size_t max_body_bytes = 1024 * 1024;
    // From the first byte of a request to the end of its headers. Later bytes never extend it,
    // so a client that trickles a header is dropped.
    std::chrono::milliseconds header_timeout{10'000};
    // From the end of the headers to the end of the body, likewise never extended.
    std::chrono::milliseconds body_timeout{30'000};
    // How long a connection may sit with no request under way and no answer being taken.
    std::chrono::milliseconds idle_timeout{60'000};
    // After a response that ends the connection, how long unread input is still drained so the
    // client reads the answer instead of a reset.
    std::chrono::milliseconds close_linger{2'000};
    // Open connections; further ones are accepted and closed at once.
    size_t max_connections = 1024;
    // Pipelined requests of one connection that may be answered while the client has not yet
    // taken the answers; at this many the server reads no further request from it, so TCP
    // holds the client back instead of server memory growing.
    size_t max_pipelined_requests = 16;
};

} // namespace ov2ha::http
