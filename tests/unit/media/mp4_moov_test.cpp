// The pure moov edits behind faststart, on moov boxes built here byte by
// byte: chunk offsets moved, overflow refused, 32-bit tables widened.
#include "core/media/mp4_moov.hpp"

#include <gtest/gtest.h>
#include <initializer_list>

namespace ov2ha::media {
namespace {

using Bytes = std::vector<std::uint8_t>;

void put32(Bytes& bytes, std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) {
        bytes.push_back(static_cast<std::uint8_t>(value >> shift));
    }
}

void put64(Bytes& bytes, std::uint64_t value) {
    put32(bytes, static_cast<std::uint32_t>(value >> 32));
    put32(bytes, static_cast<std::uint32_t>(value));
}

std::uint32_t get32(const Bytes& bytes, std::size_t at) {
    return (std::uint32_t{bytes[at]} << 24) | (std::uint32_t{bytes[at + 1]} << 16) |
           (std::uint32_t{bytes[at + 2]} << 8) | std::uint32_t{bytes[at + 3]};
}

void set32(Bytes& bytes, std::size_t at, std::uint32_t value) {
    for (std::size_t i = 0; i < 4; ++i) {
        bytes[at + i] = static_cast<std::uint8_t>(value >> (24 - 8 * i));
    }
}

void put_type(Bytes& bytes, const char* type) {
    bytes.insert(bytes.end(), type, type + 4);
}

Bytes join(std::initializer_list<Bytes> parts) {
    Bytes bytes;
    for (const Bytes& part : parts) {
        bytes.insert(bytes.end(), part.begin(), part.end());
    }
    return bytes;
}

// A box with a 32-bit size.
Bytes box(const char* type, const Bytes& payload) {
    Bytes bytes;
    put32(bytes, static_cast<std::uint32_t>(8 + payload.size()));
    put_type(bytes, type);
    bytes.insert(bytes.end(), payload.begin(), payload.end());
    return bytes;
}

// A box with size 1 and a 64-bit size after the type.
Bytes large_box(const char* type, const Bytes& payload) {
    Bytes bytes;
    put32(bytes, 1);
    put_type(bytes, type);
    put64(bytes, 16 + payload.size());
    bytes.insert(bytes.end(), payload.begin(), payload.end());
    return bytes;
}

// A box with size 0: it runs to the end of what holds it.
Bytes open_box(const char* type, const Bytes& payload) {
    Bytes bytes;
    put32(bytes, 0);
    put_type(bytes, type);
    bytes.insert(bytes.end(), payload.begin(), payload.end());
    return bytes;
}

Bytes filler(std::size_t size) {
    return Bytes(size, 0xab);
}

Bytes stco(std::initializer_list<std::uint32_t> offsets) {
    Bytes payload;
    put32(payload, 0); // version and flags
    put32(payload, static_cast<std::uint32_t>(offsets.size()));
    for (const std::uint32_t offset : offsets) {
        put32(payload, offset);
    }
    return box("stco", payload);
}

Bytes co64(std::initializer_list<std::uint64_t> offsets) {
    Bytes payload;
    put32(payload, 0);
    put32(payload, static_cast<std::uint32_t>(offsets.size()));
    for (const std::uint64_t offset : offsets) {
        put64(payload, offset);
    }
    return box("co64", payload);
}

// A sample table around `table`, with the boxes a muxer writes beside it.
Bytes sample_table(const Bytes& table) {
    return box("stbl", join({box("stsd", filler(20)), box("stts", filler(16)), table,
                             box("stsz", filler(12))}));
}

// trak > mdia > minf > stbl, with a header and a handler on the way.
Bytes track(const Bytes& stbl) {
    return box("trak",
               join({box("tkhd", filler(84)),
                     box("mdia", join({box("mdhd", filler(24)), box("hdlr", filler(25)),
                                       box("minf", join({box("vmhd", filler(12)), stbl}))}))}));
}

Bytes moov(std::initializer_list<Bytes> tracks) {
    Bytes content = box("mvhd", filler(100));
    for (const Bytes& trak : tracks) {
        content.insert(content.end(), trak.begin(), trak.end());
    }
    return box("moov", content);
}

TEST(Mp4Moov, ShiftMovesEveryStcoAndCo64Entry) {
    Bytes bytes = moov({track(sample_table(stco({48, 1000, 4000000000U}))),
                        track(sample_table(co64({5000000000ULL, 64})))});
    ASSERT_TRUE(shift_chunk_offsets(bytes, 4096));
    EXPECT_EQ(bytes, moov({track(sample_table(stco({4144, 5096, 4000004096U}))),
                           track(sample_table(co64({5000004096ULL, 4160})))}));
}

TEST(Mp4Moov, ShiftRefusesAStcoOverflowInWordsAndChangesNothing) {
    const Bytes original =
        moov({track(sample_table(co64({10}))), track(sample_table(stco({16, 0xfffff000U})))});
    Bytes bytes = original;
    const auto shifted = shift_chunk_offsets(bytes, 0x2000);
    ASSERT_FALSE(shifted);
    EXPECT_NE(shifted.message().find("32-bit stco"), std::string::npos) << shifted.message();
    EXPECT_NE(shifted.message().find(std::to_string(0xfffff000U)), std::string::npos)
        << shifted.message();
    EXPECT_EQ(bytes, original);
}

TEST(Mp4Moov, ShiftTouchesOnlyTablesInsideTheSampleTable) {
    // Boxes named stco outside moov/trak/mdia/minf/stbl are not chunk offsets.
    const Bytes stray = stco({7});
    Bytes bytes = moov({track(sample_table(stco({100}))), box("udta", stray), stray});
    ASSERT_TRUE(shift_chunk_offsets(bytes, 10));
    EXPECT_EQ(bytes, moov({track(sample_table(stco({110}))), box("udta", stray), stray}));
}

TEST(Mp4Moov, LargeAndOpenEndedBoxHeadersAreFollowed) {
    const auto build = [](std::uint32_t offset) {
        const Bytes stbl = box("stbl", join({box("stsd", filler(20)), open_box("stco", [&] {
                                                 Bytes payload;
                                                 put32(payload, 0);
                                                 put32(payload, 1);
                                                 put32(payload, offset);
                                                 return payload;
                                             }())}));
        const Bytes mdia = box("mdia", box("minf", stbl));
        return box("moov", join({box("mvhd", filler(100)), large_box("trak", mdia)}));
    };
    Bytes bytes = build(300);
    ASSERT_TRUE(shift_chunk_offsets(bytes, 4000));
    EXPECT_EQ(bytes, build(4300));
}

TEST(Mp4Moov, MalformedMoovFailsInWords) {
    const auto refused = [](Bytes bytes, const std::string& words) {
        const auto shifted = shift_chunk_offsets(bytes, 1);
        ASSERT_FALSE(shifted) << words;
        EXPECT_NE(shifted.message().find(words), std::string::npos) << shifted.message();
    };
    refused(box("free", filler(8)), "not 'moov'");
    refused(join({moov({}), filler(4)}), "moov box holds");
    Bytes too_long = moov({track(sample_table(stco({1, 2})))});
    const std::size_t trak = 8 + 8 + 100;             // after the moov header and mvhd
    set32(too_long, trak, get32(too_long, trak) + 1); // one byte more than the moov holds
    refused(too_long, "claims");
    Bytes short_table;
    put32(short_table, 0);
    put32(short_table, 3); // three entries announced, one present
    put32(short_table, 42);
    refused(moov({track(box("stbl", box("stco", short_table)))}), "lists 3 entries");
    refused(Bytes{0, 0, 0}, "cut short");
}

TEST(Mp4Moov, LargestStcoOffsetLooksAtStcoOnly) {
    auto largest = largest_stco_offset(moov(
        {track(sample_table(stco({9, 70000, 12}))), track(sample_table(co64({8000000000ULL})))}));
    ASSERT_TRUE(largest) << largest.message();
    EXPECT_EQ(*largest, 70000U);
    largest = largest_stco_offset(moov({track(sample_table(co64({1})))}));
    ASSERT_TRUE(largest) << largest.message();
    EXPECT_EQ(*largest, 0U);
}

TEST(Mp4Moov, WideningTurnsStcoIntoCo64AndGrowsTheBoxesAroundIt) {
    const Bytes narrow =
        moov({track(sample_table(stco({48, 0xfffff000U}))), track(sample_table(co64({7})))});
    auto widened = widen_chunk_offsets(narrow);
    ASSERT_TRUE(widened) << widened.message();
    EXPECT_EQ(*widened,
              moov({track(sample_table(co64({48, 0xfffff000U}))), track(sample_table(co64({7})))}));
    // Now the shift that a 32-bit table refused fits.
    ASSERT_TRUE(shift_chunk_offsets(*widened, 0x2000));
    EXPECT_EQ(*widened, moov({track(sample_table(co64({0x2030, 0x100001000ULL}))),
                              track(sample_table(co64({0x2007})))}));
}

TEST(Mp4Moov, WideningKeepsLargeHeadersLarge) {
    const auto build = [](const Bytes& table) {
        return box("moov",
                   join({box("mvhd", filler(100)),
                         large_box("trak", box("mdia", box("minf", sample_table(table))))}));
    };
    auto widened = widen_chunk_offsets(build(stco({1, 2, 3})));
    ASSERT_TRUE(widened) << widened.message();
    EXPECT_EQ(*widened, build(co64({1, 2, 3})));
}

} // namespace
} // namespace ov2ha::media
