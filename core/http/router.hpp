// The route table: method + path pattern ("/api/sessions/{id}/heartbeat") to a
// route number, with {name} segments captured. Pure: no I/O, no handlers.
#pragma once

#include "core/base/result.hpp"

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ov2ha::http {

// The answer of Router::match().
struct RouteMatch {
    enum class Outcome {
        found,
        not_found,          // no pattern fits the path
        method_not_allowed, // a pattern fits, but not with this method
        bad_path,           // the path holds a broken %XX escape
    };

    Outcome outcome = Outcome::not_found;
    // The number add() returned, when found.
    size_t route = 0;
    // Decoded {name} values, when found.
    std::map<std::string, std::string> params;
    // Methods the path does accept, sorted, for the Allow header of a 405.
    std::vector<std::string> allowed_methods;
};

// Built at start-up, then only read; not thread-safe while routes are added.
class Router {
  public:
    // Adds a route and returns its number (0, 1, 2, … in order). A pattern starts with '/'; a
    // segment is either literal text or a whole "{name}" of letters, digits and '_'. Fails on a
    // malformed pattern, a repeated name, or a route that would match exactly the same requests
    // as one already added.
    Result<size_t> add(std::string_view method, std::string_view pattern);

    // Finds the route for `method` and `path` (as received, percent-encoded, no query). Segments
    // are split on '/' before decoding, so "%2F" stays inside its segment. Literal segments win
    // over {name} ones, leftmost first: "/api/sessions/all" beats "/api/sessions/{id}". HEAD
    // falls back to the GET route when no HEAD route fits.
    RouteMatch match(std::string_view method, std::string_view path) const;

    // The pattern of route `route`, as given to add().
    const std::string& pattern(size_t route) const { return m_routes.at(route).pattern; }

  private:
    struct Segment {
        std::string text; // the literal, or the parameter's name
        bool parameter = false;
    };
    struct Route {
        std::string method;
        std::string pattern;
        std::vector<Segment> segments;
    };

    static bool fits(const Route& route, const std::vector<std::string>& segments);
    static bool more_specific(const Route& a, const Route& b);
    const Route* best_for(std::string_view method, const std::vector<std::string>& segments) const;

    std::vector<Route> m_routes;
};

} // namespace ov2ha::http
