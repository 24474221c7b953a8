// A real Redis for tests: Debian's redis-server started on a free loopback port with a fresh
// data folder and the append-only file on, so a killed and restarted server keeps its data.
// Blocking; tests only.
#pragma once

#include "tests/support/process.hpp"

#include <memory>
#include <string>
#include <vector>

namespace ov2ha::test {

class RedisServer {
  public:
    // Starts redis-server and waits until it answers PING. Null when it cannot run, with the
    // reason in `why_not`; `missing` tells a missing redis-server (a skip outside CI) from one
    // that would not start (always a failure).
    static std::unique_ptr<RedisServer> start(std::string& why_not, bool& missing);
    ~RedisServer();
    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;

    int port() const { return m_port; }
    // "redis://127.0.0.1:<port>/0".
    std::string url() const;

    // SIGKILL, as a crash: nothing is flushed beyond what the append-only file already holds.
    void kill();
    // Starts it again on the same port and data folder; false with the reason on failure.
    bool restart(std::string& why_not);
    // SIGSTOP and SIGCONT: a server that hangs without closing its connections.
    void pause();
    void resume();

    // Sends one command and returns the reply's first line ("+OK", ":42", "$-1") or, for a
    // bulk string, its content; empty when the server does not answer.
    std::string command(const std::vector<std::string>& arguments) const;

  private:
    RedisServer(int port, std::unique_ptr<TempDir> folder);
    bool launch(std::string& why_not);

    int m_port;
    std::unique_ptr<TempDir> m_folder;
    std::unique_ptr<Background> m_process;
    int m_launches = 0;
};

// Starts redis-server into `server` (a std::unique_ptr<RedisServer>), skipping the test with
// the printed reason when redis-server is missing outside CI, failing it in CI or when the
// server does not start.
#define OV2HA_START_REDIS_SERVER(server) OV2HA_START_TEST_SERVER(server, ::ov2ha::test::RedisServer)

} // namespace ov2ha::test
