// Route table and matching; see router.hpp.
#include "core/http/router.hpp"

#include "core/http/url.hpp"

#include <algorithm>
#include <optional>
#include <set>

namespace ov2ha::http {
namespace {

// "/a/b" -> {"a", "b"}; "/" -> {""}; "/a/" -> {"a", ""}. `text` starts with '/'.
std::vector<std::string_view> split_segments(std::string_view text) {
    std::vector<std::string_view> segments;
    text.remove_prefix(1);
    while (true) {
        const size_t slash = text.find('/');
        segments.push_back(text.substr(0, slash));
        if (slash == std::string_view::npos) {
            return segments;
        }
        text.remove_prefix(slash + 1);
    }
}

bool valid_parameter_name(std::string_view name) {
    if (name.empty()) {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_';
    });
}

bool valid_method(std::string_view method) {
    return !method.empty() &&
           std::all_of(method.begin(), method.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

std::optional<std::vector<std::string>> decode_segments(std::string_view path) {
    if (path.empty() || path.front() != '/') {
        return std::nullopt;
    }
    std::vector<std::string> decoded;
    for (std::string_view segment : split_segments(path)) {
        auto text = percent_decode(segment, false);
        if (!text) {
            return std::nullopt;
        }
        decoded.push_back(std::move(*text));
    }
    return decoded;
}

} // namespace

Result<size_t> Router::add(std::string_view method, std::string_view pattern) {
    const std::string where = std::string(method) + " " + std::string(pattern);
    if (!valid_method(method)) {
        return failure("bad route " + where + ": the method must be upper-case letters");
    }
    if (pattern.empty() || pattern.front() != '/') {
        return failure("bad route " + where + ": the pattern must start with '/'");
    }
    Route route{std::string(method), std::string(pattern), {}};
    std::set<std::string_view> names;
    for (std::string_view text : split_segments(pattern)) {
        const bool opens = text.find('{') != std::string_view::npos;
        const bool closes = text.find('}') != std::string_view::npos;
        if (!opens && !closes) {
            route.segments.push_back({std::string(text), false});
            continue;
        }
        const std::string_view name = text.size() >= 2 ? text.substr(1, text.size() - 2) : "";
        if (text.front() != '{' || text.back() != '}' || !valid_parameter_name(name)) {
            return failure("bad route " + where + ": segment \"" + std::string(text) +
                           "\" must be literal text or a whole {name}");
        }
        if (!names.insert(name).second) {
            return failure("bad route " + where + ": {" + std::string(name) + "} appears twice");
        }
        route.segments.push_back({std::string(name), true});
    }
    for (const Route& existing : m_routes) {
        const bool same_shape =
            existing.method == route.method &&
            std::equal(existing.segments.begin(), existing.segments.end(), route.segments.begin(),
                       route.segments.end(), [](const Segment& a, const Segment& b) {
                           return a.parameter == b.parameter && (a.parameter || a.text == b.text);
                       });
        if (same_shape) {
            return failure("bad route " + where + ": it matches the same requests as " +
                           existing.method + " " + existing.pattern);
        }
    }
    m_routes.push_back(std::move(route));
    return m_routes.size() - 1;
}

bool Router::fits(const Route& route, const std::vector<std::string>& segments) {
    if (route.segments.size() != segments.size()) {
        return false;
    }
    for (size_t i = 0; i < segments.size(); ++i) {
        const Segment& expected = route.segments[i];
        if (expected.parameter ? segments[i].empty() : expected.text != segments[i]) {
            return false;
        }
    }
    return true;
}

bool Router::more_specific(const Route& a, const Route& b) {
    for (size_t i = 0; i < a.segments.size() && i < b.segments.size(); ++i) {
        if (a.segments[i].parameter != b.segments[i].parameter) {
            return !a.segments[i].parameter;
        }
    }
    return false;
}

const Router::Route* Router::best_for(std::string_view method,
                                      const std::vector<std::string>& segments) const {
    const Route* best = nullptr;
    for (const Route& route : m_routes) {
        if (route.method == method && fits(route, segments) &&
            (!best || more_specific(route, *best))) {
            best = &route;
        }
    }
    return best;
}

RouteMatch Router::match(std::string_view method, std::string_view path) const {
    RouteMatch result;
    const auto segments = decode_segments(path);
    if (!segments) {
        result.outcome = RouteMatch::Outcome::bad_path;
        return result;
    }
    const Route* best = best_for(method, *segments);
    if (!best && method == "HEAD") {
        best = best_for("GET", *segments);
    }
    if (best) {
        result.outcome = RouteMatch::Outcome::found;
        result.route = static_cast<size_t>(best - m_routes.data());
        for (size_t i = 0; i < segments->size(); ++i) {
            if (best->segments[i].parameter) {
                result.params[best->segments[i].text] = (*segments)[i];
            }
        }
        return result;
    }
    std::set<std::string> allowed;
    for (const Route& route : m_routes) {
        if (fits(route, *segments)) {
            allowed.insert(route.method);
        }
    }
    result.outcome =
        allowed.empty() ? RouteMatch::Outcome::not_found : RouteMatch::Outcome::method_not_allowed;
    result.allowed_methods.assign(allowed.begin(), allowed.end());
    return result;
}

} // namespace ov2ha::http
