// A subcommand's event loop; see command_loop.hpp.
#include "cmd/command_loop.hpp"

#include "cmd/cli.hpp"
#include "core/base/log.hpp"
#include "core/base/loop.hpp"

#include <csignal>
#include <iostream>

namespace ov2ha::cli {

CommandLoop::CommandLoop(std::string command) : m_command(std::move(command)) {
    if (const int rc = uv_loop_init(&m_loop); rc != 0) {
        fail(uv_error_text("start the event loop", rc));
        return;
    }
    std::signal(SIGPIPE, SIG_IGN);
    m_ready = true;
}

CommandLoop::~CommandLoop() {
    if (!m_ready) {
        return;
    }
    if (auto closed = shut_down_loop(&m_loop); !closed) {
        log::error("event loop did not close cleanly", {{"error", closed.message()}});
    }
}

void CommandLoop::run() {
    uv_run(&m_loop, UV_RUN_DEFAULT);
}

int CommandLoop::fail(const std::string& error) const {
    std::cerr << "ov2ha " << m_command << ": " << error << "\n";
    return k_exit_failure;
}

} // namespace ov2ha::cli
