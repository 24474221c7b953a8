// Endpoint parsing and path-style / virtual-hosted addresses; see addressing.hpp.
#include "core/s3/addressing.hpp"

#include "core/s3/ascii.hpp"
#include "core/s3/uri_encoding.hpp"

#include <algorithm>
#include <charconv>

namespace ov2ha::s3 {
namespace {

constexpr std::uint16_t k_http_port = 80;
constexpr std::uint16_t k_https_port = 443;

bool is_lower_alnum(char c) {
    return (c >= 'a' && c <= 'z') || is_ascii_digit(c);
}

std::uint16_t default_port(std::string_view scheme) {
    return scheme == "http" ? k_http_port : k_https_port;
}

Result<std::uint16_t> parse_port(std::string_view text, std::string_view url) {
    unsigned value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || text.size() > 5 || error != std::errc() ||
        end != text.data() + text.size() || value < 1 || value > 65535) {
        return failure("endpoint URL \"" + std::string(url) + "\" has a bad port \"" +
                       std::string(text) + "\"");
    }
    return static_cast<std::uint16_t>(value);
}

// A region names a host, so only DNS characters are allowed in it.
Status check_region(std::string_view region) {
    if (region.empty() || !std::all_of(region.begin(), region.end(),
                                       [](char c) { return is_lower_alnum(c) || c == '-'; })) {
        return failure("region \"" + std::string(region) +
                       "\" must be non-empty lower-case letters, digits and '-'");
    }
    return success();
}

Result<Endpoint> aws_endpoint(std::string_view region) {
    if (auto checked = check_region(region); !checked) {
        return checked.error();
    }
    const std::string domain =
        region.substr(0, 3) == "cn-" ? ".amazonaws.com.cn" : ".amazonaws.com";
    return Endpoint{"https", "s3." + std::string(region) + domain, k_https_port};
}

// Splits "host[:port]" or "[v6]:port" from an authority that holds no '@', '/', '?' or '#'.
Result<Endpoint> parse_authority(std::string scheme, std::string_view authority,
                                 std::string_view url) {
    Endpoint endpoint{std::move(scheme), "", 0};
    std::string_view host = authority;
    std::string_view port;
    if (!authority.empty() && authority.front() == '[') {
        const size_t close = authority.find(']');
        if (close == std::string_view::npos) {
            return failure("endpoint URL \"" + std::string(url) + "\" has an unclosed '['");
        }
        host = authority.substr(0, close + 1);
        const std::string_view rest = authority.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') {
            return failure("endpoint URL \"" + std::string(url) + "\" has text after ']'");
        }
        port = rest.empty() ? rest : rest.substr(1);
        if (port.empty() && !rest.empty()) {
            return failure("endpoint URL \"" + std::string(url) + "\" has an empty port");
        }
        const std::string_view inside = host.substr(1, host.size() - 2);
        if (inside.empty() || !std::all_of(inside.begin(), inside.end(), [](char c) {
                return is_ascii_hex_digit(c) || c == ':' || c == '.';
            })) {
            return failure("endpoint URL \"" + std::string(url) + "\" has a bad IPv6 address");
        }
    } else {
        const size_t colon = authority.find(':');
        if (colon != std::string_view::npos) {
            host = authority.substr(0, colon);
            port = authority.substr(colon + 1);
            if (port.empty()) {
                return failure("endpoint URL \"" + std::string(url) + "\" has an empty port");
            }
        }
        if (host.empty() || !std::all_of(host.begin(), host.end(), [](char c) {
                return is_ascii_alnum(c) || c == '-' || c == '.';
            })) {
            return failure("endpoint URL \"" + std::string(url) +
                           "\" needs a host name of letters, digits, '-' and '.'");
        }
    }
    endpoint.host = ascii_lower(host);
    endpoint.port = default_port(endpoint.scheme);
    if (!port.empty()) {
        auto parsed = parse_port(port, url);
        if (!parsed) {
            return parsed.error();
        }
        endpoint.port = *parsed;
    }
    return endpoint;
}

bool is_ip_address(std::string_view host) {
    return host.front() == '[' || std::all_of(host.begin(), host.end(),
                                              [](char c) { return is_ascii_digit(c) || c == '.'; });
}

