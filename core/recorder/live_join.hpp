// Joins a recording's chunks while it is still being recorded, one chunk as
// each closes, so that stopping only adds the last chunk and places the moov:
// stop -> exit stays short however long the recording is.
#pragma once

#include "core/base/result.hpp"
#include "core/chunks/chunk_names.hpp"
#include "core/media/joiner.hpp"

#include <functional>
#include <memory>
#include <string>
#include <uv.h>

namespace ov2ha::recorder {

// Loop thread only. The join itself runs on worker threads, one chunk at a
// time, in the order the chunks were added.
class LiveJoin {
  public:
    LiveJoin(uv_loop_t* loop, std::string chunk_folder, std::string final_video);
    ~LiveJoin();
    LiveJoin(const LiveJoin&) = delete;
    LiveJoin& operator=(const LiveJoin&) = delete;

    // Queues the chunks already in the folder (an earlier run's, after a
    // restart), so the final video holds them too.
    void start();

    // Queues a chunk that has just been closed.
    void add(chunks::ChunkFile chunk);

    // Once every queued chunk is in, writes the final video. When the chunk
    // folder no longer matches what was joined (a chunk appeared out of order,
    // or a write failed), joins the whole folder again instead. `done` runs
    // once, on the loop thread.
    void finish(std::function<void(Result<media::JoinReport>)> done);

  private:
    struct State;
    std::shared_ptr<State> m_state; // shared with the worker jobs in flight
};

} // namespace ov2ha::recorder
