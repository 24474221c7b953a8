// Ownership of one libuv handle: initialised on construction, closed on
// destruction, and freed only in its close callback as libuv requires.
// Loop thread only.
#pragma once

#include <type_traits>
#include <uv.h>

namespace ov2ha {

template <class Handle> class UvHandle {
  public:
    explicit UvHandle(uv_loop_t* loop) : m_handle(new Handle{}) {
        if constexpr (std::is_same_v<Handle, uv_timer_t>) {
            uv_timer_init(loop, m_handle);
        } else if constexpr (std::is_same_v<Handle, uv_signal_t>) {
            uv_signal_init(loop, m_handle);
        } else if constexpr (std::is_same_v<Handle, uv_fs_poll_t>) {
            uv_fs_poll_init(loop, m_handle);
        } else if constexpr (std::is_same_v<Handle, uv_fs_event_t>) {
            uv_fs_event_init(loop, m_handle);
        } else {
            static_assert(sizeof(Handle) == 0, "add this handle type's init call");
        }
    }
    ~UvHandle() { close(); }
    UvHandle(const UvHandle&) = delete;
    UvHandle& operator=(const UvHandle&) = delete;

    Handle* get() const { return m_handle; }

    // Closes now; the memory goes in the close callback. Safe to call twice.
    void close() {
        if (!m_handle) {
            return;
        }
        uv_close(reinterpret_cast<uv_handle_t*>(m_handle),
                 [](uv_handle_t* handle) { delete reinterpret_cast<Handle*>(handle); });
        m_handle = nullptr;
    }

  private:
    Handle* m_handle;
};

} // namespace ov2ha
