// File helpers; see files.hpp.
#include "core/base/files.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace ov2ha {

std::string errno_text(const std::string& action, const std::string& path) {
    return "cannot " + action + " " + path + ": " + std::strerror(errno);
}

Status fsync_folder_of(const std::string& path) {
    const std::string folder = std::filesystem::path(path).parent_path().string();
    const int fd =
        ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return failure(errno_text("open folder", folder));
    }
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) {
        return failure(errno_text("fsync folder", folder));
    }
    return success();
}

std::string temporary_path_for(const std::string& path) {
    const std::filesystem::path target(path);
    return (target.parent_path() /
            ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid())))
        .string();
}

Status replace_file(const std::string& temporary, const std::string& path) {
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
        const std::string text = errno_text("rename " + temporary + " to", path);
        ::unlink(temporary.c_str());
        return failure(text);
    }
    return fsync_folder_of(path);
}

Status write_file_atomically(const std::string& path, std::string_view bytes) {
    const std::string temporary = temporary_path_for(path);
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        return failure(errno_text("create", temporary));
    }
    size_t written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            const std::string text = errno_text("write", temporary);
            ::close(fd);
            ::unlink(temporary.c_str());
            return failure(text);
        }
        written += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const std::string text = errno_text("flush", temporary);
        ::unlink(temporary.c_str());
        return failure(text);
    }
    return replace_file(temporary, path);
}

Result<std::string> read_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return failure(errno_text("open", path));
    }
    std::string bytes;
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            const std::string text = errno_text("read", path);
            ::close(fd);
            return failure(text);
        }
        if (n == 0) {
            break;
        }
        bytes.append(buffer, static_cast<size_t>(n));
    }
    ::close(fd);
    return bytes;
}

Result<std::optional<FileStamp>> stamp_file(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) {
            return std::optional<FileStamp>();
        }
        return failure(errno_text("stat", path));
    }
    if (!S_ISREG(info.st_mode)) {
        return std::optional<FileStamp>();
    }
    return std::optional<FileStamp>(FileStamp{
        static_cast<std::uint64_t>(info.st_size),
        static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec});
}

Status make_folders(const std::string& path) {
    std::error_code error;
    std::filesystem::create_directories(path, error);
    if (error) {
        return failure("cannot create folder " + path + ": " + error.message());
    }
    return success();
}

} // namespace ov2ha
