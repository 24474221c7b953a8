// HTTP Basic authentication (RFC 7617): reading the Authorization header and
// checking it against the one configured user without leaking through timing. Pure.
#pragma once

#include "core/http/response.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ov2ha::http {

struct BasicCredentials {
    std::string user;
    std::string password;
};

// Decodes an Authorization value "Basic <base64 of user:password>" (scheme in any case, padding
// optional). The password may hold ':'; the user may not. nullopt for anything else.
std::optional<BasicCredentials> parse_basic_authorization(std::string_view value);

// Compares every byte whatever the outcome: the time taken depends on the two lengths only,
// never on where the texts differ.
bool constant_time_equal(std::string_view given, std::string_view expected);

// The credentials a server accepts. Immutable; safe to share between threads.
class BasicAuth {
  public:
    BasicAuth(std::string user, std::string password);

    // True when `authorization` (the header's value, empty when absent) carries this user and
    // password. User and password are both compared in full, whatever the other's outcome.
    bool allows(std::string_view authorization) const;

    // The 401 answer: a JSON error with WWW-Authenticate: Basic realm="ov2ha".
    static Response challenge();

  private:
    std::string m_user;
    std::string m_password;
};

} // namespace ov2ha::http
