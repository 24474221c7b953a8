// Property test: hundreds of random S3 requests signed here and by botocore (through
// botocore_oracle.py), an independent SigV4 implementation; answers agree byte for byte.
#include "core/base/hashing.hpp"
#include "core/base/json_text.hpp"
#include "core/s3/addressing.hpp"
#include "core/s3/signer.hpp"
#include "tests/support/process.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <gtest/gtest.h>
#include <random>
#include <rapidjson/document.h>
#include <sstream>

namespace ov2ha::s3 {
namespace {

constexpr std::uint32_t k_seed = 20130524;
constexpr int k_header_requests = 400;
constexpr int k_presigned_requests = 100;

// One generated request, the inputs of both signers.
struct Case {
    std::string kind; // "header" or "presign"
    BucketLocation location;
    std::string key;
    std::string method;
    NameValues query;
    NameValues headers;
    bool signed_body = false;
    std::string body;
    Credentials credentials;
    std::int64_t time = 0; // Unix seconds
    std::int64_t expires = 0;
};

class Generator {
  public:
    explicit Generator(std::uint32_t seed) : m_random(seed) {}

    Case next(const std::string& kind) {
        Case c;
        c.kind = kind;
        c.location = location();
        c.key = key();
        c.method = pick<std::string>({"GET", "PUT", "HEAD", "DELETE", "POST"});
        const bool unique_names = kind == "presign"; // botocore presigns a dict
        for (int i = below(5); i > 0; --i) {
            std::string name = query_name();
            if (unique_names && std::any_of(c.query.begin(), c.query.end(),
                                            [&](const auto& p) { return p.first == name; })) {
                continue;
            }
            c.query.emplace_back(std::move(name), query_value());
        }
        for (int i = below(kind == "presign" ? 3 : 5); i > 0; --i) {
            c.headers.emplace_back(header_name(), header_value());
        }
        c.signed_body = kind == "header" && below(2) == 0;
        if (c.signed_body) {
            c.body = text(below(4));
        }
        c.credentials.access_key = characters("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16 + below(5));
        c.credentials.secret_key =
            characters("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40);
        if (below(3) == 0) {
            c.credentials.session_token =
                characters("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=",
                           20 + below(60));
        }
        c.time = 946684800 + std::uniform_int_distribution<std::int64_t>(0, 3155760000)(m_random);
        c.expires = 1 + std::uniform_int_distribution<std::int64_t>(0, 604799)(m_random);
        return c;
    }

  private:
    int below(int limit) { return std::uniform_int_distribution<int>(0, limit - 1)(m_random); }

    template <class T> T pick(const std::vector<T>& choices) {
        return choices[static_cast<size_t>(below(static_cast<int>(choices.size())))];
    }

    std::string characters(std::string_view alphabet, int count) {
        std::string result;
        for (int i = 0; i < count; ++i) {
            result += alphabet[static_cast<size_t>(below(static_cast<int>(alphabet.size())))];
        }
        return result;
    }

    // Pieces chosen to break signers: reserved characters, percent signs that look like
    // escapes, dot segments, doubled and leading slashes, multi-byte UTF-8.
    std::string text(int pieces) {
        static const std::vector<std::string> k_pieces = {"chunks",
                                                          "0001.mp4",
                                                          "a",
                                                          "Z",
                                                          "9",
                                                          " ",
                                                          "  ",
                                                          "+",
                                                          "%",
                                                          "%20",
                                                          "%2F",
                                                          "=",
                                                          "&",
                                                          "?",
                                                          "#",
                                                          "/",
                                                          "//",
                                                          "./",
                                                          "../",
                                                          ".",
                                                          "..",
                                                          "~",
                                                          "-",
                                                          "_",
                                                          "!",
                                                          "*",
                                                          "'",
                                                          "(",
                                                          ")",
                                                          ":",
                                                          "@",
                                                          ";",
                                                          ",",
                                                          "$",
                                                          "[",
                                                          "]",
                                                          "{",
                                                          "}",
                                                          "^",
                                                          "`",
                                                          "|",
                                                          "\\",
                                                          "\"",
                                                          "<",
                                                          ">",
                                                          "\t",
                                                          "caf\xc3\xa9",
                                                          "\xe6\x97\xa5\xe6\x9c\xac",
                                                          "\xe1\x88\xb4",
                                                          "\xf0\x9f\x8e\xa5",
                                                          "\xce\xa9",
                                                          "ses~1_A"};
        std::string result;
        for (int i = 0; i < pieces; ++i) {
            result += pick(k_pieces);
        }
        return result;
    }

    std::string key() {
        std::string key = text(below(7));
        if (below(6) == 0) {
            key = "/" + key;
        }
        return key;
    }

    BucketLocation location() {
        struct Endpoint {
            std::string url;
            bool named; // a host name, so virtual-hosted addressing can work
        };
        static const std::vector<Endpoint> k_endpoints = {
            {"", true},
            {"https://s3.amazonaws.com", true},
            {"https://s3.eu-west-1.amazonaws.com", true},
            {"http://127.0.0.1:9000", false},
            {"http://[::1]:9000", false},
            {"http://minio:9000", true},
            {"https://storage.example.com:8443", true},
            {"https://STORAGE.Example.com", true},
            {"http://localhost:80", true},
            {"https://objects.example.net:443/", true}};
        const Endpoint endpoint = pick(k_endpoints);
        BucketLocation location;
        location.endpoint = endpoint.url;
        location.region = pick<std::string>({"us-east-1", "eu-west-1", "ap-southeast-2"});
        location.path_style = !endpoint.named || below(2) == 0;
        location.bucket =
            location.path_style
                ? pick<std::string>({"recordings", "ov2ha-test", "a.b.c", "Legacy_Bucket", "b12"})
                : pick<std::string>({"recordings", "ov2ha-test", "a.b.c", "b12"});
        return location;
    }

    std::string query_name() {
        if (below(3) == 0) {
            return text(1 + below(3));
        }
        return pick<std::string>({"prefix", "delimiter", "list-type", "continuation-token",
                                  "uploadId", "partNumber", "versionId", "uploads", "delete",
                                  "x-id", "max-keys", "start-after", "Param", "param"});
    }

    std::string query_value() {
        if (below(4) == 0) {
            return "";
        }
        return below(2) == 0
                   ? text(1 + below(4))
                   : characters("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123456789+/=", 1 + below(30));
    }

    std::string header_name() {
        return pick<std::string>({"Content-Type", "Range", "x-amz-meta-Note",
                                  "X-Amz-Meta-Camera_ID", "x-amz-meta-note", "If-None-Match",
                                  "Content-MD5", "x-amz-storage-class", "Cache-Control",
                                  "x-amz-acl", "Content-Disposition"});
    }

    // Visible ASCII with runs of spaces and tabs anywhere: what trimming is about.
    std::string header_value() {
        std::string value;
        for (int i = below(6); i > 0; --i) {
            value += below(3) == 0 ? pick<std::string>({" ", "  ", "\t", " \t "})
                                   : characters("abcXYZ0129-=/+;,\"'()!*:", 1 + below(6));
        }
        return value;
    }

    std::mt19937 m_random;
};

std::string json_pairs(const NameValues& pairs) {
    std::string json = "[";
    for (const auto& [name, value] : pairs) {
        if (json.size() > 1) {
            json += ',';
        }
        json += "[" + json_quote(name) + "," + json_quote(value) + "]";
    }
    return json + "]";
}

std::string json_line(const Case& c) {
    std::ostringstream line;
    line << "{\"kind\":" << json_quote(c.kind)
         << ",\"endpoint\":" << json_quote(c.location.endpoint)
         << ",\"region\":" << json_quote(c.location.region)
         << ",\"bucket\":" << json_quote(c.location.bucket) << ",\"key\":" << json_quote(c.key)
         << ",\"path_style\":" << (c.location.path_style ? "true" : "false")
         << ",\"method\":" << json_quote(c.method) << ",\"query\":" << json_pairs(c.query)
         << ",\"headers\":" << json_pairs(c.headers)
         << ",\"body\":" << (c.signed_body ? json_quote(c.body) : "null")
         << ",\"access_key\":" << json_quote(c.credentials.access_key)
         << ",\"secret_key\":" << json_quote(c.credentials.secret_key) << ",\"session_token\":"
         << (c.credentials.session_token.empty() ? "null" : json_quote(c.credentials.session_token))
         << ",\"time\":" << c.time << ",\"expires\":" << c.expires << "}\n";
    return line.str();
}

// What ov2ha makes of a case, in the oracle's terms.
struct Ours {
    std::string url;
    std::string host;
    std::string authorization;
    std::string content_sha256;
    std::string presigned_url;
};

Result<Ours> sign_ours(const Case& c) {
    const auto address = address_object(c.location, c.key);
    if (!address) {
        return address.error();
    }
    Request request;
    request.method = c.method;
    request.scheme = address->scheme;
    request.host = address->host;
    request.path = address->path;
    request.query = c.query;
    request.headers = c.headers;
    SigningContext context;
    context.credentials = c.credentials;
    context.region = c.location.region;
    context.time = std::chrono::system_clock::time_point(std::chrono::seconds(c.time));
    Ours ours{address->url, address->host, "", "", ""};
    if (c.kind == "presign") {
        const auto presigned = presign_url(request, context, std::chrono::seconds(c.expires));
        if (!presigned) {
            return presigned.error();
        }
        ours.presigned_url = presigned->url;
        return ours;
    }
    if (c.signed_body) {
        const auto digest = sha256(c.body);
        if (!digest) {
            return digest.error();
        }
        request.payload_hash = hex_lower(*digest);
    }
    const auto signed_request = sign_headers(request, context);
    if (!signed_request) {
        return signed_request.error();
    }
    ours.authorization = signed_request->authorization;
    for (const auto& [name, value] : signed_request->headers) {
        if (name == "x-amz-content-sha256") {
            ours.content_sha256 = value;
        }
    }
    return ours;
}

std::string member(const rapidjson::Value& answer, const char* name) {
    const auto found = answer.FindMember(name);
    return found != answer.MemberEnd() && found->value.IsString() ? found->value.GetString()
                                                                  : std::string("<missing>");
}

bool botocore_available(std::string& reason) {
    if (!test::have_program("python3")) {
        reason = "python3 is not installed";
        return false;
    }
    const auto probe = test::run({"python3", "-c", "import botocore"});
    if (probe.exit_code != 0) {
        std::string last_line = probe.err;
        while (!last_line.empty() && last_line.back() == '\n') {
            last_line.pop_back();
        }
        last_line = last_line.substr(last_line.rfind('\n') + 1);
        reason = "python3 cannot import botocore (Debian package python3-botocore): " + last_line;
        return false;
    }
    return true;
}

// Signs `count` generated cases of `kind` both ways and compares every answer. Returns
// the number of comparisons made.
int compare_with_botocore(const std::string& kind, int count, std::uint32_t seed) {
    Generator generator(seed);
    std::vector<Case> cases;
    std::string input;
    for (int i = 0; i < count; ++i) {
        cases.push_back(generator.next(kind));
        input += json_line(cases.back());
    }
    const auto oracle =
        test::run({"python3", std::string(OV2HA_SOURCE_DIR) + "/tests/unit/s3/botocore_oracle.py"},
                  {}, "", input);
    EXPECT_EQ(oracle.exit_code, 0) << oracle.err;
    std::istringstream lines(oracle.out);
    std::string line;
    int compared = 0;
    for (const Case& c : cases) {
        SCOPED_TRACE("request: " + json_line(c));
        if (!std::getline(lines, line)) {
            ADD_FAILURE() << "botocore answered " << compared << " of " << cases.size()
                          << " requests; stderr: " << oracle.err;
            break;
        }
        rapidjson::Document answer;
        answer.Parse(line.c_str());
        if (answer.HasParseError() || !answer.IsObject()) {
            ADD_FAILURE() << "botocore's answer is not a JSON object: " << line;
            continue;
        }
        if (answer.HasMember("error")) {
            ADD_FAILURE() << "botocore failed: " << member(answer, "error");
            continue;
        }
        const auto ours = sign_ours(c);
        if (!ours) {
            ADD_FAILURE() << "ov2ha refused: " << ours.message();
            continue;
        }
        EXPECT_EQ(ours->url, member(answer, "url"));
        EXPECT_EQ(ours->host, member(answer, "host"));
        if (kind == "presign") {
            EXPECT_EQ(ours->presigned_url, member(answer, "presigned_url"));
        } else {
            EXPECT_EQ(ours->authorization, member(answer, "authorization"));
            EXPECT_EQ(ours->content_sha256, member(answer, "content_sha256"));
        }
        ++compared;
    }
    return compared;
}

#define OV2HA_REQUIRE_BOTOCORE()                                                                   \
    do {                                                                                           \
        std::string reason;                                                                        \
        if (!botocore_available(reason)) {                                                         \
            if (test::in_ci()) {                                                                   \
                FAIL() << reason << "; CI must run the botocore oracle";                           \
            }                                                                                      \
            GTEST_SKIP() << reason;                                                                \
        }                                                                                          \
    } while (0)

TEST(SignerOracle, AuthorizationHeadersMatchBotocore) {
    OV2HA_REQUIRE_BOTOCORE();
    const int compared = compare_with_botocore("header", k_header_requests, k_seed);
    EXPECT_EQ(compared, k_header_requests);
    std::printf("compared %d Authorization headers with botocore (seed %u)\n", compared, k_seed);
}

TEST(SignerOracle, PresignedUrlsMatchBotocore) {
    OV2HA_REQUIRE_BOTOCORE();
    const int compared = compare_with_botocore("presign", k_presigned_requests, k_seed + 1);
    EXPECT_EQ(compared, k_presigned_requests);
    std::printf("compared %d presigned URLs with botocore (seed %u)\n", compared, k_seed + 1);
}

} // namespace
} // namespace ov2ha::s3
