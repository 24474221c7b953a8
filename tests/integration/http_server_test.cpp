// The HTTP server in-process on its own loop thread, driven by raw blocking
// TCP clients: keep-alive, pipelining, bodies, limits, timeouts, the
// connection cap, routing, late answers and graceful shutdown.
#include "core/base/loop.hpp"
#include "core/http/server.hpp"
#include "tests/support/process.hpp"

#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <csignal>
#include <future>
#include <gtest/gtest.h>
#include <map>
#include <netinet/in.h>
#include <optional>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace ov2ha::http {
namespace {

using namespace std::chrono_literals;
using test::eventually;
using Clock = std::chrono::steady_clock;

// Runs `function` on the loop thread after `delay`; the timer frees itself in its close callback.
void after(uv_loop_t* loop, std::chrono::milliseconds delay, std::function<void()> function) {
    struct Pending {
        uv_timer_t timer{};
        std::function<void()> function;
    };
    auto* pending = new Pending{{}, std::move(function)};
    uv_timer_init(loop, &pending->timer);
    pending->timer.data = pending;
    uv_timer_start(
        &pending->timer,
        [](uv_timer_t* timer) {
            static_cast<Pending*>(timer->data)->function();
            uv_close(reinterpret_cast<uv_handle_t*>(timer),
                     [](uv_handle_t* handle) { delete static_cast<Pending*>(handle->data); });
        },
        static_cast<uint64_t>(delay.count()), 0);
}

// What the routes share with the test thread. Plain members belong to the loop thread.
struct TestState {
    std::atomic<int> late_answer_sent{-1}; // -1 not yet, 0 dropped, 1 queued
    std::atomic<bool> late_client_waiting{false};
    std::atomic<bool> delayed_started{false};
    std::atomic<int> parked_count{0};
    std::vector<Responder> parked;
    std::vector<std::pair<std::string, int>> observed; // route, status
    std::vector<std::string> events;                   // "start 1", "answer 1", …
};

void add_routes(Server& server, uv_loop_t* loop, TestState& state) {
    auto add = [&server](std::string_view method, std::string_view pattern, Auth auth,
                         Handler handler) {
        auto added = server.add_route(method, pattern, auth, std::move(handler));
        if (!added) {
            throw std::runtime_error(added.message());
        }
    };
    add("GET", "/ping", Auth::none, [](Request, Responder responder) {
        responder.send(Response::json(200, R"({"pong":true})"));
    });
    add("POST", "/echo", Auth::none, [](Request request, Responder responder) {
        Response response;
        response.headers.emplace_back("Content-Type", "application/octet-stream");
        response.body = std::move(request.body);
        responder.send(std::move(response));
    });
    add("GET", "/items/{id}", Auth::none, [&state](Request request, Responder responder) {
        const std::string& id = request.params["id"];
        state.events.push_back("start " + id);
        state.events.push_back("answer " + id);
        responder.send(Response::json(200, "{\"id\":\"" + id + "\"}"));
    });
    add("GET", "/query", Auth::none, [](Request request, Responder responder) {
        Response response;
        response.body = request.query["a"];
        responder.send(std::move(response));
    });
    add("GET", "/slow/{id}", Auth::none, [loop, &state](Request request, Responder responder) {
        state.events.push_back("start " + request.params["id"]);
        after(loop, 100ms, [responder, &state, id = request.params["id"]] {
            state.events.push_back("answer " + id);
            responder.send(Response::json(200, "{\"id\":\"" + id + "\"}"));
        });
    });
    add("GET", "/delayed", Auth::none, [loop, &state](Request, Responder responder) {
        state.delayed_started = true;
        after(loop, 300ms, [responder] { responder.send(Response::json(200, "{}")); });
    });
    add("GET", "/late", Auth::none, [loop, &state](Request, Responder responder) {
        after(loop, 300ms, [responder, &state] {
            state.late_client_waiting = responder.waiting();
            state.late_answer_sent = responder.send(Response::json(200, "{}")) ? 1 : 0;
        });
    });
    add("GET", "/park", Auth::none, [&state](Request, Responder responder) {
        state.parked.push_back(responder);
        ++state.parked_count;
    });
    add("GET", "/private", Auth::basic, [](Request, Responder responder) {
        responder.send(Response::json(200, R"({"secret":true})"));
    });
    add("GET", "/throw", Auth::none,
        [](Request, Responder) { throw std::runtime_error("handler bug"); });
    add("GET", "/forget", Auth::none, [](Request, Responder) {});
    server.set_basic_auth(BasicAuth("admin", "pw"));
    server.set_observer([&state](const RequestRecord& record) {
        state.observed.emplace_back(std::string(record.route), record.status);
    });
}

// A Server on its own loop and thread, listening on a free loopback port.
class ServerThread {
  public:
    explicit ServerThread(ServerLimits limits = {}) {
        std::promise<int> port;
        auto ready = port.get_future();
        m_thread = std::thread([this, limits, &port] { run(limits, port); });
        m_port = ready.get();
        if (m_port <= 0) {
            m_thread.join();
            throw std::runtime_error("the server did not start");
        }
    }
    ~ServerThread() {
        const Status closed = stop();
        EXPECT_TRUE(closed) << closed.message();
    }

