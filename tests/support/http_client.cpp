// Blocking HTTP for tests; see http_client.hpp.
#include "tests/support/http_client.hpp"

#include "core/base/hashing.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ov2ha::test {
namespace {

std::string lower(std::string text) {
    for (char& c : text) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return text;
}

void parse_reply(const std::string& raw, HttpReply& reply) {
    const size_t head_end = raw.find("\r\n\r\n");
    if (raw.compare(0, 5, "HTTP/") != 0 || head_end == std::string::npos) {
        return;
    }
    reply.status = std::atoi(raw.c_str() + raw.find(' ') + 1);
    size_t line = raw.find("\r\n") + 2;
    while (line < head_end) {
        const size_t end = raw.find("\r\n", line);
        const std::string field = raw.substr(line, end - line);
        const size_t colon = field.find(':');
        if (colon != std::string::npos) {
            std::string value = field.substr(colon + 1);
            value.erase(0, value.find_first_not_of(' '));
            reply.headers[lower(field.substr(0, colon))] = value;
        }
        line = end + 2;
    }
    reply.body = raw.substr(head_end + 4);
}

} // namespace

HttpReply http_call(int port, const std::string& method, const std::string& path,
                    const std::string& body, const std::vector<std::string>& headers,
                    std::chrono::milliseconds timeout) {
    HttpReply reply;
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        if (fd >= 0) {
            ::close(fd);
        }
        return reply;
    }
    std::string request = method + " " + path +
                          " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Connection: close\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n";
    for (const std::string& header : headers) {
        request += header + "\r\n";
    }
    request += "\r\n" + body;
    size_t sent = 0;
    while (sent < request.size()) {
        const ssize_t wrote =
            ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (wrote <= 0) {
            break; // the server may answer (413) before taking the whole body
        }
        sent += static_cast<size_t>(wrote);
    }
    std::string raw;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd wait{fd, POLLIN, 0};
        if (::poll(&wait, 1, 50) <= 0) {
            continue;
        }
        char buffer[65536];
        const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
        if (got <= 0) {
            break;
        }
        raw.append(buffer, static_cast<size_t>(got));
    }
    ::close(fd);
    parse_reply(raw, reply);
    return reply;
}

std::string basic_authorization(const std::string& user, const std::string& password) {
    return "Authorization: Basic " + base64(user + ":" + password);
}

} // namespace ov2ha::test
