// What `ov2ha upload PATH... s3://BUCKET/PREFIX` ships: every file named and every file
// under every folder named, each with its object key. Blocking (walks folders): call at
// start-up or on a worker.
#pragma once

#include "core/base/result.hpp"
#include "core/chunks/chunk_shipper.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ov2ha::chunks {

// A file goes to <prefix>/<its name>; a folder's regular files, found recursively, go to
// <prefix>/<path inside the folder> (a folder's own name is not part of the key, as with
// `aws s3 cp --recursive`); upload journals found in folders stay behind (they describe
// local state). Items are named by their key, in shipping order. Fails with
// words naming a path that does not exist, is neither a file nor a folder, or cannot be
// read, and two files that would land on one key.
Result<std::vector<ShipItem>> plan_upload(const std::vector<std::string>& paths,
                                          std::string_view prefix);

} // namespace ov2ha::chunks
