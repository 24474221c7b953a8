// An HTTP endpoint for tests that records what it receives: ov2ha's own HTTP server on its own
// loop and thread, answering each request with the next status of a script.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace ov2ha::test {

class HttpReceiver {
  public:
    struct Received {
        std::string method;
        std::string path;
        std::vector<std::pair<std::string, std::string>> headers;
        std::string body;

        // The first value of header `name` (any case); empty when absent.
        std::string header(const std::string& name) const;
    };

    // Serves any method on any path of 127.0.0.1:port(); the n-th request gets statuses[n]
    // (the last one repeats) with an empty JSON body.
    explicit HttpReceiver(std::vector<int> statuses);
    ~HttpReceiver();
    HttpReceiver(const HttpReceiver&) = delete;
    HttpReceiver& operator=(const HttpReceiver&) = delete;

    int port() const { return m_port; }
    std::string url(const std::string& path) const;
    // What arrived so far, in order; safe from any thread.
    std::vector<Received> received() const;

  private:
    struct Loop;
    std::vector<int> m_statuses;
    mutable std::mutex m_mutex;
    std::vector<Received> m_received;
    std::unique_ptr<Loop> m_loop;
    std::thread m_thread;
    int m_port = 0;
};

} // namespace ov2ha::test
