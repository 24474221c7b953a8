// Folder watching; see folder_watcher.hpp.
#include "core/chunks/folder_watcher.hpp"

#include "core/base/log.hpp"
#include "core/base/loop.hpp"
#include "core/chunks/chunk_names.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sys/inotify.h>
#include <unistd.h>

namespace ov2ha::chunks {
namespace {

// Events come in bursts (every write of a chunk is one); one look after the burst.
constexpr std::uint64_t k_event_delay_ms = 50;

constexpr std::uint32_t k_inotify_mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MODIFY | IN_CREATE |
                                         IN_DELETE | IN_MOVED_FROM | IN_DELETE_SELF | IN_MOVE_SELF;

std::int64_t wall_now_ns() {
    using namespace std::chrono;
    return duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count();
}

// What one look found, filled on the worker.
struct Look {
    std::vector<SeenFile> seen;
    std::vector<std::string> gone;
    std::string problem;
};

void list_folder(const std::string& folder, Look& look) {
    std::error_code error;
    for (std::filesystem::directory_iterator it(folder, error), end; !error && it != end;
         it.increment(error)) {
        const std::string name = it->path().filename().string();
        if (!is_shippable_name(name)) {
            continue;
        }
        auto stamp = stamp_file(it->path().string());
        if (stamp && *stamp) {
            look.seen.push_back({name, **stamp});
        }
    }
    if (error) {
        look.problem = "cannot list " + folder + ": " + error.message();
    }
}

void stamp_names(const std::string& folder, const std::vector<std::string>& names, Look& look) {
    for (const auto& name : names) {
        auto stamp = stamp_file((std::filesystem::path(folder) / name).string());
        if (!stamp) {
            look.problem = stamp.message();
        } else if (*stamp) {
            look.seen.push_back({name, **stamp});
        } else {
            look.gone.push_back(name);
        }
    }
}

} // namespace

struct FolderWatcher::Inotify {
    uv_poll_t poll{};
    int fd = -1;
};

FolderWatcher::FolderWatcher(uv_loop_t* loop, std::string folder, WatchSettings settings,
                             std::function<void(const SeenFile&)> finished)
    : m_loop(loop), m_folder(std::move(folder)), m_settings(settings),
      m_finished(std::move(finished)), m_files(settings.settle), m_look_timer(loop),
      m_scan_timer(loop) {
    m_look_timer.get()->data = this;
    m_scan_timer.get()->data = this;
}

FolderWatcher::~FolderWatcher() {
    stop();
}

Status FolderWatcher::start() {
    const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) {
        return failure("cannot start inotify: " + std::string(std::strerror(errno)));
    }
    if (::inotify_add_watch(fd, m_folder.c_str(), k_inotify_mask) < 0) {
        const std::string error = std::strerror(errno);
        ::close(fd);
        return failure("cannot watch folder " + m_folder + ": " + error);
    }
    m_inotify = new Inotify;
    m_inotify->fd = fd;
    m_inotify->poll.data = this;
    int rc = uv_poll_init(m_loop, &m_inotify->poll, fd);
    if (rc != 0) {
        ::close(fd);
        delete m_inotify;
        m_inotify = nullptr;
        return failure(uv_error_text("poll the inotify descriptor", rc));
    }
    rc = uv_poll_start(&m_inotify->poll, UV_READABLE, [](uv_poll_t* poll, int status, int) {
        auto* self = static_cast<FolderWatcher*>(poll->data);
        if (status < 0) {
            log::warn("folder watch failed; relying on the periodic scan",
                      {{"folder", self->m_folder}, {"error", uv_strerror(status)}});
            uv_poll_stop(poll);
            return;
        }
        self->on_readable();
    });
    if (rc != 0) {
        return failure(uv_error_text("poll the inotify descriptor", rc));
    }
    const auto interval = static_cast<std::uint64_t>(m_settings.scan_interval.count());
    uv_timer_start(
        m_scan_timer.get(),
        [](uv_timer_t* timer) {
            auto* self = static_cast<FolderWatcher*>(timer->data);
            self->m_full_wanted = true;
            self->schedule_look(0);
        },
        interval, interval);
    m_full_wanted = true;
    schedule_look(0);
    return success();
}

