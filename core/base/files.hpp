// Small file-system helpers with errors in words: atomic replacement of a
// file, whole-file reads, folder creation. Blocking: call from a worker or at
// start-up, never from a loop callback.
#pragma once

#include "core/base/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ov2ha {

// Writes `bytes` to a temporary file beside `path`, fsyncs it, renames it over
// `path` and fsyncs the folder, so readers see the old file or the new one.
Status write_file_atomically(const std::string& path, std::string_view bytes);

// Renames an already written `temporary` over `path` and fsyncs the folder.
Status replace_file(const std::string& temporary, const std::string& path);

// "cannot <action> <path>: <errno's words>", for a system call that just failed.
std::string errno_text(const std::string& action, const std::string& path);

// Fsyncs the folder holding `path`, so a file created, renamed or cut there stays.
Status fsync_folder_of(const std::string& path);

// The temporary name used beside `path` ("<folder>/.<name>.tmp-<pid>").
std::string temporary_path_for(const std::string& path);

Result<std::string> read_file(const std::string& path);

// Creates `path` and its parents (like mkdir -p).
Status make_folders(const std::string& path);

// What tells one version of a file from the next: its size and modification time.
struct FileStamp {
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0; // nanoseconds since the epoch

    bool operator==(const FileStamp&) const = default;
};

// The stamp of the regular file at `path` (symbolic links followed); nullopt when there
// is no such file or it is not a regular file. Other failures are errors in words.
Result<std::optional<FileStamp>> stamp_file(const std::string& path);

} // namespace ov2ha
