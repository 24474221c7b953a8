// Process helpers for tests; see process.hpp.
#include "tests/support/process.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace ov2ha::test {
namespace {

[[noreturn]] void exec_child(const std::vector<std::string>& argv,
                             const std::map<std::string, std::string>& environment,
                             const std::string& working_dir) {
    for (const auto& [name, value] : environment) {
        ::setenv(name.c_str(), value.c_str(), 1);
    }
    if (!working_dir.empty() && ::chdir(working_dir.c_str()) != 0) {
        ::_exit(126);
    }
    std::vector<char*> args;
    for (const auto& arg : argv) {
        args.push_back(const_cast<char*>(arg.c_str()));
    }
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
}

int decode_status(int status) {
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

} // namespace

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string random_bytes(size_t size, std::uint64_t seed) {
    std::mt19937_64 random(seed);
    std::string bytes(size, '\0');
    for (char& c : bytes) {
        c = static_cast<char>(random() & 0xff);
    }
    return bytes;
}

RunResult run(const std::vector<std::string>& argv,
              const std::map<std::string, std::string>& environment, const std::string& working_dir,
              const std::string& stdin_text) {
    TempDir scratch;
    const std::string in_path = scratch / "stdin", out_path = scratch / "stdout",
                      err_path = scratch / "stderr";
    std::ofstream(in_path) << stdin_text;
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(::open(in_path.c_str(), O_RDONLY), 0);
        ::dup2(::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), 1);
        ::dup2(::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), 2);
        exec_child(argv, environment, working_dir);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return RunResult{decode_status(status), slurp(out_path), slurp(err_path)};
}

Background::Background(const std::vector<std::string>& argv,
                       const std::map<std::string, std::string>& environment,
                       const std::string& log_dir, const std::string& working_dir)
    : m_log_dir(log_dir) {
    m_pid = ::fork();
    if (m_pid == 0) {
        ::dup2(::open("/dev/null", O_RDONLY), 0);
        ::dup2(::open((log_dir + "/stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), 1);
        ::dup2(::open((log_dir + "/stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), 2);
        exec_child(argv, environment, working_dir);
    }
}

Background::~Background() {
    if (!m_reaped && m_pid > 0) {
        ::kill(m_pid, SIGKILL);
        int status = 0;
        ::waitpid(m_pid, &status, 0);
    }
}

void Background::signal(int number) const {
    ::kill(m_pid, number);
}

int Background::wait(double seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        const pid_t done = ::waitpid(m_pid, &status, WNOHANG);
        if (done == m_pid) {
            m_reaped = true;
            return decode_status(status);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -2;
}

std::string Background::stderr_text() const {
    return slurp(m_log_dir + "/stderr");
}
std::string Background::stdout_text() const {
    return slurp(m_log_dir + "/stdout");
}

std::string ov2ha_binary() {
    return OV2HA_BINARY;
}

bool have_program(const std::string& program) {
    return run({"sh", "-c", "command -v " + program + " >/dev/null"}).exit_code == 0;
}

bool in_ci() {
    const char* ci = std::getenv("CI");
    return ci && std::string(ci) == "true";
}

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ov2ha-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) {
        throw std::runtime_error("cannot create a temporary folder");
    }
    m_path = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
}

} // namespace ov2ha::test
