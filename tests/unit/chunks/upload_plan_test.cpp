// Which files `ov2ha upload` ships and under which keys.
#include "core/chunks/upload_plan.hpp"
#include "tests/support/process.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>

namespace ov2ha::chunks {
namespace {

std::vector<std::string> keys_of(const std::vector<ShipItem>& items) {
    std::vector<std::string> keys;
    for (const auto& item : items) {
        keys.push_back(item.key);
        EXPECT_EQ(item.name, item.key);
    }
    return keys;
}

TEST(UploadPlan, FilesGoUnderThePrefixAndFoldersKeepTheirInsides) {
    test::TempDir dir;
    std::filesystem::create_directories(dir / "chunks/sub");
    for (const char* name : {"chunks/0002.mp4", "chunks/0010.mp4", "chunks/sub/x.txt", "one.bin",
                             "chunks/.ov2ha-upload-journal"}) {
        std::ofstream(dir / name) << name;
    }
    auto planned = plan_upload({dir / "one.bin", dir / "chunks"}, "rec/ses");
    ASSERT_TRUE(planned) << planned.message();
    EXPECT_EQ(keys_of(*planned),
              (std::vector<std::string>{"rec/ses/0002.mp4", "rec/ses/0010.mp4", "rec/ses/one.bin",
                                        "rec/ses/sub/x.txt"}));
    EXPECT_EQ((*planned)[0].path, dir / "chunks/0002.mp4");

    auto at_root = plan_upload({dir / "one.bin"}, "");
    ASSERT_TRUE(at_root) << at_root.message();
    EXPECT_EQ(keys_of(*at_root), std::vector<std::string>{"one.bin"});
}

TEST(UploadPlan, AnEmptyFolderPlansNothing) {
    test::TempDir dir;
    auto planned = plan_upload({dir.path()}, "p");
    ASSERT_TRUE(planned) << planned.message();
    EXPECT_TRUE(planned->empty());
}

TEST(UploadPlan, MissingPathsAndCollidingKeysAreRefused) {
    test::TempDir dir;
    auto missing = plan_upload({dir / "nothing-here"}, "p");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.message(), "no such file or folder: " + dir / "nothing-here");

    std::filesystem::create_directories(dir / "a");
    std::ofstream(dir / "a/x.bin") << "1";
    std::ofstream(dir / "x.bin") << "2";
    auto colliding = plan_upload({dir / "a", dir / "x.bin"}, "p");
    ASSERT_FALSE(colliding);
    EXPECT_NE(colliding.message().find("same key p/x.bin"), std::string::npos)
        << colliding.message();
}

} // namespace
} // namespace ov2ha::chunks
