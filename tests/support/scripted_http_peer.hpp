// An HTTP peer that answers from a script, for checking the exact bytes a client sends and
// how it takes 5xx answers and silence. Serves one connection at a time on a loopback
// port from its own thread; tests only.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ov2ha::test {

class ScriptedHttpPeer {
  public:
    // Answers the n-th request with answers[n], a raw HTTP response sent as is before the
    // connection is closed; an empty answer reads the request and then stays silent until
    // the peer is destroyed. Connections after the script's end are closed unanswered.
    explicit ScriptedHttpPeer(std::vector<std::string> answers);
    ~ScriptedHttpPeer();
    ScriptedHttpPeer(const ScriptedHttpPeer&) = delete;
    ScriptedHttpPeer& operator=(const ScriptedHttpPeer&) = delete;

    int port() const { return m_port; }
    // "http://127.0.0.1:<port>".
    std::string endpoint() const;
    // The requests received so far, head and body as sent.
    std::vector<std::string> requests() const;

  private:
    void serve();

    std::vector<std::string> m_answers;
    int m_listener = -1;
    int m_port = 0;
    std::atomic<bool> m_stop{false};
    mutable std::mutex m_mutex;
    std::vector<std::string> m_requests;
    std::thread m_thread;
};

// A raw HTTP/1.1 response with Content-Length and Connection: close.
std::string http_answer(int status, const std::string& reason, const std::string& body,
                        const std::vector<std::string>& headers = {});

} // namespace ov2ha::test
