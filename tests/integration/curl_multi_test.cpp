// The curl-on-libuv transport against a scripted loopback HTTP peer: the exact bytes it
// sends (paths, headers, body slices), where response bodies go, timeouts, cancellation
// and a clean loop shutdown.
#include "core/base/files.hpp"
#include "core/base/loop.hpp"
#include "core/http/curl_multi.hpp"
#include "tests/support/process.hpp"
#include "tests/support/s3_server.hpp"
#include "tests/support/scripted_http_peer.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <optional>

namespace ov2ha::http {
namespace {

using namespace std::chrono_literals;

bool has_header(const std::string& request, const std::string& name) {
    const std::string head = request.substr(0, request.find("\r\n\r\n"));
    std::string lowered;
    for (char c : head) {
        lowered += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return lowered.find("\r\n" + name + ":") != std::string::npos;
}

std::string body_of(const std::string& request) {
    const size_t end = request.find("\r\n\r\n");
    return end == std::string::npos ? "" : request.substr(end + 4);
}

class CurlMultiTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_EQ(uv_loop_init(&m_loop), 0);
        auto http = CurlMulti::create(&m_loop);
        ASSERT_TRUE(http) << http.message();
        m_http = std::move(*http);
    }

    void TearDown() override {
        m_http.reset();
        const Status closed = shut_down_loop(&m_loop);
        EXPECT_TRUE(closed) << closed.message();
    }

    void run_until(const bool& done, std::chrono::seconds limit = 30s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done && std::chrono::steady_clock::now() < deadline) {
            uv_run(&m_loop, UV_RUN_NOWAIT);
            std::this_thread::sleep_for(1ms);
        }
    }

    HttpResponse fetch(HttpRequest request) {
        HttpResponse response;
        bool done = false;
        auto started = m_http->start(std::move(request), [&](HttpResponse answer) {
            response = std::move(answer);
            done = true;
        });
        EXPECT_TRUE(started) << started.message();
        if (started) {
            run_until(done);
        }
        EXPECT_TRUE(done);
        return response;
    }

    uv_loop_t m_loop{};
    std::unique_ptr<CurlMulti> m_http;
    test::TempDir m_folder;
};

TEST_F(CurlMultiTest, PathIsSentAsWritten) {
    test::ScriptedHttpPeer peer({test::http_answer(200, "OK", "")});
    HttpRequest request;
    request.url = peer.endpoint() + "/bucket/./x/../y//z";
    const HttpResponse response = fetch(request);
    EXPECT_EQ(response.failure, Failure::none) << response.error;
    EXPECT_EQ(response.status, 200);
    ASSERT_EQ(peer.requests().size(), 1u);
    EXPECT_EQ(peer.requests()[0].substr(0, peer.requests()[0].find("\r\n")),
              "GET /bucket/./x/../y//z HTTP/1.1");
}

TEST_F(CurlMultiTest, LargePostHasNoExpectAndNoDefaultContentType) {
    test::ScriptedHttpPeer peer({test::http_answer(200, "OK", "<Done/>")});
    const std::string body(2 * 1024 * 1024, 'b');
    HttpRequest request;
    request.method = "POST";
    request.url = peer.endpoint() + "/bucket?delete=";
    request.headers = {{"X-Custom", "value"}};
    request.body = std::make_shared<const std::string>(body);
    const HttpResponse response = fetch(request);
    EXPECT_EQ(response.failure, Failure::none) << response.error;
    EXPECT_EQ(response.body, "<Done/>");
    const auto requests = peer.requests();
    ASSERT_EQ(requests.size(), 1u);
    const std::string& sent = requests[0];
    EXPECT_FALSE(has_header(sent, "expect")) << sent.substr(0, 400);
    EXPECT_FALSE(has_header(sent, "content-type")) << sent.substr(0, 400);
    EXPECT_TRUE(has_header(sent, "x-custom"));
    EXPECT_NE(sent.find("Content-Length: 2097152\r\n"), std::string::npos);
    EXPECT_EQ(body_of(sent), body);
}

TEST_F(CurlMultiTest, PutSendsExactlyTheFileSlice) {
    test::ScriptedHttpPeer peer({test::http_answer(200, "OK", "", {"ETag: \"e\""})});
    std::string content;
    for (int i = 0; i < 100'000; ++i) {
        content += static_cast<char>('a' + i % 26);
    }
    const std::string path = m_folder / "content";
    ASSERT_TRUE(write_file_atomically(path, content));
    HttpRequest request;
    request.method = "PUT";
    request.url = peer.endpoint() + "/bucket/key";
    request.body_file = FileSlice{path, 1234, 5000};
    const HttpResponse response = fetch(request);
    EXPECT_EQ(response.failure, Failure::none) << response.error;
    EXPECT_EQ(response.header("etag"), "\"e\"");
    ASSERT_EQ(peer.requests().size(), 1u);
    EXPECT_EQ(body_of(peer.requests()[0]), content.substr(1234, 5000));
    EXPECT_FALSE(has_header(peer.requests()[0], "expect"));
}

