// A blocking HTTP/1.1 client for tests: one request per connection, every wait bounded.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace ov2ha::test {

struct HttpReply {
    int status = 0;                             // 0 when no answer came
    std::map<std::string, std::string> headers; // names in lower case
    std::string body;
};

// Sends `method path` to 127.0.0.1:`port` with `body` and the extra "Name: value" `headers`
// (Connection: close, Content-Length set), and reads the whole answer.
HttpReply http_call(int port, const std::string& method, const std::string& path,
                    const std::string& body = "", const std::vector<std::string>& headers = {},
                    std::chrono::milliseconds timeout = std::chrono::seconds(10));

// "Authorization: Basic <base64 of user:password>".
std::string basic_authorization(const std::string& user, const std::string& password);

} // namespace ov2ha::test
