// One parsed HTTP request as a handler receives it, its case-insensitive
// header list, and the record of an answered request for logs and metrics.
#pragma once

#include "core/http/url.hpp"

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ov2ha::http {

// Header fields in arrival order; names are compared without regard to case.
class Headers {
  public:
    using Field = std::pair<std::string, std::string>;

    // Appends a field as received; repeats are kept.
    void add(std::string name, std::string value);
    // The first value given for `name`, or nullptr; valid until the list changes.
    const std::string* find(std::string_view name) const;
    // Every field, in arrival order.
    const std::vector<Field>& fields() const { return m_fields; }

    // ASCII case-insensitive equality, as header names and tokens compare.
    static bool same_name(std::string_view a, std::string_view b);
    // True for a non-empty RFC 9110 token, the only legal shape of a header name.
    static bool valid_name(std::string_view name);

  private:
    std::vector<Field> m_fields;
};

// A complete request; the handler it is given to owns it.
struct Request {
    // The X-Request-Id the client sent when it is a short plain token, else one the server made;
    // the response carries it back.
    std::string id;
    // "GET", "PUT", … as http-parser names them.
    std::string method;
    // As received, still percent-encoded, without the query.
    std::string path;
    // The {name} segments of the matched route pattern, percent-decoded.
    std::map<std::string, std::string> params;
    // The query string's parameters, decoded.
    QueryMap query;
    // Header fields as received (trailers of a chunked body are not kept).
    Headers headers;
    // De-chunked when the client sent chunks.
    std::string body;
    // "127.0.0.1:41234" or "[::1]:41234".
    std::string remote_address;
};

// What the log line and the metrics hook learn about one answered request.
// The views are valid only during the call that receives the record.
struct RequestRecord {
    // Request id, method and path, "-" for what a refused request never got to say.
    std::string_view id;
    std::string_view method;
    std::string_view path;
    // The matched route pattern ("/api/sessions/{id}"); empty when no route matched.
    std::string_view route;
    // The status sent.
    int status = 0;
    // From the first byte of the request to its response being queued.
    double milliseconds = 0;
};

// Called on the loop thread each time a response has been queued.
using RequestObserver = std::function<void(const RequestRecord&)>;

} // namespace ov2ha::http
