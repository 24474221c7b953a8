// Digests and encodings over OpenSSL 3's EVP API; see hashing.hpp.
#include "core/base/hashing.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>

namespace ov2ha {
namespace {

struct MdFree {
    void operator()(EVP_MD* md) const { EVP_MD_free(md); }
};
struct MacFree {
    void operator()(EVP_MAC* mac) const { EVP_MAC_free(mac); }
};
struct MacContextFree {
    void operator()(EVP_MAC_CTX* context) const { EVP_MAC_CTX_free(context); }
};

// `what` followed by the oldest error OpenSSL queued on this thread, if any;
// the queue is left empty so the next failure reads its own cause.
Error openssl_failure(std::string what) {
    const unsigned long code = ERR_get_error();
    if (code != 0) {
        char text[256];
        ERR_error_string_n(code, text, sizeof text);
        what += ": ";
        what += text;
    }
    ERR_clear_error();
    return failure(std::move(what));
}

const unsigned char* bytes_of(std::string_view text) {
    static const unsigned char k_no_bytes = 0;
    return text.empty() ? &k_no_bytes : reinterpret_cast<const unsigned char*>(text.data());
}

Result<std::string> digest_of(Result<Digest> digest, std::string_view data) {
    if (!digest) {
        return digest.error();
    }
    if (auto added = digest->update(data); !added) {
        return added.error();
    }
    return digest->finish();
}

} // namespace

void Digest::ContextFree::operator()(EVP_MD_CTX* context) const {
    EVP_MD_CTX_free(context);
}

Result<Digest> Digest::start(const char* algorithm) {
    const std::unique_ptr<EVP_MD, MdFree> md(EVP_MD_fetch(nullptr, algorithm, nullptr));
    if (!md) {
        return openssl_failure(std::string("OpenSSL does not provide ") + algorithm);
    }
    Context context(EVP_MD_CTX_new());
    if (!context) {
        return openssl_failure("cannot allocate an OpenSSL digest context");
    }
    if (EVP_DigestInit_ex2(context.get(), md.get(), nullptr) != 1) {
        return openssl_failure(std::string("cannot start a ") + algorithm + " digest");
    }
    return Digest(std::move(context));
}

Result<Digest> Digest::sha256() {
    return start("SHA256");
}

Result<Digest> Digest::md5() {
    return start("MD5");
}

Status Digest::update(std::string_view bytes) {
    if (!m_context) {
        return failure("digest updated after it was finished");
    }
    if (EVP_DigestUpdate(m_context.get(), bytes_of(bytes), bytes.size()) != 1) {
        return openssl_failure("digest update failed");
    }
    return success();
}

Result<std::string> Digest::finish() {
    if (!m_context) {
        return failure("digest finished twice");
    }
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    const Context context = std::move(m_context);
    if (EVP_DigestFinal_ex(context.get(), out, &length) != 1) {
        return openssl_failure("digest finish failed");
    }
    return std::string(reinterpret_cast<const char*>(out), length);
}

Result<std::string> sha256(std::string_view data) {
    return digest_of(Digest::sha256(), data);
}

Result<std::string> md5(std::string_view data) {
    return digest_of(Digest::md5(), data);
}

Result<std::string> hmac_sha256(std::string_view key, std::string_view data) {
    const std::unique_ptr<EVP_MAC, MacFree> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    if (!mac) {
        return openssl_failure("OpenSSL does not provide HMAC");
    }
    const std::unique_ptr<EVP_MAC_CTX, MacContextFree> context(EVP_MAC_CTX_new(mac.get()));
    if (!context) {
        return openssl_failure("cannot allocate an OpenSSL MAC context");
    }
    char digest_name[] = "SHA256";
    const OSSL_PARAM parameters[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
        OSSL_PARAM_construct_end()};
    if (EVP_MAC_init(context.get(), bytes_of(key), key.size(), parameters) != 1) {
        return openssl_failure("cannot start an HMAC-SHA256");
    }
    if (EVP_MAC_update(context.get(), bytes_of(data), data.size()) != 1) {
        return openssl_failure("HMAC-SHA256 update failed");
    }
    unsigned char out[EVP_MAX_MD_SIZE];
    size_t length = 0;
    if (EVP_MAC_final(context.get(), out, &length, sizeof out) != 1) {
        return openssl_failure("HMAC-SHA256 finish failed");
    }
    return std::string(reinterpret_cast<const char*>(out), length);
}

std::string hex_lower(std::string_view bytes) {
    constexpr char k_digits[] = "0123456789abcdef";
    std::string text;
    text.reserve(bytes.size() * 2);
    for (char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        text += k_digits[byte >> 4];
        text += k_digits[byte & 0x0f];
    }
    return text;
}

std::string base64(std::string_view bytes) {
    // EVP_EncodeBlock takes an int length, so long input goes in whole 3-byte groups.
    constexpr size_t k_block = 3 * 1024;
    std::string text;
    text.reserve((bytes.size() + 2) / 3 * 4);
    unsigned char out[k_block / 3 * 4 + 1];
    for (size_t offset = 0; offset < bytes.size(); offset += k_block) {
        const std::string_view block = bytes.substr(offset, k_block);
        const int length = EVP_EncodeBlock(out, bytes_of(block), static_cast<int>(block.size()));
        text.append(reinterpret_cast<const char*>(out), static_cast<size_t>(length));
    }
    return text;
}

} // namespace ov2ha