    int port() const { return m_port; }
    TestState& state() { return m_state; }

    // Runs `function` on the loop thread and returns its result.
    template <class Function> auto call(Function function) {
        std::packaged_task<decltype(function())()> task(std::move(function));
        auto result = task.get_future();
        m_mailbox->post([&task] { task(); });
        return result.get();
    }

    size_t connection_count() {
        return call([this] { return m_server->connection_count(); });
    }

    // Starts a graceful shutdown; the future is ready once the server's `done` ran.
    std::future<void> shut_down(std::chrono::milliseconds bound) {
        auto done = std::make_shared<std::promise<void>>();
        auto finished = done->get_future();
        m_mailbox->post([this, bound, done] {
            m_shut_down = true;
            m_server->shut_down(bound, [done] { done->set_value(); });
        });
        return finished;
    }

    // Shuts down (if no test did), ends the loop thread and returns how the loop closed.
    Status stop() {
        if (!m_thread.joinable()) {
            return m_closed;
        }
        m_mailbox->post([this] {
            if (m_shut_down) {
                m_mailbox->close();
                return;
            }
            m_shut_down = true;
            m_server->shut_down(1s, [this] { m_mailbox->close(); });
        });
        m_thread.join();
        return m_closed;
    }

  private:
    void run(ServerLimits limits, std::promise<int>& port) {
        uv_loop_t loop;
        if (uv_loop_init(&loop) != 0) {
            port.set_value(-1);
            return;
        }
        {
            LoopMailbox mailbox(&loop);
            Server server(&loop, limits);
            m_mailbox = &mailbox;
            m_server = &server;
            add_routes(server, &loop, m_state);
            auto listening = server.listen("127.0.0.1", 0);
            port.set_value(listening ? server.port() : -1);
            if (listening) {
                uv_run(&loop, UV_RUN_DEFAULT);
            }
        }
        m_closed = shut_down_loop(&loop);
    }

    TestState m_state;
    std::thread m_thread;
    int m_port = 0;
    LoopMailbox* m_mailbox = nullptr;
    Server* m_server = nullptr;
    bool m_shut_down = false; // loop thread only
    Status m_closed = success();
};

struct Reply {
    int status = 0;
    std::map<std::string, std::string> headers; // names in lower case
    std::string body;

