// When a watched file counts as finished: closed by its writer, unchanged for the settle
// time, or old already; handed out once per version, in shipping order.
#include "core/chunks/stable_files.hpp"

#include <gtest/gtest.h>

namespace ov2ha::chunks {
namespace {

using namespace std::chrono_literals;

// A real clock far from every mtime below, so only "old" files count as old.
constexpr std::int64_t k_wall_ns = 1'700'000'000'000'000'000;
constexpr std::int64_t k_fresh_mtime = k_wall_ns; // written just now

std::vector<std::string> names(const std::vector<SeenFile>& files) {
    std::vector<std::string> out;
    for (const auto& file : files) {
        out.push_back(file.name);
    }
    return out;
}

TEST(StableFiles, AFileIsFinishedAfterTheSettleTimeUnchanged) {
    StableFiles files(2000ms);
    files.saw("0001.mp4", FileStamp{100, k_fresh_mtime}, 0, k_wall_ns);
    EXPECT_TRUE(files.take_settled(1999).empty());
    EXPECT_EQ(files.next_check_ms(), 2000);
    files.saw("0001.mp4", FileStamp{100, k_fresh_mtime}, 1500, k_wall_ns);
    EXPECT_EQ(names(files.take_settled(2000)), std::vector<std::string>{"0001.mp4"});
    EXPECT_TRUE(files.take_settled(9000).empty()) << "handed out once";
    EXPECT_FALSE(files.next_check_ms());
}

TEST(StableFiles, AChangeRestartsTheSettleTime) {
    StableFiles files(2000ms);
    files.saw("a.mp4", FileStamp{100, k_fresh_mtime}, 0, k_wall_ns);
    files.saw("a.mp4", FileStamp{200, k_fresh_mtime + 1}, 1500, k_wall_ns);
    EXPECT_TRUE(files.take_settled(2500).empty());
    EXPECT_EQ(files.next_check_ms(), 3500);
    EXPECT_EQ(names(files.take_settled(3500)), std::vector<std::string>{"a.mp4"});
    // A version handed out, then changed: handed out again once settled.
    files.saw("a.mp4", FileStamp{300, k_fresh_mtime + 2}, 4000, k_wall_ns);
    EXPECT_TRUE(files.take_settled(4000).empty());
    EXPECT_EQ(files.take_settled(6000).size(), 1u);
}

TEST(StableFiles, ClosedByItsWriterIsFinishedAtOnce) {
    StableFiles files(10s);
    files.saw("0001.mp4", FileStamp{100, k_fresh_mtime}, 0, k_wall_ns);
    files.closed("0001.mp4");
    EXPECT_EQ(names(files.take_settled(0)), std::vector<std::string>{"0001.mp4"});
    // Reopened and written again: it settles anew.
    files.saw("0001.mp4", FileStamp{150, k_fresh_mtime + 5}, 100, k_wall_ns);
    EXPECT_TRUE(files.take_settled(200).empty());
    files.closed("unknown.mp4"); // never seen: nothing to mark
    EXPECT_TRUE(files.take_settled(200).empty());
}

TEST(StableFiles, AFileAlreadyOldByItsMtimeIsFinishedAtOnce) {
    StableFiles files(5s);
    files.saw("0001.mp4", FileStamp{100, k_wall_ns - 6'000'000'000}, 0, k_wall_ns);
    files.saw("0002.mp4", FileStamp{100, k_wall_ns - 1'000'000'000}, 0, k_wall_ns);
    EXPECT_EQ(names(files.take_settled(0)), std::vector<std::string>{"0001.mp4"});
}

TEST(StableFiles, HandsOutInShippingOrder) {
    StableFiles files(0ms);
    for (const char* name : {"notes.txt", "10000.mp4", "0002.mp4", "9999.mp4", "0010.mp4"}) {
        files.saw(name, FileStamp{1, k_fresh_mtime}, 0, k_wall_ns);
    }
    EXPECT_EQ(
        names(files.take_settled(0)),
        (std::vector<std::string>{"0002.mp4", "0010.mp4", "9999.mp4", "10000.mp4", "notes.txt"}));
}

TEST(StableFiles, GoneFilesAreForgotten) {
    StableFiles files(1s);
    files.saw("a.mp4", FileStamp{1, k_fresh_mtime}, 0, k_wall_ns);
    files.saw("b.mp4", FileStamp{1, k_fresh_mtime}, 0, k_wall_ns);
    files.saw("a.mp4", std::nullopt, 10, k_wall_ns);
    EXPECT_EQ(files.settling(), std::vector<std::string>{"b.mp4"});
    files.saw_all({{"c.mp4", FileStamp{1, k_fresh_mtime}}}, 20, k_wall_ns);
    EXPECT_EQ(files.settling(), std::vector<std::string>{"c.mp4"});
    EXPECT_EQ(names(files.take_settled(1020)), std::vector<std::string>{"c.mp4"});
}

} // namespace
} // namespace ov2ha::chunks
