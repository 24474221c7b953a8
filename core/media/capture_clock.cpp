// The recording's clock and stop request; see capture_clock.hpp.
#include "core/media/capture_clock.hpp"

namespace ov2ha::media {

void CaptureClock::start() {
    m_origin = std::chrono::steady_clock::now();
}

std::int64_t CaptureClock::elapsed_microseconds() const {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                 m_origin)
        .count();
}

bool CaptureClock::sleep_until(std::int64_t elapsed) {
    const auto deadline = m_origin + std::chrono::microseconds(elapsed);
    std::unique_lock lock(m_mutex);
    return !m_wake.wait_until(lock, deadline, [this] { return stop_requested(); });
}

void CaptureClock::request_stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stop.store(true);
    }
    m_wake.notify_all();
}

bool CaptureClock::stop_requested() const {
    return m_stop.load();
}

int CaptureClock::interrupt_callback(void* opaque) {
    return static_cast<const CaptureClock*>(opaque)->stop_requested() ? 1 : 0;
}

} // namespace ov2ha::media
