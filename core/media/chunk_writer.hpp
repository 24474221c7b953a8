// Encoded packets -> numbered fragmented-MP4 chunk files: interleaves the
// streams by time, starts the next file on the lead stream's first keyframe at
// or after each chunk boundary, and never overwrites an existing file.
#pragma once

#include "core/base/result.hpp"
#include "core/media/av_util.hpp"
#include "core/media/chunk_recorder.hpp"

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace ov2ha::media {

struct ChunkWriterSettings {
    std::string folder;             // exists already
    std::uint64_t first_number = 1; // taken when free, else the next free number
    int chunk_seconds = 10;
};

// The chunk period [k * chunk_seconds, (k + 1) * chunk_seconds) of the
// recording timeline that `timestamp` (in `time_base`) falls in; k, never below 0.
std::int64_t chunk_period(std::int64_t timestamp, AVRational time_base, int chunk_seconds);

// Owns the chunk file being written; used by the capture thread only, which is
// also where the chunk callbacks fire. Timestamps stay on one timeline across
// chunks (never reset per chunk), like FFmpeg's segment muxer.
class ChunkWriter {
  public:
    // Whether encoders must put their headers out of band (MP4 does), so each
    // chunk's moov carries them and the chunk plays alone.
    static bool needs_global_header();

    // `encoders` are the output streams in order; stream 0 (video) leads: new
    // chunks start on its keyframes. The encoders must outlive the writer.
    ChunkWriter(ChunkWriterSettings settings, std::vector<const AVCodecContext*> encoders,
                const CaptureCallbacks& callbacks);
    ~ChunkWriter();
    ChunkWriter(const ChunkWriter&) = delete;
    ChunkWriter& operator=(const ChunkWriter&) = delete;

    // Takes an encoded packet of `stream` (timestamps in its encoder's time
    // base) and writes whatever interleaving allows; the first packet creates
    // the first chunk. Blocking file I/O.
    Status write(int stream, Packet packet);

    // Writes every packet still queued (unless a write failed before) and the
    // last chunk's trailer, closes the file and reports it. Call once, after
    // the encoders are drained.
    Status finish();

  private:
    struct OpenChunk;

    Status release(bool everything);
    Status write_one(int stream, AVPacket* packet);
    Status open_chunk(std::int64_t start_microseconds);
    Status close_chunk();
    std::int64_t microseconds(int stream, std::int64_t timestamp) const;

    ChunkWriterSettings m_settings;
    std::vector<const AVCodecContext*> m_encoders;
    const CaptureCallbacks& m_callbacks;
    std::vector<std::deque<Packet>> m_queues;
    std::int64_t m_newest_microseconds = 0;
    std::uint64_t m_next_number;
    std::int64_t m_next_period = 0;
    std::unique_ptr<OpenChunk> m_chunk;
    Status m_write_status = success(); // the first write failure; later writes stop there
};

} // namespace ov2ha::media