// A bucket name that can stand in a host name: S3's rules for new buckets.
bool is_dns_bucket(std::string_view bucket) {
    return bucket.size() >= 3 && bucket.size() <= 63 && is_lower_alnum(bucket.front()) &&
           is_lower_alnum(bucket.back()) && bucket.find("..") == std::string_view::npos &&
           !is_ip_address(bucket) && std::all_of(bucket.begin(), bucket.end(), [](char c) {
               return is_lower_alnum(c) || c == '-' || c == '.';
           });
}

// Any bucket name S3 ever accepted (legacy us-east-1 names included) in a path.
Status check_bucket(std::string_view bucket) {
    if (bucket.empty() || bucket.size() > 255 ||
        !std::all_of(bucket.begin(), bucket.end(), [](char c) {
            return is_ascii_alnum(c) || c == '-' || c == '.' || c == '_';
        })) {
        return failure("bucket name \"" + std::string(bucket) +
                       "\" must be 1 to 255 letters, digits, '-', '.' and '_'");
    }
    return success();
}

} // namespace

Result<Endpoint> parse_endpoint(std::string_view endpoint_url, std::string_view region) {
    if (endpoint_url.empty()) {
        return aws_endpoint(region);
    }
    const size_t separator = endpoint_url.find("://");
    if (separator == std::string_view::npos) {
        return failure("endpoint URL \"" + std::string(endpoint_url) +
                       "\" must start with http:// or https://");
    }
    std::string scheme = ascii_lower(endpoint_url.substr(0, separator));
    if (scheme != "http" && scheme != "https") {
        return failure("endpoint URL \"" + std::string(endpoint_url) +
                       "\" must start with http:// or https://");
    }
    const std::string_view rest = endpoint_url.substr(separator + 3);
    const size_t authority_end = rest.find_first_of("/?#");
    const std::string_view authority = rest.substr(0, authority_end);
    const std::string_view after =
        authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
    if (!after.empty() && after != "/") {
        return failure("endpoint URL \"" + std::string(endpoint_url) +
                       "\" must not have a path, query or fragment");
    }
    if (authority.find('@') != std::string_view::npos) {
        return failure("endpoint URL \"" + std::string(endpoint_url) +
                       "\" must not hold a user name or password");
    }
    return parse_authority(std::move(scheme), authority, endpoint_url);
}

bool is_aws_endpoint(std::string_view endpoint_url) {
    if (endpoint_url.empty()) {
        return true;
    }
    const auto endpoint = parse_endpoint(endpoint_url, "");
    return endpoint && (endpoint->host.ends_with(".amazonaws.com") ||
                        endpoint->host.ends_with(".amazonaws.com.cn"));
}

bool default_path_style(std::string_view endpoint_url, std::string_view bucket) {
    return !is_aws_endpoint(endpoint_url) || !is_dns_bucket(bucket) ||
           bucket.find('.') != std::string_view::npos;
}

Result<ObjectAddress> address_object(const BucketLocation& location, std::string_view key) {
    auto endpoint = parse_endpoint(location.endpoint, location.region);
    if (!endpoint) {
        return endpoint.error();
    }
    if (auto checked = check_bucket(location.bucket); !checked) {
        return checked.error();
    }
    ObjectAddress address;
    address.scheme = endpoint->scheme;
    address.host = endpoint->host;
    if (location.path_style) {
        address.path = "/" + location.bucket;
        if (!key.empty()) {
            address.path += "/";
            address.path += key;
        }
    } else {
        if (is_ip_address(endpoint->host)) {
            return failure("virtual-hosted addressing needs a host name, and endpoint host " +
                           endpoint->host + " is an IP address; use path-style");
        }
        if (!is_dns_bucket(location.bucket)) {
            return failure("bucket name \"" + location.bucket +
                           "\" is not a DNS name, so it cannot be virtual-hosted; use "
                           "path-style");
        }
        address.host = location.bucket + "." + address.host;
        address.path = "/" + std::string(key);
    }
    if (endpoint->port != default_port(endpoint->scheme)) {
        address.host += ":" + std::to_string(endpoint->port);
    }
    address.url = address.scheme + "://" + address.host + uri_encode_path(address.path);
    return address;
}

} // namespace ov2ha::s3
