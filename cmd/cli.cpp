// Command-line wiring; see cli.hpp.
#include "cmd/cli.hpp"

#include "core/base/log.hpp"
#include "core/media/ffmpeg_libraries.hpp"
#include "core/media/ffmpeg_logging.hpp"

#include <iostream>

namespace ov2ha::cli {
namespace {

log::Level level_from(const std::string& text) {
    if (text == "debug") {
        return log::Level::debug;
    }
    if (text == "warn") {
        return log::Level::warn;
    }
    if (text == "error") {
        return log::Level::error;
    }
    return log::Level::info;
}

} // namespace

Cli::Cli()
    : m_app("ov2ha: crash-proof OpenVidu 2 recordings. Records in short chunks, ships them to\n"
            "S3-compatible storage, takes over with a backup recorder, and joins the chunks\n"
            "into the MP4 OpenVidu expects.\n\n"
            "Settings come from (lowest first) built-in defaults, the TOML file (--config,\n"
            "else $OV2HA_CONFIG, else /etc/ov2ha/ov2ha.toml), the environment\n"
            "(OV2HA_<SECTION>_<KEY> and the ov2-ha-recorder names) and flags.",
            "ov2ha") {
    m_app.set_version_flag("--version", std::string("ov2ha ") + OV2HA_VERSION);
    m_app.require_subcommand(1);
    m_app.add_option("--config", m_config_file, "TOML configuration file")
        ->check(CLI::ExistingFile);
    m_app.add_flag("--print-config", m_print_config,
                   "print the effective configuration with the source of each value, then exit");
    add_setting_flag(&m_app, "log.level");
    add_setting_flag(&m_app, "log.format");
}

CLI::App* Cli::add_command(CommandSpec spec) {
    CLI::App* command = m_app.add_subcommand(spec.name, spec.description);
    command->fallthrough();
    spec.sections.insert(spec.sections.begin(), "log");
    m_commands.emplace_back(command, std::move(spec));
    return command;
}

void Cli::add_setting_flag(CLI::App* command, const std::string& key) {
    const SettingSpec* spec = find_setting(key);
    if (!spec || spec->flag.empty()) {
        throw std::logic_error("setting " + key + " has no flag in the settings table");
    }
    const std::string source = "flag " + spec->flag;
    std::string help = spec->help + " [" + spec->environment_name();
    for (const auto& legacy : spec->legacy_environment) {
        help += ", " + legacy;
    }
    help += "]";
    if (spec->type == SettingType::boolean) {
        command->add_flag_callback(
            spec->flag,
            [this, key, source] {
                m_flag_values.push_back({key, "true", source});
            },
            help + " (default " + spec->default_value + ")");
        return;
    }
    if (!spec->default_value.empty()) {
        help += " (default " + spec->default_value + ")";
    }
    command
        ->add_option_function<std::string>(
            spec->flag,
            [this, key, source](const std::string& value) {
                m_flag_values.push_back({key, value, source});
            },
            help)
        ->type_name(spec->type == SettingType::integer ? "INT" : "TEXT");
}

int Cli::run(int argc, char** argv) {
    try {
        m_app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        const int code = m_app.exit(error);
        return code == 0 ? k_exit_ok : k_exit_usage;
    }
    for (const auto& [command, spec] : m_commands) {
        if (!command->parsed()) {
            continue;
        }
        ConfigInputs inputs;
        inputs.sections = spec.sections;
        if (!m_config_file.empty()) {
            inputs.config_file = m_config_file;
        }
        inputs.environment = process_environment();
        inputs.dotenv_folder_key = spec.dotenv_folder_key;
        inputs.flags = m_flag_values;
        auto config = Config::load(inputs);
        if (!config) {
            std::cerr << "ov2ha " << spec.name << ": " << config.message() << "\n";
            return k_exit_usage;
        }
        if (m_print_config) {
            std::cout << config->describe(spec.sections);
            return k_exit_ok;
        }
        log::configure(level_from(config->text("log.level")), config->text("log.format") == "json"
                                                                  ? log::Format::json
                                                                  : log::Format::text);
        if (spec.uses_media) {
            if (auto loaded = media::load_ffmpeg_libraries(); !loaded) {
                log::error("ov2ha " + spec.name + ": " + loaded.message());
                return k_exit_failure;
            }
            media::route_ffmpeg_logs();
        }
        return spec.run(*config);
    }
    return k_exit_usage;
}

} // namespace ov2ha::cli