    std::string header(const std::string& name) const {
        auto found = headers.find(name);
        return found == headers.end() ? "" : found->second;
    }
};

// A blocking TCP client speaking raw bytes; every wait is bounded.
class Client {
  public:
    explicit Client(int port) {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<uint16_t>(port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
            ::close(m_fd);
            m_fd = -1;
        }
    }
    ~Client() {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    bool connected() const { return m_fd >= 0; }

    bool send(std::string_view data) {
        while (!data.empty()) {
            const ssize_t sent = ::send(m_fd, data.data(), data.size(), MSG_NOSIGNAL);
            if (sent <= 0) {
                return false;
            }
            data.remove_prefix(static_cast<size_t>(sent));
        }
        return true;
    }

    // One response: status line, headers and, unless it answers a HEAD, the Content-Length body.
    // nullopt on EOF, timeout or garbage.
    std::optional<Reply> read_reply(bool answers_head = false,
                                    std::chrono::milliseconds timeout = 5s) {
        const auto deadline = Clock::now() + timeout;
        size_t end;
        while ((end = m_buffer.find("\r\n\r\n")) == std::string::npos) {
            if (!fill(deadline)) {
                return std::nullopt;
            }
        }
        Reply reply;
        const std::string head = m_buffer.substr(0, end + 2);
        if (!head.starts_with("HTTP/1.1 ") || head.size() < 12) {
            return std::nullopt;
        }
        reply.status = std::stoi(head.substr(9, 3));
        for (size_t line = head.find("\r\n") + 2; line < head.size();) {
            const size_t line_end = head.find("\r\n", line);
            const std::string text = head.substr(line, line_end - line);
            const size_t colon = text.find(':');
            std::string name = text.substr(0, colon);
            for (char& c : name) {
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            }
            reply.headers[name] = text.substr(text.find_first_not_of(' ', colon + 1));
            line = line_end + 2;
        }
        m_buffer.erase(0, end + 4);
        const size_t length = !answers_head && reply.headers.count("content-length")
                                  ? std::stoul(reply.header("content-length"))
                                  : 0;
        while (m_buffer.size() < length) {
            if (!fill(deadline)) {
                return std::nullopt;
            }
        }
        reply.body = m_buffer.substr(0, length);
        m_buffer.erase(0, length);
        return reply;
    }

    // True when the server ends the connection (EOF or reset) within `timeout`; bytes that arrive
    // meanwhile are discarded.
    bool closed_within(std::chrono::milliseconds timeout) {
        const auto deadline = Clock::now() + timeout;
        while (true) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0) {
                return false;
            }
            pollfd entry{m_fd, POLLIN, 0};
            if (::poll(&entry, 1, static_cast<int>(left.count())) <= 0) {
                return false;
            }
            char scratch[4096];
            if (::recv(m_fd, scratch, sizeof scratch, 0) <= 0) {
                return true;
            }
        }
    }

    // Closes with a reset (SO_LINGER 0) instead of an orderly FIN.
    void reset() {
        linger option{1, 0};
        ::setsockopt(m_fd, SOL_SOCKET, SO_LINGER, &option, sizeof option);
        ::close(m_fd);
        m_fd = -1;
    }

  private:
    bool fill(Clock::time_point deadline) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        pollfd entry{m_fd, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&entry, 1, static_cast<int>(left.count())) <= 0) {
            return false;
        }
        char chunk[16384];
        const ssize_t count = ::recv(m_fd, chunk, sizeof chunk, 0);
        if (count <= 0) {
            return false;
        }
        m_buffer.append(chunk, static_cast<size_t>(count));
        return true;
    }

    int m_fd = -1;
    std::string m_buffer;
};

std::string get(std::string_view path, std::string_view extra_headers = "") {
    return "GET " + std::string(path) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra_headers) +
           "\r\n";
}

// Short timeouts and small limits, so the tests stay fast.
ServerLimits small_limits() {
    ServerLimits limits;
    limits.max_header_bytes = 1024;
    limits.max_body_bytes = 1000;
    limits.header_timeout = 1000ms;
    limits.body_timeout = 1000ms;
    limits.idle_timeout = 5000ms;
    limits.close_linger = 500ms;
    return limits;
}

class HttpServer : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { std::signal(SIGPIPE, SIG_IGN); }
};

TEST_F(HttpServer, KeepAliveServesTwoRequestsOnOneConnection) {
    ServerThread server(small_limits());
    Client client(server.port());
    ASSERT_TRUE(client.send(get("/ping")));
    const auto first = client.read_reply();
    ASSERT_TRUE(first);
    EXPECT_EQ(first->status, 200);
    EXPECT_EQ(first->body, R"({"pong":true})");
    EXPECT_EQ(first->header("content-type"), "application/json");
    EXPECT_EQ(first->header("content-length"), "13");
    EXPECT_TRUE(first->header("date").ends_with(" GMT"));
    EXPECT_FALSE(first->header("x-request-id").empty());
    EXPECT_EQ(first->header("connection"), "");

    ASSERT_TRUE(client.send(get("/items/4%2F2", "X-Request-Id: trace-42\r\n")));
    const auto second = client.read_reply();
    ASSERT_TRUE(second);
    EXPECT_EQ(second->status, 200);
    EXPECT_EQ(second->body, R"({"id":"4/2"})");
    EXPECT_EQ(second->header("x-request-id"), "trace-42");

    ASSERT_TRUE(client.send(get("/query?a=x%20y+z&b=1")));
    const auto third = client.read_reply();
    ASSERT_TRUE(third);
    EXPECT_EQ(third->body, "x y z");
    EXPECT_NE(third->header("x-request-id"), first->header("x-request-id"));
}

