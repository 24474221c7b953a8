// Stream-copy join of numbered chunk files into one faststart MP4, with one
// continuous timeline, cutting truncated chunks and skipping unreadable ones:
// fed one chunk at a time (JoinWriter) or given them all (join_chunks).
#pragma once

#include "core/base/result.hpp"
#include "core/chunks/chunk_names.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ov2ha::media {

// What to join and where. The caller keeps `cancel` alive for the whole call.
struct JoinOptions {
    std::vector<chunks::ChunkFile> chunks; // already in numeric order
    std::string output_path;               // written as temp beside + rename
    // Optional: called on the calling thread after each chunk.
    std::function<void(std::size_t done, std::size_t total)> progress;
    // Optional: when it turns true the join stops early and leaves no output.
    const std::atomic<bool>* cancel = nullptr;
};

// What became of one chunk: "ok" (all of it), "truncated" (its readable
// beginning), or "skipped" (nothing; `detail` says why).
struct ChunkOutcome {
    std::string chunk;       // the chunk's file name, e.g. "0007.mp4"
    std::string status;      // "ok" | "truncated" | "skipped"
    double seconds_kept = 0; // media time taken from this chunk
    std::string detail;      // why it was cut or skipped, or what was dropped or missing
    std::uint64_t packets_kept = 0;
    std::uint64_t packets_dropped = 0; // timestamps that would not increase, damaged packets
};

// What a join produced, for the caller's metadata (.recording, report file).
struct JoinReport {
    std::vector<ChunkOutcome> chunks; // one per input chunk, in input order
    double duration_seconds = 0;      // of the output
    std::uint64_t output_bytes = 0;
    bool has_video = false;
    bool has_audio = false;
};

// A join fed one chunk at a time. Owned by one thread at a time (the caller
// may hand it between worker threads, never use it from two at once); it
// runs one writer thread of its own from the first readable chunk until
// finish() or its destruction.
class JoinWriter {
  public:
    // Starts a join that writes into `temporary_path` (created lazily at the
    // first readable chunk; removed as soon as an append() or finish() fails,
    // else by the destructor, unless finish() renamed it).
    static Result<std::unique_ptr<JoinWriter>> create(std::string temporary_path);
    ~JoinWriter();
    JoinWriter(const JoinWriter&) = delete;
    JoinWriter& operator=(const JoinWriter&) = delete;

    // Copies one chunk onto the end of the output timeline. Blocking. An
    // unreadable or mismatched chunk is recorded (skipped/truncated), not an
    // error; errors are write failures and cancellation (after which the
    // writer is unusable).
    Status append(const chunks::ChunkFile& chunk, const std::atomic<bool>* cancel = nullptr);

    // The chunks given to append(), in order.
    const std::vector<chunks::ChunkFile>& appended() const;

    // Writes the moov, moves it in front of the media, puts the file on disk
    // (fsync) and renames it to `output_path`. Blocking. Fails, leaving
    // nothing, when no chunk was readable; the writer is unusable afterwards.
    Result<JoinReport> finish(const std::string& output_path);

  private:
    struct State;
    explicit JoinWriter(std::unique_ptr<State> state);
    std::unique_ptr<State> m_state;
};

// Joins `options.chunks` into `options.output_path` (moov before mdat) and
// flushes it to disk through a JoinWriter. Blocking: run it on a worker
// thread; it starts one writer thread of its own for the length of the call.
// Fails, leaving no file behind, when no chunk is readable, when cancelled,
// or on a write error; truncated and skipped chunks are not failures.
Result<JoinReport> join_chunks(const JoinOptions& options);

// How many of the report's chunks have `status` ("ok", "truncated" or "skipped"). Pure.
std::size_t count_chunks(const JoinReport& report, const std::string& status);

// The report as a JSON object: duration_seconds, output_bytes, has_video,
// has_audio, counts {ok, truncated, skipped} and chunks [{chunk, status,
// seconds_kept, packets_kept, packets_dropped, detail}]. Pure.
std::string join_report_json(const JoinReport& report);

} // namespace ov2ha::media
