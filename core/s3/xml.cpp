// S3's XML through pugixml; see xml.hpp.
#include "core/s3/xml.hpp"

#include "core/http/url.hpp"

#include <charconv>
#include <pugixml.hpp>

namespace ov2ha::s3 {
namespace {

constexpr const char* k_namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

// Collects what pugixml writes into a string.
class StringWriter : public pugi::xml_writer {
  public:
    void write(const void* data, size_t size) override {
        text.append(static_cast<const char*>(data), size);
    }
    std::string text;
};

Result<pugi::xml_node> parse_root(pugi::xml_document& document, std::string_view xml,
                                  const char* expected_root) {
    const pugi::xml_parse_result parsed =
        document.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!parsed) {
        return failure(std::string("S3 sent malformed XML where <") + expected_root +
                       "> was expected: " + parsed.description() + " at byte " +
                       std::to_string(parsed.offset));
    }
    pugi::xml_node root = document.document_element();
    if (std::string_view(root.name()) != expected_root) {
        return failure(std::string("S3 sent <") + root.name() + "> where <" + expected_root +
                       "> was expected");
    }
    return root;
}

std::string child_text(const pugi::xml_node& node, const char* name) {
    return node.child(name).text().get();
}

Result<std::uint64_t> parse_size(std::string_view text, std::string_view key) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
        return failure("S3 listed " + std::string(key) + " with a bad size \"" + std::string(text) +
                       "\"");
    }
    return value;
}

// Undoes S3's encoding-type=url: %XX escapes, and '+' for a space as in form encoding.
Result<std::string> url_decode(std::string_view text) {
    auto decoded = http::percent_decode(text, true);
    if (!decoded) {
        return failure("S3 listed a key with a bad %-escape: \"" + std::string(text) + "\"");
    }
    return std::move(*decoded);
}

std::string to_text(const pugi::xml_document& document) {
    StringWriter writer;
    document.save(writer, "", pugi::format_raw, pugi::encoding_utf8);
    return writer.text;
}

} // namespace

std::string unquote_etag(std::string_view etag) {
    if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
        etag = etag.substr(1, etag.size() - 2);
    }
    return std::string(etag);
}

Result<ErrorBody> parse_error(std::string_view xml) {
    pugi::xml_document document;
    auto root = parse_root(document, xml, "Error");
    if (!root) {
        return root.error();
    }
    ErrorBody body{child_text(*root, "Code"), child_text(*root, "Message"),
                   child_text(*root, "Key"), child_text(*root, "BucketName"),
                   child_text(*root, "RequestId")};
    if (body.code.empty()) {
        return failure("S3 sent an <Error> without a <Code>");
    }
    return body;
}

Result<ListPage> parse_list_objects_v2(std::string_view xml) {
    pugi::xml_document document;
    auto root = parse_root(document, xml, "ListBucketResult");
    if (!root) {
        return root.error();
    }
    const bool url_encoded = child_text(*root, "EncodingType") == "url";
    ListPage page;
    page.truncated = child_text(*root, "IsTruncated") == "true";
    page.next_continuation_token = child_text(*root, "NextContinuationToken");
    for (const pugi::xml_node contents : root->children("Contents")) {
        ObjectInfo object;
        object.key = child_text(contents, "Key");
        if (url_encoded) {
            auto decoded = url_decode(object.key);
            if (!decoded) {
                return decoded.error();
            }
            object.key = std::move(*decoded);
        }
        auto size = parse_size(child_text(contents, "Size"), object.key);
        if (!size) {
            return size.error();
        }
        object.size = *size;
        object.etag = unquote_etag(child_text(contents, "ETag"));
        object.last_modified = child_text(contents, "LastModified");
        page.objects.push_back(std::move(object));
    }
    if (page.truncated && page.next_continuation_token.empty()) {
        return failure("S3 sent a truncated listing without a NextContinuationToken");
    }
    return page;
}

Result<std::string> parse_initiate_multipart_upload(std::string_view xml) {
    pugi::xml_document document;
    auto root = parse_root(document, xml, "InitiateMultipartUploadResult");
    if (!root) {
        return root.error();
    }
    std::string upload_id = child_text(*root, "UploadId");
    if (upload_id.empty()) {
        return failure("S3 started a multipart upload without an UploadId");
    }
    return upload_id;
}

Result<std::string> parse_complete_multipart_upload(std::string_view xml) {
    pugi::xml_document document;
    auto root = parse_root(document, xml, "CompleteMultipartUploadResult");
    if (!root) {
        return root.error();
    }
    return unquote_etag(child_text(*root, "ETag"));
}

Result<DeleteReport> parse_delete_result(std::string_view xml) {
    pugi::xml_document document;
    auto root = parse_root(document, xml, "DeleteResult");
    if (!root) {
        return root.error();
    }
    DeleteReport report;
    for (const pugi::xml_node deleted : root->children("Deleted")) {
        report.deleted.push_back(child_text(deleted, "Key"));
    }
    for (const pugi::xml_node error : root->children("Error")) {
        report.errors.push_back(
            {child_text(error, "Key"), child_text(error, "Code"), child_text(error, "Message")});
    }
    return report;
}

std::string delete_objects_xml(const std::vector<std::string>& keys) {
    pugi::xml_document document;
    pugi::xml_node root = document.append_child("Delete");
    root.append_attribute("xmlns") = k_namespace;
    root.append_child("Quiet").text() = "false";
    for (const std::string& key : keys) {
        root.append_child("Object").append_child("Key").text() = key.c_str();
    }
    return to_text(document);
}

std::string complete_multipart_upload_xml(const std::vector<CompletedPart>& parts) {
    pugi::xml_document document;
    pugi::xml_node root = document.append_child("CompleteMultipartUpload");
    root.append_attribute("xmlns") = k_namespace;
    for (const CompletedPart& part : parts) {
        pugi::xml_node node = root.append_child("Part");
        node.append_child("PartNumber").text() = part.number;
        node.append_child("ETag").text() = part.etag.c_str();
    }
    return to_text(document);
}

std::string create_bucket_xml(std::string_view region) {
    if (region == "us-east-1") {
        return "";
    }
    pugi::xml_document document;
    pugi::xml_node root = document.append_child("CreateBucketConfiguration");
    root.append_attribute("xmlns") = k_namespace;
    root.append_child("LocationConstraint").text() = std::string(region).c_str();
    return to_text(document);
}

} // namespace ov2ha::s3