TEST_F(HttpServer, PipelinedRequestsAreAnsweredInOrder) {
    ServerThread server(small_limits());
    Client client(server.port());
    // The first and last answers come late; the middle one at once, yet it must wait its turn.
    ASSERT_TRUE(client.send(get("/slow/1") + get("/items/2") + get("/slow/3")));
    for (const char* id : {"1", "2", "3"}) {
        const auto reply = client.read_reply();
        ASSERT_TRUE(reply) << id;
        EXPECT_EQ(reply->status, 200);
        EXPECT_EQ(reply->body, "{\"id\":\"" + std::string(id) + "\"}");
    }
    // Each request reached its handler only after the one before it had been answered.
    const auto events = server.call([&] { return server.state().events; });
    EXPECT_EQ(events, (std::vector<std::string>{"start 1", "answer 1", "start 2", "answer 2",
                                                "start 3", "answer 3"}));
}

TEST_F(HttpServer, PipeliningBeyondTheCapIsThrottledNotDropped) {
    ServerLimits limits = small_limits();
    limits.max_pipelined_requests = 2;
    ServerThread server(limits);
    Client client(server.port());
    std::string burst;
    for (int i = 0; i < 50; ++i) {
        burst += get("/items/" + std::to_string(i));
    }
    ASSERT_TRUE(client.send(burst));
    for (int i = 0; i < 50; ++i) {
        const auto reply = client.read_reply();
        ASSERT_TRUE(reply) << i;
        EXPECT_EQ(reply->body, "{\"id\":\"" + std::to_string(i) + "\"}");
    }
}

