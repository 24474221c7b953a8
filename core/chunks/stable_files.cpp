// Settle-time decisions for watched files; see stable_files.hpp.
#include "core/chunks/stable_files.hpp"

#include "core/chunks/chunk_names.hpp"

#include <algorithm>
#include <set>

namespace ov2ha::chunks {

void StableFiles::saw(const std::string& name, const std::optional<FileStamp>& stamp,
                      std::int64_t now_ms, std::int64_t wall_now_ns) {
    if (!stamp) {
        m_files.erase(name);
        return;
    }
    const bool old_enough = wall_now_ns - stamp->mtime_ns >= m_settle_ms * 1'000'000;
    auto [it, added] = m_files.try_emplace(name);
    State& state = it->second;
    if (added || !(state.stamp == *stamp)) {
        state = State{*stamp, now_ms, old_enough, false, false};
        return;
    }
    state.old_enough = state.old_enough || old_enough;
}

void StableFiles::saw_all(const std::vector<SeenFile>& files, std::int64_t now_ms,
                          std::int64_t wall_now_ns) {
    std::set<std::string> present;
    for (const auto& file : files) {
        present.insert(file.name);
        saw(file.name, file.stamp, now_ms, wall_now_ns);
    }
    std::erase_if(m_files,
                  [&present](const auto& entry) { return !present.contains(entry.first); });
}

void StableFiles::closed(const std::string& name) {
    if (const auto found = m_files.find(name); found != m_files.end()) {
        found->second.closed = true;
    }
}

bool StableFiles::settled(const State& state, std::int64_t now_ms) const {
    return state.closed || state.old_enough || now_ms - state.since_ms >= m_settle_ms;
}

std::vector<SeenFile> StableFiles::take_settled(std::int64_t now_ms) {
    std::vector<SeenFile> ready;
    for (auto& [name, state] : m_files) {
        if (!state.handed_out && settled(state, now_ms)) {
            state.handed_out = true;
            ready.push_back({name, state.stamp});
        }
    }
    std::sort(ready.begin(), ready.end(),
              [](const SeenFile& a, const SeenFile& b) { return ships_before(a.name, b.name); });
    return ready;
}

std::optional<std::int64_t> StableFiles::next_check_ms() const {
    std::optional<std::int64_t> earliest;
    for (const auto& [name, state] : m_files) {
        if (!state.handed_out) {
            const std::int64_t due = state.since_ms + m_settle_ms;
            earliest = earliest ? std::min(*earliest, due) : due;
        }
    }
    return earliest;
}

std::vector<std::string> StableFiles::settling() const {
    std::vector<std::string> names;
    for (const auto& [name, state] : m_files) {
        if (!state.handed_out) {
            names.push_back(name);
        }
    }
    return names;
}

} // namespace ov2ha::chunks
