// Effective configuration: every setting's value and where it came from.
// Sources apply lowest first: defaults < TOML file < .env file < environment
// < flags. Only the sections a command uses are validated and printed.
#pragma once

#include "core/base/result.hpp"
#include "core/base/settings.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ov2ha {

// One value from one source, e.g. {"recorder.crf", "30", "flag --crf"}.
struct Assignment {
    std::string key;
    std::string value;
    std::string source;
};

struct ConfigInputs {
    std::vector<std::string> sections; // sections the command reads, e.g. {"log", "recorder"}
    std::optional<std::string>
        config_file; // --config; else $OV2HA_CONFIG; else /etc/ov2ha/ov2ha.toml
    std::string default_config_file = "/etc/ov2ha/ov2ha.toml"; // read only when present
    std::map<std::string, std::string> environment;
    std::string dotenv_folder_key; // when set, "<value of this key>/.env" is read if present
    std::vector<Assignment> flags;
};

class Config {
  public:
    // Applies every source and validates the winning value of each setting in
    // the command's sections. The error names key, value, source and what is allowed.
    static Result<Config> load(const ConfigInputs& inputs);

    // A Config holding only the defaults, for tests and tools.
    static Config defaults();

    // Copy with one value replaced (used by tests and by callers that derive a
    // value, e.g. video_name from video_id); the key must exist in the table.
    Config with(const std::string& key, const std::string& value, const std::string& source) const;

    const std::string& text(const std::string& key) const;
    long long integer(const std::string& key) const;
    bool boolean(const std::string& key) const;
    const std::string& source(const std::string& key) const;

    // "bad setting KEY="VALUE" from SOURCE: WHY", a secret's value shown as ***: the
    // words for a value that passed its row's validator but cannot work with others.
    std::string bad_setting_text(const std::string& key, const std::string& why) const;

    // "key = value  # source" lines for the given sections, secrets as ***.
    std::string describe(const std::vector<std::string>& sections) const;

  private:
    struct Value {
        std::string text;
        std::string source;
    };
    const Value& at(const std::string& key) const;
    std::map<std::string, Value> m_values;
};

// The process environment as a map (the only place that reads `environ`).
std::map<std::string, std::string> process_environment();

} // namespace ov2ha