TEST_F(HttpServer, ReadsChunkedAndContentLengthBodies) {
    ServerThread server(small_limits());
    Client client(server.port());
    ASSERT_TRUE(
        client.send("POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "4\r\nWiki\r\n5;ext=1\r\npedia\r\n"));
    std::this_thread::sleep_for(50ms);
    ASSERT_TRUE(client.send("0\r\nTrailer: yes\r\n\r\n"));
    const auto chunked = client.read_reply();
    ASSERT_TRUE(chunked);
    EXPECT_EQ(chunked->status, 200);
    EXPECT_EQ(chunked->body, "Wikipedia");

    ASSERT_TRUE(
        client.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 11\r\n\r\nhello"));
    std::this_thread::sleep_for(50ms);
    ASSERT_TRUE(client.send(" world"));
    const auto sized = client.read_reply();
    ASSERT_TRUE(sized);
    EXPECT_EQ(sized->body, "hello world");
}

TEST_F(HttpServer, AnswersExpectContinue) {
    ServerThread server(small_limits());
    Client client(server.port());
    ASSERT_TRUE(client.send(
        "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
    const auto go_on = client.read_reply();
    ASSERT_TRUE(go_on);
    EXPECT_EQ(go_on->status, 100);
    ASSERT_TRUE(client.send("hello"));
    const auto reply = client.read_reply();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 200);
    EXPECT_EQ(reply->body, "hello");

    Client too_big(server.port());
    ASSERT_TRUE(too_big.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 5000\r\n"
                             "Expect: 100-continue\r\n\r\n"));
    const auto refused = too_big.read_reply();
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 413);
    EXPECT_TRUE(too_big.closed_within(2s));
}

TEST_F(HttpServer, OversizedHeaderIsRefusedWith431) {
    ServerThread server(small_limits());
    for (const std::string& request : {get("/ping", "X-Big: " + std::string(2000, 'a') + "\r\n"),
                                       get("/ping?" + std::string(2000, 'q')), get("/ping", [] {
                                           std::string many;
                                           for (int i = 0; i < 300; ++i) {
                                               many += "X:\r\n";
                                           }
                                           return many;
                                       }())}) {
        Client client(server.port());
        ASSERT_TRUE(client.send(request));
        const auto reply = client.read_reply();
        ASSERT_TRUE(reply);
        EXPECT_EQ(reply->status, 431);
        EXPECT_EQ(reply->body, R"({"error":"request header fields too large"})");
        EXPECT_EQ(reply->header("connection"), "close");
        EXPECT_TRUE(client.closed_within(2s));
    }
}

TEST_F(HttpServer, OversizedBodyIsRefusedWith413) {
    ServerThread server(small_limits());
    for (const std::string& request :
         {"POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 5000\r\n\r\n" +
              std::string(5000, 'b'),
          "POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
          "258\r\n" +
              std::string(600, 'c') + "\r\n258\r\n" + std::string(600, 'c') + "\r\n0\r\n\r\n"}) {
        Client client(server.port());
        ASSERT_TRUE(client.send(request));
        const auto reply = client.read_reply();
        ASSERT_TRUE(reply);
        EXPECT_EQ(reply->status, 413);
        EXPECT_EQ(reply->header("content-type"), "application/json");
        EXPECT_EQ(reply->body, R"({"error":"request body too large"})");
        EXPECT_TRUE(client.closed_within(2s));
    }
}

TEST_F(HttpServer, MalformedRequestsGet400AndClose) {
    ServerThread server(small_limits());
    const std::vector<std::string> requests = {
        "GARBAGE / HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1 trailing\r\n\r\n",
        std::string("GET /\x01 HTTP/1.1\r\n\r\n"),
        "GET /ping HTTP/1.1\r\nBad Header\r\n\r\n",
        "GET /ping HTTP/1.1\r\nBad Header: x\r\n\r\n",
        "POST /echo HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
        "POST /echo HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        "POST /echo HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST /echo HTTP/1.1\r\nTransfer-Encoding: gzip, chunked, x\r\n\r\n",
        "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "GET /query?a=%zz HTTP/1.1\r\n\r\n",
        std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11),
        std::string("GET /ping HTTP/1.1\r\nHost: a\0b\r\n\r\n", 33),
    };
    for (const std::string& request : requests) {
        Client client(server.port());
        ASSERT_TRUE(client.send(request));
        const auto reply = client.read_reply();
        ASSERT_TRUE(reply) << request;
        EXPECT_EQ(reply->status, 400) << request;
        EXPECT_TRUE(reply->body.starts_with(R"({"error":")")) << reply->body;
        EXPECT_EQ(reply->header("connection"), "close");
        EXPECT_TRUE(client.closed_within(2s)) << request;
    }

    Client future_version(server.port());
    ASSERT_TRUE(future_version.send("GET /ping HTTP/2.0\r\n\r\n"));
    const auto refused = future_version.read_reply();
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 505);

    // A broken escape in the path is a routing question: 400, but the connection stays.
    Client bad_path(server.port());
    ASSERT_TRUE(bad_path.send(get("/items/%zz")));
    const auto bad = bad_path.read_reply();
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 400);
    ASSERT_TRUE(bad_path.send(get("/ping")));
    ASSERT_TRUE(bad_path.read_reply());
}

TEST_F(HttpServer, SlowLorisIsDroppedByTheHeaderTimeout) {
    ServerThread server(small_limits()); // header timeout: 1 s
    Client client(server.port());
    const auto start = Clock::now();
    ASSERT_TRUE(client.send("GET /ping HTTP/1.1\r\nHost: test\r\nX-Slow: "));
    bool dropped = false;
    while (!dropped && Clock::now() - start < 4s) {
        dropped = client.closed_within(200ms);
        if (!dropped) {
            client.send("a");
        }
    }
    const auto elapsed = Clock::now() - start;
    EXPECT_TRUE(dropped);
    EXPECT_GE(elapsed, 900ms);
    EXPECT_LT(elapsed, 2000ms);
}

TEST_F(HttpServer, IdleConnectionsAreClosed) {
    ServerLimits limits = small_limits();
    limits.idle_timeout = 500ms;
    ServerThread server(limits);
    Client used(server.port());
    Client silent(server.port());
    ASSERT_TRUE(used.send(get("/ping")));
    ASSERT_TRUE(used.read_reply());
    const auto start = Clock::now();
    EXPECT_TRUE(used.closed_within(2s));
    EXPECT_GE(Clock::now() - start, 400ms);
    EXPECT_TRUE(silent.closed_within(2s));
}

