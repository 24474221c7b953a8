// A real S3 server for tests: s3rver (npm) started on a free loopback port with a fresh
// data folder, stopped when the test ends. Blocking; tests only.
#pragma once

#include "core/s3/client_settings.hpp"
#include "tests/support/process.hpp"

#include <map>
#include <memory>
#include <string>

namespace ov2ha::test {

class S3Server {
  public:
    // The credentials s3rver accepts (it checks the access key, not the signature).
    static constexpr const char* k_access_key = "S3RVER";
    static constexpr const char* k_secret_key = "S3RVER";

    // Starts s3rver and waits until its port answers. Null when it cannot run, with the
    // reason in `why_not`; `missing` tells a missing node or s3rver (a skip outside CI)
    // from a server that would not start (always a failure).
    static std::unique_ptr<S3Server> start(std::string& why_not, bool& missing);
    ~S3Server();
    S3Server(const S3Server&) = delete;
    S3Server& operator=(const S3Server&) = delete;

    // "http://127.0.0.1:<port>".
    std::string endpoint() const;
    int port() const { return m_port; }

    // Settings that reach `bucket` on this server, path-style, with short retry delays.
    s3::S3Settings settings(const std::string& bucket) const;

    // The environment that points `ov2ha` at this server with its credentials.
    std::map<std::string, std::string> environment() const;

    // Kills the server (SIGKILL: connections break as in a crash) and waits for it.
    void stop();
    // Starts it again on the same port with the same data; false with the reason in
    // `why_not` when it does not answer.
    bool restart(std::string& why_not);

  private:
    S3Server(int port, std::unique_ptr<TempDir> folder);
    // Starts s3rver and waits until the port answers.
    bool launch(std::string& why_not);

    int m_port;
    std::unique_ptr<TempDir> m_folder; // data and logs; outlives the process below
    std::unique_ptr<Background> m_process;
};

// The path of s3rver's script: $OV2HA_S3RVER, else node_modules/s3rver in the source tree.
std::string s3rver_script();

// A loopback TCP port nothing listens on right now.
int free_loopback_port();

// Starts s3rver into `server` (a std::unique_ptr<S3Server>), skipping the test with the
// printed reason when node or s3rver is missing outside CI, failing it in CI or when the
// server does not start.
#define OV2HA_START_S3_SERVER(server) OV2HA_START_TEST_SERVER(server, ::ov2ha::test::S3Server)

} // namespace ov2ha::test
