// Result<T>: a value, or the words saying why there is none. Predictable
// failures travel as values; exceptions are kept for start-up and main().
// A module with a richer error (s3::S3Error) names it as the second parameter.
#pragma once

#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace ov2ha {

struct Error {
    std::string message;
};

template <class T, class E = Error> class [[nodiscard]] Result {
  public:
    Result(T value) : m_state(std::move(value)) {}
    Result(E error) : m_state(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<T>(m_state); }
    const T& value() const& { return std::get<T>(m_state); }
    T&& value() && { return std::get<T>(std::move(m_state)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const E& error() const { return std::get<E>(m_state); }
    E& error() { return std::get<E>(m_state); }
    const std::string& message() const requires std::is_same_v<E, Error> { return error().message; }

  private:
    std::variant<T, E> m_state;
};

// Success carries nothing but the fact.
using Status = Result<std::monostate>;

inline Status success() {
    return std::monostate{};
}
inline Error failure(std::string message) {
    return Error{std::move(message)};
}

} // namespace ov2ha
