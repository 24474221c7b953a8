// The upload journal: line format, torn and bad lines, which version of a file it
// confirms, and the file itself (torn tail cut off, appends, the lock).
#include "core/chunks/upload_journal.hpp"
#include "tests/support/process.hpp"

#include <fstream>
#include <gtest/gtest.h>

namespace ov2ha::chunks {
namespace {

JournalEntry entry(std::string name, std::uint64_t size, std::int64_t mtime_ns,
                   std::string key = "") {
    if (key.empty()) {
        key = "cam/" + name;
    }
    return {std::move(name), FileStamp{size, mtime_ns}, std::move(key),
            "etag-" + std::to_string(size)};
}

TEST(UploadJournal, LinesParseBackToTheirEntries) {
    const JournalEntry written =
        entry("0001.mp4", 123456, 1'700'000'000'123'456'789, "a \"quoted\"\n/key");
    const std::string line = journal_line(written);
    EXPECT_EQ(line.back(), '\n');
    EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line, whatever the key holds";
    const ParsedJournal parsed = parse_journal(line + journal_line(entry("0002.mp4", 7, 8)));
    ASSERT_EQ(parsed.entries.size(), 2u);
    EXPECT_EQ(parsed.entries[0].name, "0001.mp4");
    EXPECT_EQ(parsed.entries[0].stamp, written.stamp);
    EXPECT_EQ(parsed.entries[0].key, written.key);
    EXPECT_EQ(parsed.entries[0].etag, written.etag);
    EXPECT_EQ(parsed.entries[1].name, "0002.mp4");
    EXPECT_EQ(parsed.bad_lines, 0u);
}

TEST(UploadJournal, ATornLastLineIsLeftOutOfTheWholeBytes) {
    const std::string whole = journal_line(entry("0001.mp4", 10, 20));
    const std::string next = journal_line(entry("0002.mp4", 30, 40));
    for (size_t cut = 0; cut < next.size(); ++cut) {
        const ParsedJournal parsed = parse_journal(whole + next.substr(0, cut));
        ASSERT_EQ(parsed.entries.size(), 1u) << "cut at " << cut;
        EXPECT_EQ(parsed.whole_bytes, whole.size());
        EXPECT_EQ(parsed.bad_lines, 0u);
    }
}

TEST(UploadJournal, BadCompleteLinesAreSkippedAndCounted) {
    const std::string text = journal_line(entry("0001.mp4", 1, 2)) + "garbage\n" +
                             "{\"name\":\"0003.mp4\",\"size\":-1}\n" + "\n" +
                             journal_line(entry("0002.mp4", 3, 4));
    const ParsedJournal parsed = parse_journal(text);
    ASSERT_EQ(parsed.entries.size(), 2u);
    EXPECT_EQ(parsed.entries[1].name, "0002.mp4");
    EXPECT_EQ(parsed.bad_lines, 2u);
    EXPECT_EQ(parsed.whole_bytes, text.size());
}

TEST(UploadJournal, IndexConfirmsOnlyTheVersionThatWasUploaded) {
    JournalIndex index;
    index.add(entry("0001.mp4", 100, 5000));
    EXPECT_TRUE(index.confirms("0001.mp4", "cam/0001.mp4", {100, 5000}));
    EXPECT_FALSE(index.confirms("0001.mp4", "cam/0001.mp4", {101, 5000})) << "size changed";
    EXPECT_FALSE(index.confirms("0001.mp4", "cam/0001.mp4", {100, 5001})) << "mtime changed";
    EXPECT_FALSE(index.confirms("0001.mp4", "other/0001.mp4", {100, 5000})) << "other key";
    EXPECT_FALSE(index.confirms("0002.mp4", "cam/0002.mp4", {100, 5000})) << "never uploaded";

    index.add(entry("0001.mp4", 200, 6000)); // uploaded again after it changed
    EXPECT_TRUE(index.confirms("0001.mp4", "cam/0001.mp4", {200, 6000}));
    EXPECT_FALSE(index.confirms("0001.mp4", "cam/0001.mp4", {100, 5000}));
    EXPECT_EQ(index.size(), 1u);
}

TEST(UploadJournal, OpeningCutsATornLineOffAndAppendsStayWhole) {
    test::TempDir dir;
    const std::string path = dir / k_journal_file_name;
    const std::string torn = journal_line(entry("0002.mp4", 30, 40)).substr(0, 17);
    std::ofstream(path, std::ios::binary) << journal_line(entry("0001.mp4", 10, 20)) << torn;
    {
        auto opened = UploadJournal::open(path);
        ASSERT_TRUE(opened) << opened.message();
        EXPECT_EQ(opened->torn_bytes, torn.size());
        ASSERT_EQ(opened->contents.entries.size(), 1u);
        ASSERT_TRUE(
            opened->journal->append({entry("0002.mp4", 30, 40), entry("0003.mp4", 50, 60)}));
    }
    const ParsedJournal reread = parse_journal(test::slurp(path));
    ASSERT_EQ(reread.entries.size(), 3u);
    EXPECT_EQ(reread.entries[1].name, "0002.mp4");
    EXPECT_EQ(reread.entries[2].name, "0003.mp4");
    EXPECT_EQ(reread.bad_lines, 0u);
    EXPECT_EQ(reread.whole_bytes, test::slurp(path).size());
}

TEST(UploadJournal, AMissingJournalStartsEmpty) {
    test::TempDir dir;
    auto opened = UploadJournal::open(dir / k_journal_file_name);
    ASSERT_TRUE(opened) << opened.message();
    EXPECT_TRUE(opened->contents.entries.empty());
    EXPECT_EQ(opened->torn_bytes, 0u);
}

TEST(UploadJournal, OnlyOneOwnerAtATime) {
    test::TempDir dir;
    const std::string path = dir / k_journal_file_name;
    auto first = UploadJournal::open(path);
    ASSERT_TRUE(first) << first.message();
    auto second = UploadJournal::open(path);
    ASSERT_FALSE(second);
    EXPECT_NE(second.message().find("locked by another ov2ha process"), std::string::npos)
        << second.message();
    first->journal.reset();
    EXPECT_TRUE(UploadJournal::open(path));
}

TEST(UploadJournal, AnUnwritableFolderIsAnErrorInWords) {
    auto opened = UploadJournal::open("/nonexistent-folder/" + std::string(k_journal_file_name));
    ASSERT_FALSE(opened);
    EXPECT_NE(opened.message().find("/nonexistent-folder/"), std::string::npos);
}

} // namespace
} // namespace ov2ha::chunks
