// The upload journal: which files of a folder are confirmed in the bucket, kept in the
// folder itself as append-only JSON lines, one per confirmation, each written with
// O_APPEND and made durable with fdatasync before the confirmation counts. The parsing and
// merging are pure; UploadJournal does the file work and blocks (use a worker).
#pragma once

#include "core/base/files.hpp"
#include "core/base/result.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ov2ha::chunks {

// The journal's name inside the folder it describes; hidden, so watchers skip it.
inline constexpr const char* k_journal_file_name = ".ov2ha-upload-journal";

// One confirmed upload: the file `name` (relative to the folder), as it was when
// uploaded, is stored as `key` with `etag`.
struct JournalEntry {
    std::string name;
    FileStamp stamp;
    std::string key;
    std::string etag;
};

// One entry as a journal line, newline included.
std::string journal_line(const JournalEntry& entry);

// What a journal's text holds.
struct ParsedJournal {
    std::vector<JournalEntry> entries; // in file order
    std::size_t whole_bytes = 0;       // bytes up to and including the last newline
    std::size_t bad_lines = 0;         // complete lines that are not entries (skipped)
};

// Reads every complete line; text after the last newline is a torn write and is left out
// of whole_bytes so the caller can cut it off.
ParsedJournal parse_journal(std::string_view text);

// The latest entry per file name: a later confirmation of the same name replaces an
// earlier one.
class JournalIndex {
  public:
    void add(JournalEntry entry);

    // True when `name` was confirmed as `key` while it had exactly `stamp`: a file that
    // changed since, or went to another key, is not confirmed.
    bool confirms(const std::string& name, const std::string& key, const FileStamp& stamp) const;

    std::size_t size() const { return m_latest.size(); }

  private:
    std::map<std::string, JournalEntry> m_latest;
};

// The open journal file of one folder. One owner; every call blocks, so call it from one
// worker at a time (or at start-up). Holds an exclusive lock on the file, so two ov2ha
// processes never ship the same folder.
class UploadJournal {
  public:
    struct Opened;

    // Opens (creating it if missing) the journal at `path`, takes the lock, reads it and
    // cuts a torn last line off. Fails with words when the file cannot be read or written
    // or another process holds it.
    static Result<Opened> open(const std::string& path);
    ~UploadJournal();
    UploadJournal(const UploadJournal&) = delete;
    UploadJournal& operator=(const UploadJournal&) = delete;

    // Appends one line per entry with one write and makes it durable. On failure the file
    // is cut back to what it held before, so no torn line stays behind.
    Status append(const std::vector<JournalEntry>& entries);

  private:
    UploadJournal(std::string path, int fd, std::uint64_t size)
        : m_path(std::move(path)), m_fd(fd), m_size(size) {}

    std::string m_path;
    int m_fd;
    std::uint64_t m_size; // bytes in the file, all of them whole lines
};

// What open() found.
struct UploadJournal::Opened {
    std::unique_ptr<UploadJournal> journal;
    ParsedJournal contents;
    std::size_t torn_bytes = 0; // cut off the end
};

} // namespace ov2ha::chunks
