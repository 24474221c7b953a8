// How a file is cut into the parts of an S3 multipart upload: sizes within S3's limits,
// at most 10,000 parts. Pure.
#pragma once

#include "core/base/result.hpp"

#include <cstdint>
#include <vector>

namespace ov2ha::s3 {

inline constexpr std::uint64_t k_mebibyte = 1024 * 1024;
// S3's smallest part (all but the last), largest part, most parts and largest object.
inline constexpr std::uint64_t k_min_part_size = 5 * k_mebibyte;
inline constexpr std::uint64_t k_max_part_size = 5 * 1024 * k_mebibyte;
inline constexpr int k_max_parts = 10'000;
inline constexpr std::uint64_t k_max_object_size = 5 * 1024 * 1024 * k_mebibyte;

// One part: its number (from 1) and the bytes of the file it carries.
struct PartPlan {
    int number = 0;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
};

// Fails with words when `part_size` is outside S3's limits.
Status check_part_size(std::uint64_t part_size);

// The parts of a `size`-byte file: `part_size` bytes each and a shorter last one. When
// that would take more than 10,000 parts the part size grows, in whole MiB, until it
// does not. Fails for an empty file (one PutObject stores it), for a file larger than
// S3 allows and for a part size outside S3's limits.
Result<std::vector<PartPlan>> plan_parts(std::uint64_t size, std::uint64_t part_size);

} // namespace ov2ha::s3
