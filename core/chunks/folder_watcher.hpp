// Watches one folder for finished files. The kernel's inotify, polled by libuv (uv_poll on
// the inotify descriptor, because uv_fs_event does not subscribe to IN_CLOSE_WRITE), says
// which names changed and which were closed or renamed into place; a full listing every
// scan interval catches whatever events miss; StableFiles decides when a file is finished.
// File-system looks run on a worker, one at a time. Linux; loop thread only.
#pragma once

#include "core/base/result.hpp"
#include "core/base/uv_handle.hpp"
#include "core/chunks/stable_files.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <uv.h>

namespace ov2ha::chunks {

// How long a file must stay unchanged, and how often the whole folder is listed.
struct WatchSettings {
    std::chrono::milliseconds settle{2000};        // unchanged this long means finished
    std::chrono::milliseconds scan_interval{5000}; // full listing this often
};

// One folder's watch; see the top of this file. Owns its inotify descriptor, poll handle
// and timers, all released by stop().
class FolderWatcher {
  public:
    // `finished` runs on the loop thread for each finished shippable file of `folder`
    // (not in subfolders; see chunks::is_shippable_name), once per version of the file,
    // in shipping order within one look. It may call stop().
    FolderWatcher(uv_loop_t* loop, std::string folder, WatchSettings settings,
                  std::function<void(const SeenFile&)> finished);
    ~FolderWatcher();
    FolderWatcher(const FolderWatcher&) = delete;
    FolderWatcher& operator=(const FolderWatcher&) = delete;

    // Starts the inotify watch, the periodic scan and a first full look. Fails with words
    // when the folder cannot be watched.
    Status start();

    // Stops every handle; `finished` is not called afterwards. Safe to call twice.
    void stop();

  private:
    struct Inotify; // the inotify descriptor and its poll handle; freed in the close callback

    void on_readable();
    void schedule_look(std::uint64_t delay_ms);
    void look();
    // Feeds one look's findings to StableFiles (a full listing also forgets files that
    // are gone), hands out the finished files and schedules the next look.
    void on_looked(bool full, const std::vector<SeenFile>& seen,
                   const std::set<std::string>& closed);

    uv_loop_t* m_loop;
    std::string m_folder;
    WatchSettings m_settings;
    std::function<void(const SeenFile&)> m_finished;
    StableFiles m_files;
    Inotify* m_inotify = nullptr;
    UvHandle<uv_timer_t> m_look_timer;
    UvHandle<uv_timer_t> m_scan_timer;
    bool m_stopped = false;
    bool m_looking = false;
    bool m_full_wanted = false;
    std::set<std::string> m_wanted; // names events mentioned since the last look
    std::set<std::string> m_closed; // of those, closed after writing or renamed in
    // Worker callbacks hold it weakly to learn that the watcher is gone.
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
};

} // namespace ov2ha::chunks
