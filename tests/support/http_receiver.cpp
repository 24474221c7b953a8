// The recording HTTP endpoint; see http_receiver.hpp.
#include "tests/support/http_receiver.hpp"

#include "core/base/loop.hpp"
#include "core/http/server.hpp"

#include <future>
#include <stdexcept>

namespace ov2ha::test {

struct HttpReceiver::Loop {
    uv_loop_t loop{};
    std::unique_ptr<LoopMailbox> mailbox;
    std::unique_ptr<http::Server> server;
};

std::string HttpReceiver::Received::header(const std::string& name) const {
    for (const auto& [field, value] : headers) {
        if (http::Headers::same_name(field, name)) {
            return value;
        }
    }
    return "";
}

HttpReceiver::HttpReceiver(std::vector<int> statuses)
    : m_statuses(std::move(statuses)), m_loop(std::make_unique<Loop>()) {
    std::promise<int> ready;
    auto port = ready.get_future();
    m_thread = std::thread([this, &ready] {
        Loop& state = *m_loop;
        if (uv_loop_init(&state.loop) != 0) {
            ready.set_value(-1);
            return;
        }
        state.mailbox = std::make_unique<LoopMailbox>(&state.loop);
        state.server = std::make_unique<http::Server>(&state.loop);
        const auto record = [this](http::Request request, http::Responder responder) {
            int status = 200;
            {
                std::lock_guard lock(m_mutex);
                const size_t index = m_received.size();
                if (!m_statuses.empty()) {
                    status = m_statuses[std::min(index, m_statuses.size() - 1)];
                }
                m_received.push_back(
                    {request.method, request.path, request.headers.fields(), request.body});
            }
            responder.send(http::Response::json(status, "{}"));
        };
        for (const char* method : {"POST", "PUT", "PATCH", "DELETE", "GET"}) {
            for (const char* pattern : {"/", "/{a}", "/{a}/{b}"}) {
                (void)state.server->add_route(method, pattern, http::Auth::none, record);
            }
        }
        auto listening = state.server->listen("127.0.0.1", 0);
        ready.set_value(listening ? state.server->port() : -1);
        if (listening) {
            uv_run(&state.loop, UV_RUN_DEFAULT);
        }
        state.server.reset();
        state.mailbox.reset();
        (void)shut_down_loop(&state.loop);
    });
    m_port = port.get();
    if (m_port <= 0) {
        m_thread.join();
        throw std::runtime_error("the test HTTP receiver did not start");
    }
}

HttpReceiver::~HttpReceiver() {
    m_loop->mailbox->post([this] {
        m_loop->server->shut_down(std::chrono::milliseconds(500),
                                  [this] { m_loop->mailbox->close(); });
    });
    m_thread.join();
}

std::string HttpReceiver::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(m_port) + path;
}

std::vector<HttpReceiver::Received> HttpReceiver::received() const {
    std::lock_guard lock(m_mutex);
    return m_received;
}

} // namespace ov2ha::test
