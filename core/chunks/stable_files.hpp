// When a file in a watched folder is finished: its writer closed it (or renamed it into
// place) and it has not changed since, or its size and modification time have not changed
// for a settle time (writers that keep files open, events that were lost). Pure: every
// look at the folder, every event and every clock reading comes in from the caller.
#pragma once

#include "core/base/files.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ov2ha::chunks {

// One file as a look at the folder saw it.
struct SeenFile {
    std::string name;
    FileStamp stamp;
};

// What the looks so far say about each file of one folder. One owner, no thread of its own.
class StableFiles {
  public:
    explicit StableFiles(std::chrono::milliseconds settle) : m_settle_ms(settle.count()) {}

    // One look at `name` at monotonic time `now_ms` and real time `wall_now_ns`: its
    // stamp, or nullopt when it is gone. A file is settled once its stamp stayed the same
    // for the settle time, measured on the monotonic clock from the first look that saw
    // it, or at once when its mtime is already that old by the real clock (a backlog
    // found at start).
    void saw(const std::string& name, const std::optional<FileStamp>& stamp, std::int64_t now_ms,
             std::int64_t wall_now_ns);

    // A whole listing of the folder: files missing from it are gone.
    void saw_all(const std::vector<SeenFile>& files, std::int64_t now_ms, std::int64_t wall_now_ns);

    // The writer closed `name` (inotify IN_CLOSE_WRITE) or renamed it into the folder
    // (IN_MOVED_TO) before the last look saw it: that version is finished at once. A later
    // change makes it settle again.
    void closed(const std::string& name);

    // The settled files not handed out before with their current stamp, in shipping
    // order (chunks::ships_before); a file is handed out again only after it changed.
    std::vector<SeenFile> take_settled(std::int64_t now_ms);

    // When the earliest file still settling may be settled; nullopt when none is.
    std::optional<std::int64_t> next_check_ms() const;

    // The names still settling, for the next look.
    std::vector<std::string> settling() const;

  private:
    struct State {
        FileStamp stamp;
        std::int64_t since_ms = 0; // first look that saw this stamp
        bool old_enough = false;   // its mtime was settle-time old by the real clock
        bool closed = false;       // its writer closed it
        bool handed_out = false;
    };

    bool settled(const State& state, std::int64_t now_ms) const;

    std::int64_t m_settle_ms;
    std::map<std::string, State> m_files;
};

} // namespace ov2ha::chunks