TEST_F(HttpServer, ConnectionsBeyondTheCapAreTurnedAway) {
    ServerLimits limits = small_limits();
    limits.max_connections = 2;
    ServerThread server(limits);
    auto first = std::make_unique<Client>(server.port());
    Client second(server.port());
    for (Client* client : {first.get(), &second}) {
        ASSERT_TRUE(client->send(get("/ping")));
        ASSERT_TRUE(client->read_reply());
    }
    Client third(server.port());
    ASSERT_TRUE(third.connected());
    third.send(get("/ping"));
    EXPECT_TRUE(third.closed_within(2s));

    first.reset();
    ASSERT_TRUE(eventually([&] { return server.connection_count() < 2; }, 2s));
    Client fourth(server.port());
    ASSERT_TRUE(fourth.connected());
    ASSERT_TRUE(fourth.send(get("/ping")));
    const auto reply = fourth.read_reply();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 200);
}

TEST_F(HttpServer, UnknownPathIs404AndWrongMethodIs405) {
    ServerThread server(small_limits());
    Client client(server.port());
    ASSERT_TRUE(client.send(get("/nothing/here")));
    const auto missing = client.read_reply();
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->status, 404);
    EXPECT_EQ(missing->body, R"({"error":"not found"})");

    ASSERT_TRUE(client.send("DELETE /ping HTTP/1.1\r\nHost: test\r\n\r\n"));
    const auto wrong = client.read_reply();
    ASSERT_TRUE(wrong);
    EXPECT_EQ(wrong->status, 405);
    EXPECT_EQ(wrong->header("allow"), "GET");
    EXPECT_EQ(wrong->body, R"({"error":"method not allowed"})");

    ASSERT_TRUE(client.send("HEAD /ping HTTP/1.1\r\nHost: test\r\n\r\n" + get("/ping")));
    const auto head = client.read_reply(true);
    ASSERT_TRUE(head);
    EXPECT_EQ(head->status, 200);
    EXPECT_EQ(head->header("content-length"), "13");
    const auto after_head = client.read_reply();
    ASSERT_TRUE(after_head);
    EXPECT_EQ(after_head->body, R"({"pong":true})");
}

TEST_F(HttpServer, AnswersAsynchronously) {
    ServerThread server(small_limits());
    Client client(server.port());
    const auto start = Clock::now();
    ASSERT_TRUE(client.send(get("/slow/7")));
    const auto reply = client.read_reply();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->body, R"({"id":"7"})");
    EXPECT_GE(Clock::now() - start, 90ms);
}

TEST_F(HttpServer, ClientThatLeavesBeforeTheAnswerDoesNotHurtTheServer) {
    ServerThread server(small_limits());
    {
        Client client(server.port());
        ASSERT_TRUE(client.send(get("/late")));
        std::this_thread::sleep_for(50ms);
        client.reset();
    }
    ASSERT_TRUE(eventually([&] { return server.state().late_answer_sent != -1; }, 2s));
    EXPECT_EQ(server.state().late_answer_sent, 0);
    EXPECT_FALSE(server.state().late_client_waiting);

    server.state().late_answer_sent = -1;
    {
        Client client(server.port());
        ASSERT_TRUE(client.send(get("/late")));
        // An orderly close: the server may still write the answer into the half-closed socket.
    }
    ASSERT_TRUE(eventually([&] { return server.state().late_answer_sent != -1; }, 2s));

    Client after_that(server.port());
    ASSERT_TRUE(after_that.send(get("/ping")));
    const auto reply = after_that.read_reply();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 200);
}

TEST_F(HttpServer, BasicAuthGuardsOnlyItsRoutes) {
    ServerThread server(small_limits());
    Client client(server.port());
    ASSERT_TRUE(client.send(get("/private")));
    const auto anonymous = client.read_reply();
    ASSERT_TRUE(anonymous);
    EXPECT_EQ(anonymous->status, 401);
    EXPECT_EQ(anonymous->header("www-authenticate").rfind("Basic realm=", 0), 0u);

    ASSERT_TRUE(client.send(get("/private", "Authorization: Basic YWRtaW46d3Jvbmc=\r\n")));
    const auto wrong = client.read_reply(); // admin:wrong
    ASSERT_TRUE(wrong);
    EXPECT_EQ(wrong->status, 401);

    ASSERT_TRUE(client.send(get("/private", "Authorization: Basic YWRtaW46cHc=\r\n")));
    const auto right = client.read_reply(); // admin:pw
    ASSERT_TRUE(right);
    EXPECT_EQ(right->status, 200);
    EXPECT_EQ(right->body, R"({"secret":true})");
}

