// Multipart part planning: sizes, numbering, S3's limits.
#include "core/s3/multipart_plan.hpp"

#include <gtest/gtest.h>

namespace ov2ha::s3 {
namespace {

constexpr std::uint64_t k_mib = k_mebibyte;

TEST(MultipartPlan, CutsIntoEqualPartsAndAShorterLastOne) {
    auto parts = plan_parts(20 * k_mib, 8 * k_mib);
    ASSERT_TRUE(parts) << parts.message();
    ASSERT_EQ(parts->size(), 3u);
    EXPECT_EQ((*parts)[0].number, 1);
    EXPECT_EQ((*parts)[0].offset, 0u);
    EXPECT_EQ((*parts)[0].length, 8 * k_mib);
    EXPECT_EQ((*parts)[1].number, 2);
    EXPECT_EQ((*parts)[1].offset, 8 * k_mib);
    EXPECT_EQ((*parts)[2].number, 3);
    EXPECT_EQ((*parts)[2].offset, 16 * k_mib);
    EXPECT_EQ((*parts)[2].length, 4 * k_mib);
}

TEST(MultipartPlan, ExactMultipleHasNoEmptyLastPart) {
    auto parts = plan_parts(16 * k_mib, 8 * k_mib);
    ASSERT_TRUE(parts);
    ASSERT_EQ(parts->size(), 2u);
    EXPECT_EQ(parts->back().length, 8 * k_mib);
}

TEST(MultipartPlan, SmallFileIsOnePart) {
    auto parts = plan_parts(1, 8 * k_mib);
    ASSERT_TRUE(parts);
    ASSERT_EQ(parts->size(), 1u);
    EXPECT_EQ(parts->front().length, 1u);
}

TEST(MultipartPlan, PartSizeGrowsToStayWithinTenThousandParts) {
    const std::uint64_t size = 100'000 * k_mib; // would be 12,500 parts of 8 MiB
    auto parts = plan_parts(size, 8 * k_mib);
    ASSERT_TRUE(parts) << parts.message();
    EXPECT_LE(parts->size(), 10'000u);
    EXPECT_EQ(parts->front().length % k_mib, 0u);
    std::uint64_t covered = 0;
    for (size_t i = 0; i < parts->size(); ++i) {
        EXPECT_EQ((*parts)[i].number, static_cast<int>(i) + 1);
        EXPECT_EQ((*parts)[i].offset, covered);
        covered += (*parts)[i].length;
    }
    EXPECT_EQ(covered, size);
}

TEST(MultipartPlan, RefusesWhatS3Refuses) {
    EXPECT_FALSE(plan_parts(0, 8 * k_mib));
    EXPECT_FALSE(plan_parts(10 * k_mib, 4 * k_mib));
    EXPECT_FALSE(plan_parts(10 * k_mib, 6 * 1024 * k_mib));
    EXPECT_FALSE(plan_parts(k_max_object_size + 1, 8 * k_mib));
    EXPECT_TRUE(plan_parts(k_max_object_size, 8 * k_mib));
    const auto small = check_part_size(k_mib);
    ASSERT_FALSE(small);
    EXPECT_NE(small.message().find("1048576"), std::string::npos) << small.message();
}

} // namespace
} // namespace ov2ha::s3
