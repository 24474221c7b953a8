// SHA-256, HMAC-SHA256 and MD5 through OpenSSL's EVP API, plus the hex and base64
// spellings S3 wants. Pure functions of their input; safe from any thread.
#pragma once

#include "core/base/result.hpp"

#include <memory>
#include <openssl/types.h>
#include <string>
#include <string_view>

namespace ov2ha {

// Digests come back as raw bytes in a std::string; hex_lower() and base64()
// spell them as text.

// A digest fed in pieces, for data too large to hold at once (a chunk file read
// block by block on a worker). One owner, one thread; spent by finish().
class Digest {
  public:
    // Starts a SHA-256 digest; fails only when OpenSSL cannot provide it.
    static Result<Digest> sha256();
    // Starts an MD5 digest (Content-MD5); fails where MD5 is disabled (FIPS mode).
    static Result<Digest> md5();

    // Adds `bytes` to the digest.
    Status update(std::string_view bytes);
    // The digest of everything added; the object takes no more input afterwards.
    Result<std::string> finish();

  private:
    struct ContextFree {
        void operator()(EVP_MD_CTX* context) const;
    };
    using Context = std::unique_ptr<EVP_MD_CTX, ContextFree>;

    explicit Digest(Context context) : m_context(std::move(context)) {}
    static Result<Digest> start(const char* algorithm);

    Context m_context;
};

// The SHA-256 digest of `data` (32 bytes).
Result<std::string> sha256(std::string_view data);

// The MD5 digest of `data` (16 bytes).
Result<std::string> md5(std::string_view data);

// The HMAC-SHA256 of `data` under `key` (32 bytes).
Result<std::string> hmac_sha256(std::string_view key, std::string_view data);

// `bytes` as lower-case hexadecimal, two characters per byte.
std::string hex_lower(std::string_view bytes);

// `bytes` in standard base64 (RFC 4648 section 4) with '=' padding.
std::string base64(std::string_view bytes);

} // namespace ov2ha
