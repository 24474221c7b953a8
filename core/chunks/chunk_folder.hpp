// Reading a folder of chunk files (blocking directory listing).
#pragma once

#include "core/base/result.hpp"
#include "core/chunks/chunk_names.hpp"

#include <string>
#include <vector>

namespace ov2ha::chunks {

// The chunk files in `folder`, in numeric order; other files are ignored.
// A missing folder or one that cannot be read is an error naming it.
Result<std::vector<ChunkFile>> list_chunk_folder(const std::string& folder);

} // namespace ov2ha::chunks
