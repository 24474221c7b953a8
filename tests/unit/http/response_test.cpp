// Response wire form: owned headers, framing, header injection, bodiless statuses.
#include "core/http/response.hpp"

#include <gtest/gtest.h>

namespace ov2ha::http {
namespace {

Framing framing(Framing::Persistence persistence = Framing::Persistence::keep_alive) {
    Framing result;
    result.request_id = "req-1";
    result.date = "Sun, 06 Nov 1994 08:49:37 GMT";
    result.persistence = persistence;
    return result;
}

TEST(Response, SerializesJsonWithServerHeaders) {
    EXPECT_EQ(serialize(Response::json(201, R"({"a":1})"), framing()),
              "HTTP/1.1 201 Created\r\n"
              "Content-Type: application/json\r\n"
              "Content-Length: 7\r\n"
              "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
              "X-Request-Id: req-1\r\n"
              "\r\n"
              R"({"a":1})");
}

TEST(Response, ErrorIsJsonWithEscapedMessage) {
    const Response response = Response::error(400, "bad \"x\"\n");
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(response.body, R"({"error":"bad \"x\"\n"})");
}

TEST(Response, ConnectionHeaderFollowsPersistence) {
    const Response response = Response::json(200, "{}");
    EXPECT_EQ(serialize(response, framing()).find("Connection:"), std::string::npos);
    EXPECT_NE(
        serialize(response, framing(Framing::Persistence::close)).find("Connection: close\r\n"),
        std::string::npos);
    EXPECT_NE(serialize(response, framing(Framing::Persistence::announce_keep_alive))
                  .find("Connection: keep-alive\r\n"),
              std::string::npos);
}

TEST(Response, DropsOwnedAndUnsafeHeaders) {
    Response response = Response::json(200, "{}");
    response.headers = {{"Content-Length", "99"},
                        {"connection", "keep-alive"},
                        {"X-Injected", "a\r\nSet-Cookie: x=1"},
                        {"Bad Name", "x"},
                        {"X-Fine", "yes\tok"}};
    const std::string wire = serialize(response, framing());
    EXPECT_EQ(wire.find("Content-Length: 99"), std::string::npos);
    EXPECT_EQ(wire.find("Set-Cookie"), std::string::npos);
    EXPECT_EQ(wire.find("Bad Name"), std::string::npos);
    EXPECT_EQ(wire.find("keep-alive"), std::string::npos);
    EXPECT_NE(wire.find("X-Fine: yes\tok\r\n"), std::string::npos);
    EXPECT_NE(wire.find("Content-Length: 2\r\n"), std::string::npos);
}

TEST(Response, HeadKeepsLengthButNotBody) {
    Framing head = framing();
    head.head = true;
    const std::string wire = serialize(Response::json(200, "{\"x\":1}"), head);
    EXPECT_NE(wire.find("Content-Length: 7\r\n"), std::string::npos);
    EXPECT_TRUE(wire.ends_with("\r\n\r\n"));
}

TEST(Response, NoContentHasNeitherBodyNorLength) {
    Response response;
    response.status = 204;
    response.body = "ignored";
    const std::string wire = serialize(response, framing());
    EXPECT_TRUE(wire.starts_with("HTTP/1.1 204 No Content\r\n"));
    EXPECT_EQ(wire.find("Content-Length"), std::string::npos);
    EXPECT_TRUE(wire.ends_with("\r\n\r\n"));
}

TEST(Response, InvalidStatusBecomes500) {
    Response response;
    response.status = 101;
    EXPECT_TRUE(serialize(response, framing()).starts_with("HTTP/1.1 500 Internal Server Error"));
}

TEST(Response, ReasonPhrasesAndDates) {
    EXPECT_EQ(reason_phrase(404), "Not Found");
    EXPECT_EQ(reason_phrase(431), "Request Header Fields Too Large");
    EXPECT_EQ(reason_phrase(299), "Unknown");
    EXPECT_EQ(http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
}

} // namespace
} // namespace ov2ha::http
