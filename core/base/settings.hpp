// The one table of every ov2ha setting: key, type, default, validator, TOML
// path, environment names, secret flag, flag name and help. Config reads it;
// the CLI builds flags from it; --print-config walks it.
#pragma once

#include "core/base/validators.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ov2ha {

enum class SettingType { text, integer, boolean };

struct SettingSpec {
    std::string key; // "section.name": TOML table [section], key name
    SettingType type = SettingType::text;
    std::string default_value; // as text; empty means "not set"
    Validator validate;
    std::vector<std::string> legacy_environment; // ov2-ha-recorder names, e.g. CHUNK_TIME_SIZE
    bool secret = false;
    std::string flag; // "--chunk-time-size"; empty when there is no flag
    std::string help;

    std::string section() const;
    std::string name() const;
    // OV2HA_<SECTION>_<NAME>, checked before the legacy names.
    std::string environment_name() const;
};

const std::vector<SettingSpec>& all_settings();

// nullptr when `key` is not in the table.
const SettingSpec* find_setting(std::string_view key);

} // namespace ov2ha
