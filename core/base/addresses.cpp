// Address parsing; see addresses.hpp.
#include "core/base/addresses.hpp"

#include <arpa/inet.h>

namespace ov2ha {
namespace {

std::optional<int> parse_port(std::string_view text, int low) {
    const auto number = parse_integer(text);
    if (!number || *number < low || *number > 65535 || text.front() == '+') {
        return std::nullopt;
    }
    return static_cast<int>(*number);
}

bool numeric_address(const std::string& host) {
    unsigned char buffer[sizeof(in6_addr)];
    return inet_pton(AF_INET, host.c_str(), buffer) == 1 ||
           inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

// Splits "host:port" or "[v6]:port"; the host comes back without brackets.
std::optional<std::pair<std::string, std::string_view>> split_host_port(std::string_view text) {
    if (!text.empty() && text.front() == '[') {
        const size_t close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
            return std::nullopt;
        }
        return std::make_pair(std::string(text.substr(1, close - 1)), text.substr(close + 2));
    }
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || text.find(':') != colon) {
        return std::nullopt;
    }
    return std::make_pair(std::string(text.substr(0, colon)), text.substr(colon + 1));
}

} // namespace

std::optional<HostPort> parse_host_port(std::string_view text) {
    const auto parts = split_host_port(text);
    if (!parts || parts->first.empty() || parts->second.empty()) {
        return std::nullopt;
    }
    const auto port = parse_port(parts->second, 0);
    if (!port || !numeric_address(parts->first)) {
        return std::nullopt;
    }
    return HostPort{parts->first, *port};
}

std::string RedisAddress::describe() const {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + "/" +
           std::to_string(database);
}

Result<RedisAddress> parse_redis_url(std::string_view text) {
    constexpr std::string_view scheme = "redis://";
    if (text.substr(0, scheme.size()) != scheme) {
        return failure("expected redis://HOST[:PORT][/DB], like redis://127.0.0.1:6379/0");
    }
    std::string_view rest = text.substr(scheme.size());
    if (rest.find('@') != std::string_view::npos) {
        return failure("credentials do not belong in the Redis URL; set the password with "
                       "OV2HA_REDIS_PASSWORD (redis.password)");
    }
    RedisAddress address;
    if (const size_t slash = rest.find('/'); slash != std::string_view::npos) {
        const std::string_view database = rest.substr(slash + 1);
        const auto number = parse_integer(database);
        if (!database.empty() && (!number || *number < 0 || *number > 15)) {
            return failure("the Redis database after '/' must be a number from 0 to 15");
        }
        address.database = number ? static_cast<int>(*number) : 0;
        rest = rest.substr(0, slash);
    }
    if (rest.empty()) {
        return failure("the Redis URL has no host; expected redis://HOST[:PORT][/DB]");
    }
    const bool bracketed = rest.front() == '[';
    const bool has_port = bracketed ? rest.find("]:") != std::string_view::npos
                                    : rest.find(':') != std::string_view::npos;
    if (!has_port) {
        address.host = std::string(bracketed ? rest.substr(1, rest.size() - 2) : rest);
    } else {
        const auto parts = split_host_port(rest);
        const auto port = parts ? parse_port(parts->second, 1) : std::nullopt;
        if (!parts || parts->first.empty() || !port) {
            return failure("the Redis port must be a number from 1 to 65535");
        }
        address.host = parts->first;
        address.port = *port;
    }
    if (address.host.empty()) {
        return failure("the Redis URL has no host; expected redis://HOST[:PORT][/DB]");
    }
    return address;
}

bool is_http_url(std::string_view text) {
    for (std::string_view scheme : {"http://", "https://"}) {
        if (text.substr(0, scheme.size()) == scheme) {
            const std::string_view rest = text.substr(scheme.size());
            return !rest.empty() && rest.front() != '/' && rest.find(' ') == std::string_view::npos;
        }
    }
    return false;
}

Validator host_port_text() {
    return [](std::string_view value) -> Status {
        if (!parse_host_port(value)) {
            return failure("expected ADDRESS:PORT with a numeric address, like 0.0.0.0:8080 or "
                           "[::1]:8080");
        }
        return success();
    };
}

Validator redis_url_text() {
    return [](std::string_view value) -> Status {
        if (auto parsed = parse_redis_url(value); !parsed) {
            return parsed.error();
        }
        return success();
    };
}

Validator http_url_text() {
    return [](std::string_view value) -> Status {
        if (!is_http_url(value)) {
            return failure("expected an http:// or https:// URL");
        }
        return success();
    };
}

} // namespace ov2ha