TEST_F(HttpServer, Http10AndConnectionCloseEndTheConnection) {
    ServerThread server(small_limits());
    {
        Client client(server.port());
        ASSERT_TRUE(client.send("GET /ping HTTP/1.0\r\n\r\n"));
        const auto reply = client.read_reply();
        ASSERT_TRUE(reply);
        EXPECT_EQ(reply->header("connection"), "close");
        EXPECT_TRUE(client.closed_within(2s));
    }
    {
        Client client(server.port());
        ASSERT_TRUE(client.send(get("/ping", "Connection: close\r\n") + get("/ping")));
        const auto reply = client.read_reply();
        ASSERT_TRUE(reply);
        EXPECT_EQ(reply->header("connection"), "close");
        EXPECT_TRUE(client.closed_within(2s)); // the pipelined second request is not answered
    }
    {
        Client client(server.port());
        ASSERT_TRUE(client.send("GET /ping HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
        const auto first = client.read_reply();
        ASSERT_TRUE(first);
        EXPECT_EQ(first->header("connection"), "keep-alive");
        ASSERT_TRUE(client.send("GET /ping HTTP/1.0\r\n\r\n"));
        ASSERT_TRUE(client.read_reply());
    }
}

TEST_F(HttpServer, HandlerFailuresBecome500) {
    ServerThread server(small_limits());
    Client client(server.port());
    for (const char* path : {"/throw", "/forget"}) {
        ASSERT_TRUE(client.send(get(path)));
        const auto reply = client.read_reply();
        ASSERT_TRUE(reply) << path;
        EXPECT_EQ(reply->status, 500) << path;
        EXPECT_TRUE(reply->body.starts_with(R"({"error":")"));
    }
    ASSERT_TRUE(client.send(get("/ping")));
    ASSERT_TRUE(client.read_reply());
}

TEST_F(HttpServer, ObserverSeesRouteAndStatus) {
    ServerThread server(small_limits());
    Client client(server.port());
    ASSERT_TRUE(client.send(get("/items/9") + get("/nothing")));
    ASSERT_TRUE(client.read_reply());
    ASSERT_TRUE(client.read_reply());
    const auto observed = server.call([&] { return server.state().observed; });
    EXPECT_EQ(observed,
              (std::vector<std::pair<std::string, int>>{{"/items/{id}", 200}, {"", 404}}));
}

TEST_F(HttpServer, GracefulShutdownFinishesTheRequestInHand) {
    ServerThread server(small_limits());
    Client idle(server.port());
    ASSERT_TRUE(idle.send(get("/ping")));
    ASSERT_TRUE(idle.read_reply());
    Client busy(server.port());
    ASSERT_TRUE(busy.send(get("/delayed")));
    ASSERT_TRUE(eventually([&] { return server.state().delayed_started.load(); }, 2s));

    const auto start = Clock::now();
    auto done = server.shut_down(2s);
    EXPECT_TRUE(idle.closed_within(1s));
    EXPECT_LT(Clock::now() - start, 250ms); // idle connections do not wait for the busy one

    const auto reply = busy.read_reply();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 200);
    EXPECT_EQ(reply->header("connection"), "close");
    EXPECT_TRUE(busy.closed_within(2s));
    ASSERT_EQ(done.wait_for(2s), std::future_status::ready);

    EXPECT_FALSE(Client(server.port()).connected());
    const Status closed = server.stop();
    EXPECT_TRUE(closed) << closed.message();
}

TEST_F(HttpServer, ShutdownBoundCutsAnUnansweredRequest) {
    ServerThread server(small_limits());
    Client client(server.port());
    ASSERT_TRUE(client.send(get("/park")));
    ASSERT_TRUE(eventually([&] { return server.state().parked_count == 1; }, 2s));

    const auto start = Clock::now();
    auto done = server.shut_down(300ms);
    EXPECT_TRUE(client.closed_within(2s));
    ASSERT_EQ(done.wait_for(2s), std::future_status::ready);
    EXPECT_GE(Clock::now() - start, 250ms);
    const bool late =
        server.call([&] { return server.state().parked.front().send(Response::json(200, "{}")); });
    EXPECT_FALSE(late);
    const Status closed = server.stop();
    EXPECT_TRUE(closed) << closed.message();
}

} // namespace
} // namespace ov2ha::http
