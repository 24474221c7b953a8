// Configuration loading; see config.hpp.
#include "core/base/config.hpp"

#include "core/base/env_file.hpp"
#include "core/base/files.hpp"
#include "core/base/json_text.hpp"

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <toml.hpp>

extern char** environ;

namespace ov2ha {
namespace {

bool in_sections(const SettingSpec& spec, const std::vector<std::string>& sections) {
    return std::find(sections.begin(), sections.end(), spec.section()) != sections.end();
}

std::string toml_value_text(const toml::value& value) {
    if (value.is_string()) {
        return value.as_string().str;
    }
    if (value.is_boolean()) {
        return value.as_boolean() ? "true" : "false";
    }
    if (value.is_integer()) {
        return std::to_string(value.as_integer());
    }
    return toml::format(value);
}

Result<std::vector<Assignment>> read_toml(const std::string& path) {
    toml::value root;
    try {
        root = toml::parse(path);
    } catch (const std::exception& error) {
        return failure("cannot read configuration file " + path + ": " + error.what());
    }
    std::vector<Assignment> assignments;
    for (const auto& [section, table] : root.as_table()) {
        if (!table.is_table()) {
            return failure("configuration file " + path + " line " +
                           std::to_string(table.location().line()) + ": '" + section +
                           "' must be a [section] table");
        }
        for (const auto& [name, value] : table.as_table()) {
            const std::string key = section + "." + name;
            const std::string where =
                "file " + path + " line " + std::to_string(value.location().line());
            if (!find_setting(key)) {
                return failure("unknown key " + key + " in " + where +
                               "; `ov2ha <command> --print-config` lists the known keys");
            }
            if (value.is_table() || value.is_array()) {
                return failure("key " + key + " in " + where + " must be a single value");
            }
            assignments.push_back({key, toml_value_text(value), where});
        }
    }
    return assignments;
}

std::optional<std::string> choose_config_file(const ConfigInputs& inputs) {
    if (inputs.config_file) {
        return inputs.config_file;
    }
    if (const auto it = inputs.environment.find("OV2HA_CONFIG"); it != inputs.environment.end()) {
        return it->second;
    }
    if (std::filesystem::exists(inputs.default_config_file)) {
        return inputs.default_config_file;
    }
    return std::nullopt;
}

// Looks `spec` up in a name -> value source, OV2HA_ name first.
template <class Lookup>
std::optional<Assignment> lookup_names(const SettingSpec& spec, Lookup&& lookup) {
    std::vector<std::string> names{spec.environment_name()};
    names.insert(names.end(), spec.legacy_environment.begin(), spec.legacy_environment.end());
    for (const auto& name : names) {
        if (auto found = lookup(name)) {
            return found;
        }
    }
    return std::nullopt;
}

Result<std::vector<Assignment>> read_dotenv(const std::string& path) {
    auto bytes = read_file(path);
    if (!bytes) {
        return bytes.error();
    }
    auto entries = parse_env_file(*bytes, path);
    if (!entries) {
        return entries.error();
    }
    std::vector<Assignment> assignments;
    for (const auto& spec : all_settings()) {
        auto found = lookup_names(spec, [&](const std::string& name) -> std::optional<Assignment> {
            // The last line naming a variable wins, as in a shell.
            for (auto it = entries->rbegin(); it != entries->rend(); ++it) {
                if (it->name == name) {
                    return Assignment{spec.key, it->value,
                                      path + " line " + std::to_string(it->line) + " (" + name +
                                          ")"};
                }
            }
            return std::nullopt;
        });
        if (found) {
            assignments.push_back(*found);
        }
    }
    return assignments;
}

std::vector<Assignment> read_environment(const std::map<std::string, std::string>& environment) {
    std::vector<Assignment> assignments;
    for (const auto& spec : all_settings()) {
        auto found = lookup_names(spec, [&](const std::string& name) -> std::optional<Assignment> {
            if (const auto it = environment.find(name); it != environment.end()) {
                return Assignment{spec.key, it->second, "environment " + name};
            }
            return std::nullopt;
        });
        if (found) {
            assignments.push_back(*found);
        }
    }
    return assignments;
}

} // namespace

Config Config::defaults() {
    Config config;
    for (const auto& spec : all_settings()) {
        config.m_values[spec.key] = {spec.default_value, "default"};
    }
    return config;
}

Result<Config> Config::load(const ConfigInputs& inputs) {
    Config config = defaults();
    const auto apply = [&config](const std::vector<Assignment>& assignments) {
        for (const auto& assignment : assignments) {
            config.m_values[assignment.key] = {assignment.value, assignment.source};
        }
    };

    if (const auto path = choose_config_file(inputs)) {
        auto from_file = read_toml(*path);
        if (!from_file) {
            return from_file.error();
        }
        apply(*from_file);
    }
    const std::vector<Assignment> from_environment = read_environment(inputs.environment);
    if (!inputs.dotenv_folder_key.empty()) {
        // The folder holding .env is itself a setting: find it without .env first.
        Config without_dotenv = config;
        for (const auto* layer : {&from_environment, &inputs.flags}) {
            for (const auto& assignment : *layer) {
                without_dotenv.m_values[assignment.key] = {assignment.value, assignment.source};
            }
        }
        const std::string dotenv =
            (std::filesystem::path(without_dotenv.text(inputs.dotenv_folder_key)) / ".env")
                .string();
        if (std::filesystem::exists(dotenv)) {
            auto from_dotenv = read_dotenv(dotenv);
            if (!from_dotenv) {
                return from_dotenv.error();
            }
            apply(*from_dotenv);
        }
    }
    apply(from_environment);
    apply(inputs.flags);

    for (const auto& spec : all_settings()) {
        if (!in_sections(spec, inputs.sections)) {
            continue;
        }
        if (auto checked = spec.validate(config.text(spec.key)); !checked) {
            return failure(config.bad_setting_text(spec.key, checked.message()));
        }
    }
    return config;
}

Config Config::with(const std::string& key, const std::string& value,
                    const std::string& source) const {
    Config copy = *this;
    copy.at(key); // throws on an unknown key: a programming error
    copy.m_values[key] = {value, source};
    return copy;
}

const Config::Value& Config::at(const std::string& key) const {
    const auto it = m_values.find(key);
    if (it == m_values.end()) {
        throw std::logic_error("setting " + key + " is not in the settings table");
    }
    return it->second;
}

const std::string& Config::text(const std::string& key) const {
    return at(key).text;
}

long long Config::integer(const std::string& key) const {
    return parse_integer(at(key).text).value_or(0);
}

bool Config::boolean(const std::string& key) const {
    return parse_boolean(at(key).text).value_or(false);
}

const std::string& Config::source(const std::string& key) const {
    return at(key).source;
}

std::string Config::bad_setting_text(const std::string& key, const std::string& why) const {
    const Value& value = at(key);
    const SettingSpec* spec = find_setting(key);
    const std::string shown = spec && spec->secret ? "***" : "\"" + value.text + "\"";
    return "bad setting " + key + "=" + shown + " from " + value.source + ": " + why;
}

std::string Config::describe(const std::vector<std::string>& sections) const {
    std::string text;
    std::string current_section;
    for (const auto& spec : all_settings()) {
        if (!in_sections(spec, sections)) {
            continue;
        }
        if (spec.section() != current_section) {
            current_section = spec.section();
            text += (text.empty() ? "[" : "\n[") + current_section + "]\n";
        }
        const Value& value = at(spec.key);
        const std::string shown = spec.secret && !value.text.empty() ? "***" : value.text;
        text += spec.name() + " = " + json_quote(shown) + "  # " + value.source + "\n";
    }
    return text;
}

std::map<std::string, std::string> process_environment() {
    std::map<std::string, std::string> environment;
    for (char** entry = environ; entry && *entry; ++entry) {
        const std::string_view text(*entry);
        const size_t equals = text.find('=');
        if (equals != std::string_view::npos) {
            environment.emplace(std::string(text.substr(0, equals)),
                                std::string(text.substr(equals + 1)));
        }
    }
    return environment;
}

} // namespace ov2ha
