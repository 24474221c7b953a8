// Request-target helpers: percent-decoding (RFC 3986) and query strings
// (application/x-www-form-urlencoded). Pure.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ov2ha::http {

// Query parameters by name, decoded.
using QueryMap = std::map<std::string, std::string>;

// Decodes %XX escapes; with `plus_is_space`, '+' becomes ' ' as in query strings.
// nullopt when an escape is cut short or is not hexadecimal.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// Splits "a=1&b=x%20y" into decoded pairs. A name without '=' maps to "", a repeated name keeps
// its last value, empty pieces ("a=1&&b=2") are skipped. nullopt on a bad escape.
std::optional<QueryMap> parse_query(std::string_view query);

} // namespace ov2ha::http