TEST_F(CurlMultiTest, BodyFileShorterThanItsSliceIsALocalError) {
    test::ScriptedHttpPeer peer({test::http_answer(200, "OK", "")});
    const std::string path = m_folder / "short";
    ASSERT_TRUE(write_file_atomically(path, std::string(100, 'x')));
    HttpRequest request;
    request.method = "PUT";
    request.url = peer.endpoint() + "/bucket/key";
    request.body_file = FileSlice{path, 0, 1000};
    const HttpResponse response = fetch(request);
    EXPECT_EQ(response.failure, Failure::local);
    EXPECT_NE(response.error.find(path + " ended at byte 100"), std::string::npos)
        << response.error;
}

TEST_F(CurlMultiTest, SuccessBodyGoesToTheFileAndAnErrorBodyStaysInMemory) {
    test::ScriptedHttpPeer peer(
        {test::http_answer(200, "OK", "hello"), test::http_answer(404, "Not Found", "<Error/>")});
    HttpRequest request;
    request.url = peer.endpoint() + "/bucket/key";
    request.response_file = m_folder / "ok";
    const HttpResponse ok = fetch(request);
    EXPECT_EQ(ok.failure, Failure::none) << ok.error;
    EXPECT_TRUE(ok.body_in_file);
    EXPECT_EQ(ok.body_bytes, 5u);
    EXPECT_TRUE(ok.body.empty());
    EXPECT_EQ(test::slurp(m_folder / "ok"), "hello");

    request.response_file = m_folder / "missing";
    const HttpResponse missing = fetch(request);
    EXPECT_EQ(missing.failure, Failure::none) << missing.error;
    EXPECT_EQ(missing.status, 404);
    EXPECT_FALSE(missing.body_in_file);
    EXPECT_EQ(missing.body, "<Error/>");
    EXPECT_FALSE(std::filesystem::exists(m_folder / "missing"));
    size_t files = 0;
    for ([[maybe_unused]] const auto& entry :
         std::filesystem::directory_iterator(m_folder.path())) {
        ++files;
    }
    EXPECT_EQ(files, 1u) << "only the first download, no temporary file";
}

TEST_F(CurlMultiTest, SilentPeerTimesOut) {
    test::ScriptedHttpPeer peer({""});
    HttpRequest request;
    request.url = peer.endpoint() + "/slow";
    request.timeouts.low_speed_bytes = 1;
    request.timeouts.low_speed_time = 1s;
    const auto started = std::chrono::steady_clock::now();
    const HttpResponse response = fetch(request);
    EXPECT_EQ(response.failure, Failure::timeout) << response.error;
    EXPECT_FALSE(response.error.empty());
    EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
}

TEST_F(CurlMultiTest, ClosedPortIsAConnectFailure) {
    HttpRequest request;
    request.url = "http://127.0.0.1:" + std::to_string(test::free_loopback_port()) + "/";
    const HttpResponse response = fetch(request);
    EXPECT_EQ(response.failure, Failure::connect) << response.error;
    EXPECT_NE(response.error.find("127.0.0.1"), std::string::npos) << response.error;
}

TEST_F(CurlMultiTest, CloseCancelsTransfersAndTheLoopCloses) {
    test::ScriptedHttpPeer peer({"", ""});
    std::vector<Failure> failures;
    for (int i = 0; i < 2; ++i) {
        HttpRequest request;
        request.url = peer.endpoint() + "/wait";
        auto started = m_http->start(
            request, [&](HttpResponse response) { failures.push_back(response.failure); });
        ASSERT_TRUE(started) << started.message();
    }
    bool asked = false;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!asked && std::chrono::steady_clock::now() < deadline) {
        uv_run(&m_loop, UV_RUN_NOWAIT);
        asked = !peer.requests().empty();
    }
    ASSERT_TRUE(asked);
    EXPECT_EQ(m_http->active(), 2u);
    m_http->close();
    EXPECT_EQ(failures, (std::vector<Failure>{Failure::cancelled, Failure::cancelled}));
    EXPECT_FALSE(m_http->start(HttpRequest{}, [](HttpResponse) {}));
    // TearDown checks that uv_loop_close succeeds.
}

TEST_F(CurlMultiTest, RefusesRequestsThatCannotBeSent) {
    HttpRequest get;
    get.url = "http://127.0.0.1:1/";
    get.body = std::make_shared<const std::string>("x");
    EXPECT_FALSE(m_http->start(get, [](HttpResponse) {}));

    HttpRequest put;
    put.method = "PUT";
    put.url = "http://127.0.0.1:1/";
    put.body_file = FileSlice{m_folder / "absent", 0, 1};
    auto started = m_http->start(put, [](HttpResponse) {});
    ASSERT_FALSE(started);
    EXPECT_NE(started.message().find("absent"), std::string::npos) << started.message();

    HttpRequest injected;
    injected.url = "http://127.0.0.1:1/";
    injected.headers = {{"X-Bad", "a\r\nHost: evil"}};
    EXPECT_FALSE(m_http->start(injected, [](HttpResponse) {}));
}

} // namespace
} // namespace ov2ha::http
