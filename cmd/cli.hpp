// The command line around every subcommand: global flags, flags generated
// from the settings table, configuration loading and exit codes.
#pragma once

#include "core/base/config.hpp"

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace ov2ha::cli {

// Exit codes shared by every subcommand.
inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_failure = 1; // the work failed (input unreadable, no chunk, ...)
inline constexpr int k_exit_usage = 2;   // bad flag, bad setting, bad id: nothing was started

struct CommandSpec {
    std::string name;
    std::string description;
    std::vector<std::string> sections; // settings sections the command reads (log is implied)
    std::string dotenv_folder_key;     // setting naming the folder whose .env is read, if any
    std::function<int(const Config&)> run;
    bool uses_media = false; // loads FFmpeg's libraries before run; a failure exits 1
};

class Cli {
  public:
    Cli();

    // Registers a subcommand; its run function gets the loaded Config.
    CLI::App* add_command(CommandSpec spec);

    // Adds the flag the settings table gives `key` to `command`; a boolean
    // setting becomes a switch. The value joins the configuration as the
    // highest-priority source.
    void add_setting_flag(CLI::App* command, const std::string& key);

    // Parses, loads the configuration, configures logging and runs the chosen
    // subcommand. Returns the process exit code.
    int run(int argc, char** argv);

  private:
    CLI::App m_app;
    std::vector<std::pair<CLI::App*, CommandSpec>> m_commands;
    std::vector<Assignment> m_flag_values;
    std::string m_config_file;
    bool m_print_config = false;
};

} // namespace ov2ha::cli
