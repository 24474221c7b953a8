// Upload journal lines and file; see upload_journal.hpp.
#include "core/chunks/upload_journal.hpp"

#include "core/base/json_text.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <rapidjson/document.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ov2ha::chunks {
namespace {

std::string errno_text(const std::string& action, const std::string& path) {
    return "cannot " + action + " upload journal " + path + ": " + std::strerror(errno);
}

std::optional<JournalEntry> parse_line(std::string_view line) {
    rapidjson::Document document;
    document.Parse(line.data(), line.size());
    if (document.HasParseError() || !document.IsObject()) {
        return std::nullopt;
    }
    const auto text = [&document](const char* name) -> const rapidjson::Value* {
        const auto found = document.FindMember(name);
        return found != document.MemberEnd() && found->value.IsString() ? &found->value : nullptr;
    };
    const auto size = document.FindMember("size");
    const auto mtime = document.FindMember("mtime_ns");
    const rapidjson::Value* name = text("name");
    const rapidjson::Value* key = text("key");
    const rapidjson::Value* etag = text("etag");
    if (!name || !key || !etag || size == document.MemberEnd() || !size->value.IsUint64() ||
        mtime == document.MemberEnd() || !mtime->value.IsInt64() || name->GetStringLength() == 0) {
        return std::nullopt;
    }
    return JournalEntry{std::string(name->GetString(), name->GetStringLength()),
                        FileStamp{size->value.GetUint64(), mtime->value.GetInt64()},
                        std::string(key->GetString(), key->GetStringLength()),
                        std::string(etag->GetString(), etag->GetStringLength())};
}

// Reads the whole file from offset 0.
Result<std::string> read_all(int fd, const std::string& path) {
    std::string bytes;
    char buffer[65536];
    for (off_t offset = 0;;) {
        const ssize_t n = ::pread(fd, buffer, sizeof buffer, offset);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return failure(errno_text("read", path));
        }
        if (n == 0) {
            return bytes;
        }
        bytes.append(buffer, static_cast<size_t>(n));
        offset += n;
    }
}

} // namespace

std::string journal_line(const JournalEntry& entry) {
    return "{\"name\":" + json_quote(entry.name) + ",\"size\":" + std::to_string(entry.stamp.size) +
           ",\"mtime_ns\":" + std::to_string(entry.stamp.mtime_ns) +
           ",\"key\":" + json_quote(entry.key) + ",\"etag\":" + json_quote(entry.etag) + "}\n";
}

ParsedJournal parse_journal(std::string_view text) {
    ParsedJournal parsed;
    for (size_t start = 0; start < text.size();) {
        const size_t end = text.find('\n', start);
        if (end == std::string_view::npos) {
            break; // a torn last line
        }
        const std::string_view line = text.substr(start, end - start);
        if (auto entry = parse_line(line)) {
            parsed.entries.push_back(std::move(*entry));
        } else if (!line.empty()) {
            ++parsed.bad_lines;
        }
        start = end + 1;
        parsed.whole_bytes = start;
    }
    return parsed;
}

void JournalIndex::add(JournalEntry entry) {
    std::string name = entry.name;
    m_latest.insert_or_assign(std::move(name), std::move(entry));
}

bool JournalIndex::confirms(const std::string& name, const std::string& key,
                            const FileStamp& stamp) const {
    const auto found = m_latest.find(name);
    return found != m_latest.end() && found->second.key == key && found->second.stamp == stamp;
}

Result<UploadJournal::Opened> UploadJournal::open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        return failure(errno_text("open", path));
    }
    // Owns fd from here, so every early return closes it.
    std::unique_ptr<UploadJournal> journal(new UploadJournal(path, fd, 0));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK) {
            return failure("upload journal " + path +
                           " is locked by another ov2ha process shipping the same folder");
        }
        return failure(errno_text("lock", path));
    }
    auto text = read_all(fd, path);
    if (!text) {
        return text.error();
    }
    Opened opened;
    opened.contents = parse_journal(*text);
    opened.torn_bytes = text->size() - opened.contents.whole_bytes;
    if (opened.torn_bytes > 0) {
        if (::ftruncate(fd, static_cast<off_t>(opened.contents.whole_bytes)) != 0 ||
            ::fdatasync(fd) != 0) {
            return failure(errno_text("cut the torn last line off", path));
        }
    }
    if (auto synced = fsync_folder_of(path); !synced) {
        return synced.error();
    }
    journal->m_size = opened.contents.whole_bytes;
    opened.journal = std::move(journal);
    return opened;
}

UploadJournal::~UploadJournal() {
    ::close(m_fd);
}

Status UploadJournal::append(const std::vector<JournalEntry>& entries) {
    std::string text;
    for (const auto& entry : entries) {
        text += journal_line(entry);
    }
    size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(m_fd, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            const std::string error = errno_text("append to", m_path);
            if (::ftruncate(m_fd, static_cast<off_t>(m_size)) != 0) {
                return failure(
                    error + "; cutting the partial line off failed too: " + std::strerror(errno));
            }
            return failure(error);
        }
        written += static_cast<size_t>(n);
    }
    if (::fdatasync(m_fd) != 0) {
        return failure(errno_text("flush", m_path));
    }
    m_size += text.size();
    return success();
}

} // namespace ov2ha::chunks
