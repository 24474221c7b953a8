// Scripted HTTP peer; see scripted_http_peer.hpp.
#include "tests/support/scripted_http_peer.hpp"

#include <arpa/inet.h>
#include <cstdlib>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace ov2ha::test {
namespace {

constexpr int k_poll_ms = 20;

// Waits until `fd` is readable or the peer stops; false when stopping.
bool wait_readable(int fd, const std::atomic<bool>& stop) {
    while (!stop) {
        pollfd waiting{fd, POLLIN, 0};
        if (::poll(&waiting, 1, k_poll_ms) > 0) {
            return true;
        }
    }
    return false;
}

size_t content_length(const std::string& head) {
    for (const char* name : {"\r\nContent-Length:", "\r\ncontent-length:"}) {
        if (const size_t at = head.find(name); at != std::string::npos) {
            return std::strtoull(head.c_str() + at + std::string(name).size(), nullptr, 10);
        }
    }
    return 0;
}

// Reads one request (head, then Content-Length bytes of body); empty when cut short.
std::string read_request(int fd, const std::atomic<bool>& stop) {
    std::string request;
    char buffer[65536];
    size_t wanted = std::string::npos;
    while (request.size() < wanted) {
        if (!wait_readable(fd, stop)) {
            return request;
        }
        const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
        if (got <= 0) {
            return request;
        }
        request.append(buffer, static_cast<size_t>(got));
        if (const size_t end = request.find("\r\n\r\n");
            wanted == std::string::npos && end != std::string::npos) {
            wanted = end + 4 + content_length(request.substr(0, end + 2));
        }
    }
    return request;
}

} // namespace

std::string http_answer(int status, const std::string& reason, const std::string& body,
                        const std::vector<std::string>& headers) {
    std::string answer = "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\n";
    for (const std::string& header : headers) {
        answer += header + "\r\n";
    }
    answer += "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
    return answer + body;
}

ScriptedHttpPeer::ScriptedHttpPeer(std::vector<std::string> answers)
    : m_answers(std::move(answers)) {
    m_listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (m_listener < 0 || ::bind(m_listener, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(m_listener, 16) != 0 ||
        ::getsockname(m_listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        throw std::runtime_error("cannot listen on a loopback port");
    }
    m_port = ntohs(address.sin_port);
    m_thread = std::thread([this] { serve(); });
}

ScriptedHttpPeer::~ScriptedHttpPeer() {
    m_stop = true;
    m_thread.join();
    ::close(m_listener);
}

std::string ScriptedHttpPeer::endpoint() const {
    return "http://127.0.0.1:" + std::to_string(m_port);
}

std::vector<std::string> ScriptedHttpPeer::requests() const {
    std::lock_guard lock(m_mutex);
    return m_requests;
}

void ScriptedHttpPeer::serve() {
    for (size_t next = 0; wait_readable(m_listener, m_stop); ++next) {
        const int connection = ::accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (connection < 0) {
            continue;
        }
        if (next < m_answers.size()) {
            std::string request = read_request(connection, m_stop);
            {
                std::lock_guard lock(m_mutex);
                m_requests.push_back(std::move(request));
            }
            const std::string& answer = m_answers[next];
            if (answer.empty()) {
                while (!m_stop) {
                    ::usleep(k_poll_ms * 1000);
                }
            } else {
                size_t sent = 0;
                while (sent < answer.size()) {
                    const ssize_t n = ::send(connection, answer.data() + sent, answer.size() - sent,
                                             MSG_NOSIGNAL);
                    if (n <= 0) {
                        break;
                    }
                    sent += static_cast<size_t>(n);
                }
            }
        }
        ::close(connection);
    }
}

} // namespace ov2ha::test
