// SHA-256 (and MD5 where asked) of request bodies; see payload_hash.hpp.
#include "core/s3/payload_hash.hpp"

#include "core/base/hashing.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <unistd.h>
#include <vector>

namespace ov2ha::s3 {
namespace {

constexpr size_t k_block_size = 1024 * 1024;

// SHA-256, and MD5 beside it when asked for, fed side by side.
class PayloadDigests {
  public:
    static Result<PayloadDigests> start(WithMd5 with_md5) {
        auto sha256 = Digest::sha256();
        if (!sha256) {
            return sha256.error();
        }
        if (with_md5 == WithMd5::no) {
            return PayloadDigests(std::move(*sha256), std::nullopt);
        }
        auto md5 = Digest::md5();
        if (!md5) {
            return md5.error();
        }
        return PayloadDigests(std::move(*sha256), std::move(*md5));
    }

    Status update(std::string_view bytes) {
        if (auto added = m_sha256.update(bytes); !added) {
            return added;
        }
        return m_md5 ? m_md5->update(bytes) : success();
    }

    Result<PayloadHashes> finish() {
        auto sha256 = m_sha256.finish();
        if (!sha256) {
            return sha256.error();
        }
        PayloadHashes hashes{hex_lower(*sha256), ""};
        if (m_md5) {
            auto md5 = m_md5->finish();
            if (!md5) {
                return md5.error();
            }
            hashes.md5_base64 = base64(*md5);
        }
        return hashes;
    }

  private:
    PayloadDigests(Digest sha256, std::optional<Digest> md5)
        : m_sha256(std::move(sha256)), m_md5(std::move(md5)) {}

    Digest m_sha256;
    std::optional<Digest> m_md5;
};

} // namespace

Result<PayloadHashes> hash_payload(std::string_view bytes, WithMd5 with_md5) {
    auto digests = PayloadDigests::start(with_md5);
    if (!digests) {
        return digests.error();
    }
    if (auto added = digests->update(bytes); !added) {
        return added.error();
    }
    return digests->finish();
}

Result<PayloadHashes> hash_file_range(const std::string& path, std::uint64_t offset,
                                      std::uint64_t length, WithMd5 with_md5) {
    auto digests = PayloadDigests::start(with_md5);
    if (!digests) {
        return digests.error();
    }
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return failure("cannot open " + path + ": " + std::strerror(errno));
    }
    std::vector<char> block(static_cast<size_t>(std::min<std::uint64_t>(k_block_size, length)));
    std::uint64_t done = 0;
    while (done < length) {
        const size_t wanted =
            static_cast<size_t>(std::min<std::uint64_t>(block.size(), length - done));
        const ssize_t got = ::pread(fd, block.data(), wanted, static_cast<off_t>(offset + done));
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            const std::string why = got < 0 ? std::strerror(errno) : "the file ended early";
            ::close(fd);
            return failure("cannot read bytes " + std::to_string(offset + done) + " to " +
                           std::to_string(offset + length) + " of " + path + ": " + why);
        }
        if (auto added = digests->update(std::string_view(block.data(), static_cast<size_t>(got)));
            !added) {
            ::close(fd);
            return added.error();
        }
        done += static_cast<std::uint64_t>(got);
    }
    ::close(fd);
    return digests->finish();
}

} // namespace ov2ha::s3
