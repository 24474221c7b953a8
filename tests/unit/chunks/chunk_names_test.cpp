// Chunk file names: formatting, parsing, numeric order and the next number.
#include "core/chunks/chunk_names.hpp"

#include <algorithm>
#include <gtest/gtest.h>

namespace ov2ha::chunks {
namespace {

TEST(ChunkNames, NamesHaveAtLeastFourDigits) {
    EXPECT_EQ(chunk_file_name(1), "0001.mp4");
    EXPECT_EQ(chunk_file_name(42), "0042.mp4");
    EXPECT_EQ(chunk_file_name(9999), "9999.mp4");
    EXPECT_EQ(chunk_file_name(10000), "10000.mp4");
    EXPECT_EQ(chunk_file_name(123456789), "123456789.mp4");
}

TEST(ChunkNames, ParseReadsWhatNamingWrites) {
    for (const std::uint64_t number : {1ULL, 7ULL, 9999ULL, 10000ULL, 99999999ULL}) {
        EXPECT_EQ(parse_chunk_number(chunk_file_name(number)), number);
    }
    EXPECT_EQ(parse_chunk_number("00010.mp4"), 10U);
}

TEST(ChunkNames, ParseRefusesEverythingElse) {
    for (const char* name :
         {"", ".mp4", "001.mp4", "1.mp4", "0000.mp4", "abcd.mp4", "00a1.mp4", "0001.MP4",
          "0001.mp4.part", "0001.mkv", ".0001.mp4", ".0001.mp4.tmp-123", "0001", "-001.mp4",
          " 0001.mp4", "0001 .mp4", "1234567890123456789.mp4"}) {
        EXPECT_FALSE(parse_chunk_number(name)) << '"' << name << '"';
    }
}

TEST(ChunkNames, OrderIsNumericNotLexicographic) {
    std::vector<ChunkFile> chunks = {{10000, "10000.mp4"}, {2, "0002.mp4"}, {9999, "9999.mp4"},
                                     {10001, "10001.mp4"}, {1, "0001.mp4"}, {100000, "100000.mp4"}};
    sort_chunks(chunks);
    std::vector<std::uint64_t> numbers;
    for (const auto& chunk : chunks) {
        numbers.push_back(chunk.number);
    }
    EXPECT_EQ(numbers, (std::vector<std::uint64_t>{1, 2, 9999, 10000, 10001, 100000}));
}

TEST(ChunkNames, NextNumberFollowsTheHighestSeenAnywhere) {
    EXPECT_EQ(next_chunk_number(std::nullopt, std::nullopt, 1), 1U);
    EXPECT_EQ(next_chunk_number(7, std::nullopt, 1), 8U);
    EXPECT_EQ(next_chunk_number(std::nullopt, 12, 1), 13U);
    EXPECT_EQ(next_chunk_number(7, 12, 1), 13U);
    EXPECT_EQ(next_chunk_number(12, 7, 1), 13U);
    EXPECT_EQ(next_chunk_number(9999, std::nullopt, 1), 10000U);
}

TEST(ChunkNames, NextNumberHonoursStartChunk) {
    EXPECT_EQ(next_chunk_number(std::nullopt, std::nullopt, 50), 50U);
    EXPECT_EQ(next_chunk_number(7, 3, 50), 50U);
    EXPECT_EQ(next_chunk_number(70, 3, 50), 71U);
    EXPECT_EQ(next_chunk_number(std::nullopt, std::nullopt, 0), 1U);
}

TEST(ChunkNames, ShippingOrderPutsChunksByNumberThenOtherNames) {
    std::vector<std::string> names = {"z.txt",    "10000.mp4",  "a.txt",    "0002.mp4",
                                      "9999.mp4", "x/0001.mp4", "00002.mp4"};
    std::sort(names.begin(), names.end(),
              [](const std::string& a, const std::string& b) { return ships_before(a, b); });
    EXPECT_EQ(names, (std::vector<std::string>{"x/0001.mp4", "00002.mp4", "0002.mp4", "9999.mp4",
                                               "10000.mp4", "a.txt", "z.txt"}));
    EXPECT_FALSE(ships_before("0002.mp4", "0002.mp4"));
}

TEST(ChunkNames, HiddenFilesAndTemporariesAreNotShipped) {
    for (const char* name : {"0001.mp4", "notes.txt", "segment_list.m3u8", "a.tmpx"}) {
        EXPECT_TRUE(is_shippable_name(name)) << name;
    }
    for (const char* name : {"", ".ov2ha-upload-journal", ".0001.mp4.tmp-123", "0001.mp4.tmp",
                             "0001.mp4.part", "x.partial", ".x.swp", "x.swp", "0001.mp4~"}) {
        EXPECT_FALSE(is_shippable_name(name)) << name;
    }
}

} // namespace
} // namespace ov2ha::chunks
