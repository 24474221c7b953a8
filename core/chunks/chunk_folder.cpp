// Chunk folder listing; see chunk_folder.hpp.
#include "core/chunks/chunk_folder.hpp"

#include <filesystem>

namespace ov2ha::chunks {

Result<std::vector<ChunkFile>> list_chunk_folder(const std::string& folder) {
    std::error_code error;
    if (!std::filesystem::is_directory(folder, error)) {
        return failure("chunk folder " + folder + " does not exist or is not a folder");
    }
    std::vector<ChunkFile> chunks;
    for (std::filesystem::directory_iterator it(folder, error), end; !error && it != end;
         it.increment(error)) {
        if (!it->is_regular_file()) {
            continue;
        }
        if (const auto number = parse_chunk_number(it->path().filename().string())) {
            chunks.push_back({*number, it->path().string()});
        }
    }
    if (error) {
        return failure("cannot list chunk folder " + folder + ": " + error.message());
    }
    sort_chunks(chunks);
    return chunks;
}

} // namespace ov2ha::chunks
