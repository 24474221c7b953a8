// Network addresses as settings spell them: HOST:PORT to listen on, the Redis URL
// (redis://HOST:PORT/DB) and HTTP(S) URLs. Pure parsing plus the matching validators.
#pragma once

#include "core/base/validators.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ov2ha {

struct HostPort {
    std::string host; // an IPv4 or IPv6 address, without brackets
    int port = 0;     // 0 to 65535; 0 takes a free port
};

// Parses "0.0.0.0:8080", "127.0.0.1:0" or "[::1]:8080"; the host must be a numeric address.
std::optional<HostPort> parse_host_port(std::string_view text);

struct RedisAddress {
    std::string host; // name or address, without brackets
    int port = 6379;
    int database = 0;

    // "127.0.0.1:6379/0", for logs (carries no secret).
    std::string describe() const;
};

// Parses "redis://HOST[:PORT][/DB]" (port 1 to 65535, default 6379; database 0 to 15, default
// 0). Credentials in the URL are refused so that no secret travels in a URL; the password has
// its own setting.
Result<RedisAddress> parse_redis_url(std::string_view text);

// True for "http://…" or "https://…" with a non-empty host part.
bool is_http_url(std::string_view text);

Validator host_port_text();
Validator redis_url_text();
Validator http_url_text();

} // namespace ov2ha