void FolderWatcher::stop() {
    m_stopped = true;
    m_alive.reset();
    if (m_inotify) {
        uv_close(reinterpret_cast<uv_handle_t*>(&m_inotify->poll), [](uv_handle_t* handle) {
            auto* inotify = reinterpret_cast<Inotify*>(handle);
            ::close(inotify->fd);
            delete inotify;
        });
        m_inotify = nullptr;
    }
    m_look_timer.close();
    m_scan_timer.close();
}

void FolderWatcher::on_readable() {
    alignas(inotify_event) char buffer[16 * 1024];
    for (;;) {
        const ssize_t length = ::read(m_inotify->fd, buffer, sizeof buffer);
        if (length < 0 && errno == EINTR) {
            continue;
        }
        if (length <= 0) {
            break; // EAGAIN: drained
        }
        for (ssize_t offset = 0; offset < length;) {
            const auto* event = reinterpret_cast<const inotify_event*>(buffer + offset);
            offset += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
            const std::string name = event->len > 0 ? event->name : "";
            if ((event->mask & (IN_Q_OVERFLOW | IN_DELETE_SELF | IN_MOVE_SELF)) || name.empty()) {
                // Lost events, or the folder itself went away: look at everything.
                m_full_wanted = true;
                continue;
            }
            if (!is_shippable_name(name)) {
                continue;
            }
            m_wanted.insert(name);
            if (event->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) {
                m_closed.insert(name);
            }
        }
    }
    if (m_full_wanted || !m_wanted.empty()) {
        schedule_look(k_event_delay_ms);
    }
}

void FolderWatcher::schedule_look(std::uint64_t delay_ms) {
    if (m_stopped) {
        return;
    }
    uv_timer_t* timer = m_look_timer.get();
    if (uv_is_active(reinterpret_cast<uv_handle_t*>(timer)) &&
        uv_timer_get_due_in(timer) <= delay_ms) {
        return;
    }
    uv_timer_start(
        timer, [](uv_timer_t* handle) { static_cast<FolderWatcher*>(handle->data)->look(); },
        delay_ms, 0);
}

void FolderWatcher::look() {
    if (m_stopped || m_looking) {
        return; // a look under way schedules the next one when it ends
    }
    const bool full = m_full_wanted;
    std::set<std::string> wanted = std::move(m_wanted);
    std::set<std::string> closed = std::move(m_closed);
    m_wanted.clear();
    m_closed.clear();
    m_full_wanted = false;
    for (auto& name : m_files.settling()) {
        wanted.insert(std::move(name));
    }
    std::vector<std::string> names(wanted.begin(), wanted.end());
    m_looking = true;
    auto found = std::make_shared<Look>();
    run_on_worker(
        m_loop,
        [found, full, names = std::move(names), folder = m_folder] {
            if (full) {
                list_folder(folder, *found);
            } else {
                stamp_names(folder, names, *found);
            }
        },
        [this, alive = std::weak_ptr<bool>(m_alive), found, full, closed = std::move(closed)] {
            if (alive.expired()) {
                return;
            }
            if (!found->problem.empty()) {
                log::warn("folder look failed; trying again later",
                          {{"folder", m_folder}, {"error", found->problem}});
            }
            for (const auto& name : found->gone) {
                m_files.saw(name, std::nullopt, 0, 0);
            }
            on_looked(full && found->problem.empty(), found->seen, closed);
        });
}

void FolderWatcher::on_looked(bool full, const std::vector<SeenFile>& seen,
                              const std::set<std::string>& closed) {
    m_looking = false;
    const auto now_ms = static_cast<std::int64_t>(uv_now(m_loop));
    const std::int64_t wall_ns = wall_now_ns();
    if (full) {
        m_files.saw_all(seen, now_ms, wall_ns);
    } else {
        for (const auto& file : seen) {
            m_files.saw(file.name, file.stamp, now_ms, wall_ns);
        }
    }
    for (const auto& name : closed) {
        m_files.closed(name);
    }
    for (const auto& file : m_files.take_settled(now_ms)) {
        if (m_stopped) {
            return;
        }
        m_finished(file);
    }
    if (m_stopped) {
        return;
    }
    if (m_full_wanted || !m_wanted.empty()) {
        schedule_look(k_event_delay_ms);
    } else if (const auto next = m_files.next_check_ms()) {
        schedule_look(static_cast<std::uint64_t>(std::max<std::int64_t>(0, *next - now_ms)));
    }
}

} // namespace ov2ha::chunks
