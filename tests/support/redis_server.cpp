// redis-server for tests; see redis_server.hpp.
#include "tests/support/redis_server.hpp"

#include "tests/support/s3_server.hpp"

#include <arpa/inet.h>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace ov2ha::test {
namespace {

constexpr double k_start_timeout_seconds = 10;

int connect_loopback(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Reads until `complete` says the reply is whole, the peer closes or a second passes.
std::string read_reply(int fd) {
    std::string reply;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (std::chrono::steady_clock::now() < deadline) {
        const size_t line_end = reply.find("\r\n");
        if (line_end != std::string::npos) {
            if (reply[0] != '$') {
                return reply.substr(0, line_end);
            }
            const long length = std::stol(reply.substr(1, line_end - 1));
            if (length < 0) {
                return reply.substr(0, line_end);
            }
            if (reply.size() >= line_end + 2 + static_cast<size_t>(length)) {
                return reply.substr(line_end + 2, static_cast<size_t>(length));
            }
        }
        pollfd wait{fd, POLLIN, 0};
        if (::poll(&wait, 1, 100) <= 0) {
            continue;
        }
        char buffer[65536];
        const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
        if (got <= 0) {
            break;
        }
        reply.append(buffer, static_cast<size_t>(got));
    }
    return "";
}

} // namespace

RedisServer::RedisServer(int port, std::unique_ptr<TempDir> folder)
    : m_port(port), m_folder(std::move(folder)) {}

RedisServer::~RedisServer() = default;

std::unique_ptr<RedisServer> RedisServer::start(std::string& why_not, bool& missing) {
    missing = false;
    if (!have_program("redis-server")) {
        missing = true;
        why_not = "redis-server is not installed; `make setup` installs it";
        return nullptr;
    }
    std::unique_ptr<RedisServer> server(
        new RedisServer(free_loopback_port(), std::make_unique<TempDir>()));
    if (!server->launch(why_not)) {
        return nullptr;
    }
    return server;
}

bool RedisServer::launch(std::string& why_not) {
    const std::string logs = *m_folder / ("logs" + std::to_string(++m_launches));
    std::filesystem::create_directories(logs);
    m_process = std::make_unique<Background>(
        std::vector<std::string>{"redis-server", "--port", std::to_string(m_port), "--bind",
                                 "127.0.0.1", "--dir", m_folder->path(), "--appendonly", "yes",
                                 "--appendfsync", "always", "--save", "", "--protected-mode", "no",
                                 "--daemonize", "no"},
        std::map<std::string, std::string>{}, logs);
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::duration<double>(k_start_timeout_seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        if (command({"PING"}) == "+PONG") {
            return true;
        }
        if (const int exit_code = m_process->wait(0.02); exit_code != -2) {
            why_not = "redis-server exited with " + std::to_string(exit_code) + ": " +
                      m_process->stdout_text() + m_process->stderr_text();
            return false;
        }
    }
    why_not = "redis-server did not answer PING on 127.0.0.1:" + std::to_string(m_port) + ": " +
              m_process->stdout_text();
    return false;
}

std::string RedisServer::url() const {
    return "redis://127.0.0.1:" + std::to_string(m_port) + "/0";
}

void RedisServer::kill() {
    m_process.reset(); // SIGKILL and reap
}

bool RedisServer::restart(std::string& why_not) {
    m_process.reset();
    return launch(why_not);
}

void RedisServer::pause() {
    m_process->signal(SIGSTOP);
}

void RedisServer::resume() {
    m_process->signal(SIGCONT);
}

std::string RedisServer::command(const std::vector<std::string>& arguments) const {
    const int fd = connect_loopback(m_port);
    if (fd < 0) {
        return "";
    }
    std::string request = "*" + std::to_string(arguments.size()) + "\r\n";
    for (const std::string& argument : arguments) {
        request += "$" + std::to_string(argument.size()) + "\r\n" + argument + "\r\n";
    }
    std::string reply;
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(request.size())) {
        reply = read_reply(fd);
    }
    ::close(fd);
    return reply;
}

} // namespace ov2ha::test
