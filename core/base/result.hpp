// Result<T>: a value, or the words saying why there is none. Predictable
// failures travel as values; exceptions are kept for start-up and main().
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace ov2ha {

struct Error {
    std::string message;
};

template <class T> class [[nodiscard]] Result {
  public:
    Result(T value) : m_state(std::move(value)) {}
    Result(Error error) : m_state(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<T>(m_state); }
    const T& value() const& { return std::get<T>(m_state); }
    T&& value() && { return std::get<T>(std::move(m_state)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const { return std::get<Error>(m_state); }
    const std::string& message() const { return error().message; }

  private:
    std::variant<T, Error> m_state;
};

// Success carries nothing but the fact.
using Status = Result<std::monostate>;

inline Status success() { return std::monostate{}; }
inline Error failure(std::string message) { return Error{std::move(message)}; }

} // namespace ov2ha
