// A small real disk for tests: a size-limited tmpfs mounted on a fresh folder, so that
// writes fail with ENOSPC as on a full disk. Needs root (CAP_SYS_ADMIN); tests only.
#pragma once

#include "tests/support/process.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace ov2ha::test {

class SmallDisk {
  public:
    // Mounts a tmpfs of `bytes` on a fresh folder. Null when mounting is not permitted,
    // with the reason in `why_not`.
    static std::unique_ptr<SmallDisk> mount(std::uint64_t bytes, std::string& why_not);
    // Unmounts (lazily when a file on it is still open), also when the test failed.
    ~SmallDisk();
    SmallDisk(const SmallDisk&) = delete;
    SmallDisk& operator=(const SmallDisk&) = delete;

    // The mount point.
    const std::string& path() const { return m_path; }
    std::string operator/(const std::string& name) const { return m_path + "/" + name; }

    // Fills the disk with a ballast file at its top until at most `leave_bytes` stay free
    // (tests work in folders below the top); false when the ballast could not be written.
    bool fill(std::uint64_t leave_bytes);
    // Removes the ballast: the space it held is free again.
    void free_space();
    // The bytes an unprivileged writer can still use.
    std::uint64_t available() const;

  private:
    explicit SmallDisk(std::unique_ptr<TempDir> parent);

    std::unique_ptr<TempDir> m_parent; // holds the mount point; outlives the mount
    std::string m_path;
};

// Mounts a SmallDisk of `bytes` into `disk` (a std::unique_ptr<SmallDisk>), skipping the
// test with the printed reason when mounting is not permitted outside CI, failing it in CI.
#define OV2HA_MOUNT_SMALL_DISK(disk, bytes)                                                        \
    do {                                                                                           \
        std::string why_not;                                                                       \
        disk = ::ov2ha::test::SmallDisk::mount(bytes, why_not);                                    \
        if (!disk) {                                                                               \
            if (::ov2ha::test::in_ci()) {                                                          \
                FAIL() << why_not << "; CI must run the full-disk tests as root";                  \
            }                                                                                      \
            GTEST_SKIP() << why_not;                                                               \
        }                                                                                          \
    } while (0)

} // namespace ov2ha::test
