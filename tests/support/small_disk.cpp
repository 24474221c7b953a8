// A size-limited tmpfs for full-disk tests; see small_disk.hpp.
#include "tests/support/small_disk.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace ov2ha::test {
namespace {

// At the disk's top; tests work in folders below it, so listings never show it.
constexpr const char* k_ballast = "ballast";

} // namespace

std::unique_ptr<SmallDisk> SmallDisk::mount(std::uint64_t bytes, std::string& why_not) {
    auto disk = std::unique_ptr<SmallDisk>(new SmallDisk(std::make_unique<TempDir>()));
    std::filesystem::create_directory(disk->m_path);
    const std::string options = "size=" + std::to_string(bytes) + ",mode=0755";
    if (::mount("tmpfs", disk->m_path.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) !=
        0) {
        why_not = "cannot mount a " + std::to_string(bytes) + "-byte tmpfs on " + disk->m_path +
                  ": " + std::strerror(errno) + " (full-disk tests need root or CAP_SYS_ADMIN)";
        disk->m_path.clear();
        return nullptr;
    }
    return disk;
}

SmallDisk::SmallDisk(std::unique_ptr<TempDir> parent)
    : m_parent(std::move(parent)), m_path(*m_parent / "disk") {}

SmallDisk::~SmallDisk() {
    if (m_path.empty()) {
        return;
    }
    if (::umount2(m_path.c_str(), 0) != 0 && errno == EBUSY) {
        // A process of the test still holds a file open: detach now, freed when it closes.
        ::umount2(m_path.c_str(), MNT_DETACH);
    }
}

bool SmallDisk::fill(std::uint64_t leave_bytes) {
    const int fd = ::open((*this / k_ballast).c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0) {
        return false;
    }
    const std::string block(4096, '\0');
    bool written = true;
    while (available() > leave_bytes) {
        const std::uint64_t wanted =
            std::min<std::uint64_t>(block.size(), available() - leave_bytes);
        if (::write(fd, block.data(), wanted) < 0) {
            written = errno == ENOSPC;
            break;
        }
    }
    return ::close(fd) == 0 && written;
}

void SmallDisk::free_space() {
    ::unlink((*this / k_ballast).c_str());
}

std::uint64_t SmallDisk::available() const {
    struct statvfs stats {};
    if (::statvfs(m_path.c_str(), &stats) != 0) {
        return 0;
    }
    return static_cast<std::uint64_t>(stats.f_bavail) * stats.f_frsize;
}

} // namespace ov2ha::test
