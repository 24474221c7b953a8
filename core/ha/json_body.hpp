// A JSON object written field by field, for API answers: keys in the order written, strings
// escaped, already-serialised JSON embedded as is. Pure.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace ov2ha::ha {

// One object under construction; owned by its writer, single thread.
class JsonBody {
  public:
    JsonBody();
    ~JsonBody();
    JsonBody(const JsonBody&) = delete;
    JsonBody& operator=(const JsonBody&) = delete;

    // Each adds one member (key, then value) and returns the body for the next one.
    JsonBody& text(std::string_view key, std::string_view value);
    JsonBody& integer(std::string_view key, long long value);
    JsonBody& real(std::string_view key, double value);
    JsonBody& boolean(std::string_view key, bool value);
    JsonBody& null(std::string_view key);
    // `json` must be one complete JSON value; it is copied verbatim.
    JsonBody& raw(std::string_view key, std::string_view json);

    // The finished object's text; the body takes nothing more afterwards.
    std::string finish();

  private:
    struct State;
    void key(std::string_view name);

    std::unique_ptr<State> m_state;
};

} // namespace ov2ha::ha
