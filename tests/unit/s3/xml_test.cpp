// S3's XML bodies: the answers as AWS documents them (API Reference examples) and as
// s3rver writes them, malformed input, and the request bodies we write.
#include "core/s3/xml.hpp"

#include <gtest/gtest.h>

namespace ov2ha::s3 {
namespace {

TEST(S3Xml, ParsesAnErrorBody) {
    auto error = parse_error(R"(<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>NoSuchKey</Code>
  <Message>The resource you requested does not exist</Message>
  <Key>rec/chunks/0001.mp4</Key>
  <RequestId>4442587FB7D0A2F9</RequestId>
</Error>)");
    ASSERT_TRUE(error) << error.message();
    EXPECT_EQ(error->code, "NoSuchKey");
    EXPECT_EQ(error->message, "The resource you requested does not exist");
    EXPECT_EQ(error->key, "rec/chunks/0001.mp4");
    EXPECT_EQ(error->request_id, "4442587FB7D0A2F9");

    auto bucket = parse_error("<Error><Code>NoSuchBucket</Code><Message>The specified bucket "
                              "does not exist</Message><BucketName>b1</BucketName></Error>");
    ASSERT_TRUE(bucket);
    EXPECT_EQ(bucket->bucket_name, "b1");
}

TEST(S3Xml, RefusesWhatIsNotAnErrorBody) {
    EXPECT_FALSE(parse_error(""));
    EXPECT_FALSE(parse_error("<html><body>502 Bad Gateway</body></html>"));
    EXPECT_FALSE(parse_error("<Error><Message>no code</Message></Error>"));
    const auto broken = parse_error("<Error><Code>X</Code>");
    ASSERT_FALSE(broken);
    EXPECT_NE(broken.message().find("malformed XML"), std::string::npos) << broken.message();
}

TEST(S3Xml, ParsesAListObjectsV2Page) {
    auto page = parse_list_objects_v2(R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>bucket</Name>
  <Prefix>rec/</Prefix>
  <KeyCount>2</KeyCount>
  <MaxKeys>2</MaxKeys>
  <IsTruncated>true</IsTruncated>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
  <Contents>
    <Key>rec/chunks/0001.mp4</Key>
    <LastModified>2009-10-12T17:50:30.000Z</LastModified>
    <ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag>
    <Size>434234</Size>
    <StorageClass>STANDARD</StorageClass>
  </Contents>
  <Contents>
    <Key>rec/chunks/0002.mp4</Key>
    <LastModified>2009-10-12T17:50:31.000Z</LastModified>
    <ETag>"0123456789abcdef0123456789abcdef-3"</ETag>
    <Size>0</Size>
  </Contents>
</ListBucketResult>)");
    ASSERT_TRUE(page) << page.message();
    EXPECT_TRUE(page->truncated);
    EXPECT_EQ(page->next_continuation_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
    ASSERT_EQ(page->objects.size(), 2u);
    EXPECT_EQ(page->objects[0].key, "rec/chunks/0001.mp4");
    EXPECT_EQ(page->objects[0].size, 434234u);
    EXPECT_EQ(page->objects[0].etag, "fba9dede5f27731c9771645a39863328");
    EXPECT_EQ(page->objects[0].last_modified, "2009-10-12T17:50:30.000Z");
    EXPECT_EQ(page->objects[1].etag, "0123456789abcdef0123456789abcdef-3");
    EXPECT_EQ(page->objects[1].size, 0u);
}

TEST(S3Xml, DecodesUrlEncodedKeysOnlyWhenS3SaysSo) {
    const std::string contents = "<Contents><Key>a+b%2Bc%25d%C3%BC</Key><Size>1</Size></Contents>";
    auto encoded = parse_list_objects_v2("<ListBucketResult><EncodingType>url</EncodingType>"
                                         "<IsTruncated>false</IsTruncated>" +
                                         contents + "</ListBucketResult>");
    ASSERT_TRUE(encoded) << encoded.message();
    EXPECT_EQ(encoded->objects.at(0).key, "a b+c%d\xC3\xBC");
    EXPECT_FALSE(encoded->truncated);

    auto plain = parse_list_objects_v2("<ListBucketResult>" + contents + "</ListBucketResult>");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->objects.at(0).key, "a+b%2Bc%25d%C3%BC");

    EXPECT_FALSE(parse_list_objects_v2("<ListBucketResult><EncodingType>url</EncodingType>"
                                       "<Contents><Key>bad%zz</Key><Size>1</Size></Contents>"
                                       "</ListBucketResult>"));
}

TEST(S3Xml, RefusesBrokenListings) {
    EXPECT_FALSE(parse_list_objects_v2("<Error><Code>NoSuchBucket</Code></Error>"));
    EXPECT_FALSE(parse_list_objects_v2(
        "<ListBucketResult><Contents><Key>k</Key><Size>-1</Size></Contents></ListBucketResult>"));
    EXPECT_FALSE(parse_list_objects_v2(
        "<ListBucketResult><Contents><Key>k</Key></Contents></ListBucketResult>"));
    const auto endless = parse_list_objects_v2(
        "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>");
    ASSERT_FALSE(endless);
    EXPECT_NE(endless.message().find("NextContinuationToken"), std::string::npos);
}

TEST(S3Xml, ParsesMultipartAnswers) {
    auto upload_id = parse_initiate_multipart_upload(R"(<?xml version="1.0" encoding="UTF-8"?>
<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>example-bucket</Bucket>
  <Key>example-object</Key>
  <UploadId>VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA</UploadId>
</InitiateMultipartUploadResult>)");
    ASSERT_TRUE(upload_id) << upload_id.message();
    EXPECT_EQ(*upload_id, "VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA");
    EXPECT_FALSE(parse_initiate_multipart_upload(
        "<InitiateMultipartUploadResult></InitiateMultipartUploadResult>"));

    auto etag = parse_complete_multipart_upload(R"(<?xml version="1.0" encoding="UTF-8"?>
<CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Location>http://Example-Bucket.s3.region.amazonaws.com/Example-Object</Location>
  <Bucket>Example-Bucket</Bucket>
  <Key>Example-Object</Key>
  <ETag>"3858f62230ac3c915f300c664312c11f-9"</ETag>
</CompleteMultipartUploadResult>)");
    ASSERT_TRUE(etag) << etag.message();
    EXPECT_EQ(*etag, "3858f62230ac3c915f300c664312c11f-9");
    EXPECT_FALSE(parse_complete_multipart_upload("<Error><Code>InternalError</Code></Error>"));
}

TEST(S3Xml, ParsesADeleteResultWithPerKeyErrors) {
    auto report = parse_delete_result(R"(<?xml version="1.0" encoding="UTF-8"?>
<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Deleted><Key>sample1.txt</Key></Deleted>
  <Error>
    <Key>sample2.txt</Key>
    <Code>AccessDenied</Code>
    <Message>Access Denied</Message>
  </Error>
  <Deleted><Key>sample3.txt</Key></Deleted>
</DeleteResult>)");
    ASSERT_TRUE(report) << report.message();
    EXPECT_EQ(report->deleted, (std::vector<std::string>{"sample1.txt", "sample3.txt"}));
    ASSERT_EQ(report->errors.size(), 1u);
    EXPECT_EQ(report->errors[0].key, "sample2.txt");
    EXPECT_EQ(report->errors[0].code, "AccessDenied");
    EXPECT_EQ(report->errors[0].message, "Access Denied");
}

TEST(S3Xml, WritesRequestBodiesWithKeysEscaped) {
    EXPECT_EQ(delete_objects_xml({"a&b", "<c>", "d\"e"}),
              "<?xml version=\"1.0\"?><Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
              "<Quiet>false</Quiet><Object><Key>a&amp;b</Key></Object><Object><Key>&lt;c&gt;"
              "</Key></Object><Object><Key>d\"e</Key></Object></Delete>");
    EXPECT_EQ(complete_multipart_upload_xml({{1, "\"e1\""}, {2, "\"e2\""}}),
              "<?xml version=\"1.0\"?><CompleteMultipartUpload "
              "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Part><PartNumber>1</PartNumber>"
              "<ETag>\"e1\"</ETag></Part><Part><PartNumber>2</PartNumber><ETag>\"e2\"</ETag>"
              "</Part></CompleteMultipartUpload>");
    EXPECT_EQ(create_bucket_xml("us-east-1"), "");
    EXPECT_EQ(create_bucket_xml("eu-west-1"),
              "<?xml version=\"1.0\"?><CreateBucketConfiguration "
              "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>eu-west-1"
              "</LocationConstraint></CreateBucketConfiguration>");
}

TEST(S3Xml, UnquotesEtags) {
    EXPECT_EQ(unquote_etag("\"abc\""), "abc");
    EXPECT_EQ(unquote_etag("abc"), "abc");
    EXPECT_EQ(unquote_etag("\""), "\"");
    EXPECT_EQ(unquote_etag(""), "");
}

} // namespace
} // namespace ov2ha::s3
