// Multipart part planning; see multipart_plan.hpp.
#include "core/s3/multipart_plan.hpp"

#include <algorithm>
#include <string>

namespace ov2ha::s3 {

Status check_part_size(std::uint64_t part_size) {
    if (part_size < k_min_part_size || part_size > k_max_part_size) {
        return failure("multipart part size " + std::to_string(part_size) +
                       " is outside S3's limits (" + std::to_string(k_min_part_size) + " to " +
                       std::to_string(k_max_part_size) + " bytes)");
    }
    return success();
}

Result<std::vector<PartPlan>> plan_parts(std::uint64_t size, std::uint64_t part_size) {
    if (auto checked = check_part_size(part_size); !checked) {
        return checked.error();
    }
    if (size == 0) {
        return failure("an empty file is stored with one PutObject, not a multipart upload");
    }
    if (size > k_max_object_size) {
        return failure("a " + std::to_string(size) + "-byte file is larger than S3's " +
                       std::to_string(k_max_object_size) + "-byte object limit");
    }
    const std::uint64_t smallest_fitting = (size + k_max_parts - 1) / k_max_parts;
    if (part_size < smallest_fitting) {
        part_size = (smallest_fitting + k_mebibyte - 1) / k_mebibyte * k_mebibyte;
    }
    std::vector<PartPlan> parts;
    parts.reserve(static_cast<size_t>((size + part_size - 1) / part_size));
    for (std::uint64_t offset = 0; offset < size; offset += part_size) {
        parts.push_back(
            {static_cast<int>(parts.size()) + 1, offset, std::min(part_size, size - offset)});
    }
    return parts;
}

} // namespace ov2ha::s3
