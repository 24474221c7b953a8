// Running programs from tests: the ov2ha binary under test and the
// independent judges (ffmpeg, ffprobe). Blocking; tests only.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace ov2ha::test {

struct RunResult {
    int exit_code = -1; // -1 when killed by a signal
    std::string out;
    std::string err;
};

// Runs `argv` to completion with extra environment variables, capturing
// stdout and stderr; `stdin_text` is fed to standard input.
RunResult run(const std::vector<std::string>& argv,
              const std::map<std::string, std::string>& environment = {},
              const std::string& working_dir = "", const std::string& stdin_text = "");

// A program left running in the background; killed (SIGKILL) and reaped when
// destroyed unless waited for. Output goes to files in `log_dir`.
class Background {
  public:
    Background(const std::vector<std::string>& argv,
               const std::map<std::string, std::string>& environment, const std::string& log_dir,
               const std::string& working_dir = "");
    ~Background();
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;

    pid_t pid() const { return m_pid; }
    void signal(int number) const;
    // Waits up to `seconds`; returns the exit code, -1 for a signal, -2 on timeout.
    int wait(double seconds);
    std::string stderr_text() const;
    std::string stdout_text() const;

  private:
    pid_t m_pid = -1;
    bool m_reaped = false;
    std::string m_log_dir;
};

// The path of the ov2ha binary under test.
std::string ov2ha_binary();

// True when `program` is on PATH.
bool have_program(const std::string& program);

// A fresh folder under the build tree's temporary area, removed by the caller's
// TempDir destructor.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    const std::string& path() const { return m_path; }
    std::string operator/(const std::string& name) const { return m_path + "/" + name; }

  private:
    std::string m_path;
};

// Skips the current test with a printed reason when `program` is missing,
// except in CI (CI=true), where a missing tool is a failure.
#define OV2HA_REQUIRE_PROGRAM(program)                                                             \
    do {                                                                                           \
        if (!::ov2ha::test::have_program(program)) {                                               \
            if (::ov2ha::test::in_ci()) {                                                          \
                FAIL() << program << " is missing in CI; `make setup` installs it";                \
            }                                                                                      \
            GTEST_SKIP() << program << " is not installed; `make setup` installs it";              \
        }                                                                                          \
    } while (0)

bool in_ci();

// Starts a test server into `server` (a std::unique_ptr<Server>) with
// Server::start(why_not, missing), skipping the test with the printed reason when a program
// it needs is missing outside CI, failing it in CI or when the server does not start.
#define OV2HA_START_TEST_SERVER(server, Server)                                                    \
    do {                                                                                           \
        std::string why_not;                                                                       \
        bool missing = false;                                                                      \
        server = Server::start(why_not, missing);                                                  \
        if (!server) {                                                                             \
            if (missing && !::ov2ha::test::in_ci()) {                                              \
                GTEST_SKIP() << why_not;                                                           \
            }                                                                                      \
            FAIL() << why_not;                                                                     \
        }                                                                                          \
    } while (0)

// Reads a whole file; empty when missing.
std::string slurp(const std::string& path);

// `size` bytes that depend only on `seed`: incompressible test content, the same every run.
std::string random_bytes(size_t size, std::uint64_t seed);

// Polls `check` every `poll` until it returns true or `limit` passes, then asks once more.
template <class Check>
bool eventually(Check check, std::chrono::milliseconds limit,
                std::chrono::milliseconds poll = std::chrono::milliseconds(50)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (check()) {
            return true;
        }
        std::this_thread::sleep_for(poll);
    }
    return check();
}

} // namespace ov2ha::test
