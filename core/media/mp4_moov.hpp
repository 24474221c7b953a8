// Moving a finished MP4's moov box from the end of the file to its front
// (faststart) without rewriting the media where the file system can insert
// room at the start of a file, and the pure moov edits that needs.
#pragma once

#include "core/base/result.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ov2ha::media {

// Adds `delta` to every chunk offset (stco and co64 entries of every
// moov/trak/mdia/minf/stbl) of `moov`, one whole moov box. Pure. Fails in
// words, changing nothing, when the boxes are malformed or an offset would
// not fit its table (32 bits for stco).
Status shift_chunk_offsets(std::span<std::uint8_t> moov, std::uint64_t delta);

// The largest entry of any 32-bit stco table in `moov` (0 when there is
// none), to tell whether a shift still fits. Pure.
Result<std::uint64_t> largest_stco_offset(std::span<const std::uint8_t> moov);

// `moov` with every 32-bit stco table rewritten as a 64-bit co64 table and
// the boxes around it grown to match. Pure.
Result<std::vector<std::uint8_t>> widen_chunk_offsets(std::span<const std::uint8_t> moov);

// Turns the MP4 at `path`, laid out [ftyp]...[moov] with the moov last, into
// [ftyp][moov][free][the rest] and flushes it to disk (fsync; the caller
// syncs the folder). Inserts block-aligned room at the start
// (FALLOC_FL_INSERT_RANGE) where the file system allows it, else writes a
// new file beside it and renames it over `path`. Blocking: call it from a
// worker thread.
Status move_moov_to_front(const std::string& path);

} // namespace ov2ha::media
