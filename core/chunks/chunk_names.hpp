// Chunk file names and order: NNNN.mp4 with at least four digits, first chunk
// 0001, ordered by number (10000.mp4 follows 9999.mp4). Pure, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ov2ha::chunks {

// "0007.mp4" for 7, "10000.mp4" for 10000.
std::string chunk_file_name(std::uint64_t number);

// The number in a chunk file name, or nullopt for any other name
// (hidden files, temporaries, other extensions, fewer than four digits).
std::optional<std::uint64_t> parse_chunk_number(std::string_view file_name);

struct ChunkFile {
    std::uint64_t number = 0;
    std::string path;
};

// Sorts by number; the order every reader of chunks uses.
void sort_chunks(std::vector<ChunkFile>& chunks);

// The order files are shipped in: chunk names (NNNN.mp4, judged by the text after the last
// '/') by number, then every other name by text. A strict weak order.
bool ships_before(std::string_view a, std::string_view b);

// False for names a watcher must leave alone: hidden files (".x", which includes ov2ha's
// own temporaries and journal) and temporaries (*.tmp, *.part, *.partial, *.swp, *~).
bool is_shippable_name(std::string_view file_name);

// The number a new chunk takes: one past the highest seen anywhere, and not
// below `start_chunk` (START_CHUNK). Numbers may skip, never repeat.
std::uint64_t next_chunk_number(std::optional<std::uint64_t> highest_local,
                                std::optional<std::uint64_t> highest_remote,
                                std::uint64_t start_chunk);

} // namespace ov2ha::chunks
