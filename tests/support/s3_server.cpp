// s3rver for tests; see s3_server.hpp.
#include "tests/support/s3_server.hpp"

#include <arpa/inet.h>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace ov2ha::test {
namespace {

constexpr double k_start_timeout_seconds = 20;

sockaddr_in loopback(int port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

bool port_answers(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    const sockaddr_in address = loopback(port);
    const bool connected =
        ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return connected;
}

} // namespace

std::string s3rver_script() {
    if (const char* configured = std::getenv("OV2HA_S3RVER"); configured && *configured) {
        return configured;
    }
    return std::string(OV2HA_SOURCE_DIR) + "/node_modules/s3rver/bin/s3rver.js";
}

int free_loopback_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        throw std::runtime_error("cannot create a socket to find a free port");
    }
    sockaddr_in address = loopback(0);
    socklen_t length = sizeof address;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot bind a loopback socket to find a free port");
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

S3Server::S3Server(int port, std::unique_ptr<TempDir> folder)
    : m_port(port), m_folder(std::move(folder)) {}

S3Server::~S3Server() = default;

std::unique_ptr<S3Server> S3Server::start(std::string& why_not, bool& missing) {
    missing = false;
    if (!have_program("node")) {
        missing = true;
        why_not = "node is not installed; `make setup` installs it";
        return nullptr;
    }
    const std::string script = s3rver_script();
    if (!std::filesystem::exists(script)) {
        missing = true;
        why_not = "s3rver is not installed (no " + script +
                  "); `make setup` installs it with `npm install --no-save s3rver@3`";
        return nullptr;
    }
    auto folder = std::make_unique<TempDir>();
    std::filesystem::create_directories(*folder / "data");
    std::filesystem::create_directories(*folder / "logs");
    std::unique_ptr<S3Server> server(new S3Server(free_loopback_port(), std::move(folder)));
    if (!server->launch(why_not)) {
        return nullptr;
    }
    return server;
}

bool S3Server::launch(std::string& why_not) {
    // Node 20's OpenSSL 3 needs the legacy provider for s3rver's continuation tokens;
    // without it ListObjectsV2 answers 500.
    m_process = std::make_unique<Background>(
        std::vector<std::string>{"node", "--openssl-legacy-provider", s3rver_script(), "--address",
                                 "127.0.0.1", "--port", std::to_string(m_port), "--directory",
                                 *m_folder / "data", "--silent"},
        std::map<std::string, std::string>{}, *m_folder / "logs");
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::duration<double>(k_start_timeout_seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        if (port_answers(m_port)) {
            return true;
        }
        if (const int exit_code = m_process->wait(0.05); exit_code != -2) {
            why_not =
                "s3rver exited with " + std::to_string(exit_code) + ": " + m_process->stderr_text();
            return false;
        }
    }
    why_not = "s3rver did not answer on 127.0.0.1:" + std::to_string(m_port) + " within " +
              std::to_string(static_cast<int>(k_start_timeout_seconds)) +
              " s: " + m_process->stderr_text();
    return false;
}

void S3Server::stop() {
    m_process.reset(); // SIGKILL and reap
}

bool S3Server::restart(std::string& why_not) {
    stop();
    return launch(why_not);
}

std::map<std::string, std::string> S3Server::environment() const {
    return {{"HA_AWS_S3_SERVICE_ENDPOINT", endpoint()},
            {"HA_AWS_ACCESS_KEY", k_access_key},
            {"HA_AWS_SECRET_KEY", k_secret_key}};
}

std::string S3Server::endpoint() const {
    return "http://127.0.0.1:" + std::to_string(m_port);
}

s3::S3Settings S3Server::settings(const std::string& bucket) const {
    s3::S3Settings settings;
    settings.endpoint = endpoint();
    settings.region = "us-east-1";
    settings.bucket = bucket;
    settings.access_key = k_access_key;
    settings.secret_key = k_secret_key;
    settings.path_style = true;
    settings.retries = {3, std::chrono::milliseconds(10), std::chrono::milliseconds(100)};
    settings.timeouts.connect = std::chrono::seconds(5);
    return settings;
}

} // namespace ov2ha::test
