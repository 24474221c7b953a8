// Chunk naming and ordering; see chunk_names.hpp.
#include "core/chunks/chunk_names.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace ov2ha::chunks {

std::string chunk_file_name(std::uint64_t number) {
    char text[32];
    std::snprintf(text, sizeof text, "%04llu.mp4", static_cast<unsigned long long>(number));
    return text;
}

std::optional<std::uint64_t> parse_chunk_number(std::string_view file_name) {
    constexpr std::string_view extension = ".mp4";
    if (file_name.size() <= extension.size() || !file_name.ends_with(extension)) {
        return std::nullopt;
    }
    const std::string_view digits = file_name.substr(0, file_name.size() - extension.size());
    if (digits.size() < 4 || digits.size() > 18 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    std::uint64_t number = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), number);
    if (number == 0) {
        return std::nullopt;
    }
    return number;
}

void sort_chunks(std::vector<ChunkFile>& chunks) {
    std::sort(chunks.begin(), chunks.end(),
              [](const ChunkFile& a, const ChunkFile& b) { return a.number < b.number; });
}

bool ships_before(std::string_view a, std::string_view b) {
    const auto number = [](std::string_view name) {
        const size_t slash = name.rfind('/');
        return parse_chunk_number(slash == std::string_view::npos ? name : name.substr(slash + 1));
    };
    const auto number_a = number(a);
    const auto number_b = number(b);
    if (number_a && number_b && *number_a != *number_b) {
        return *number_a < *number_b;
    }
    if (number_a.has_value() != number_b.has_value()) {
        return number_a.has_value();
    }
    return a < b;
}

bool is_shippable_name(std::string_view file_name) {
    if (file_name.empty() || file_name.front() == '.' || file_name.back() == '~') {
        return false;
    }
    for (std::string_view suffix : {".tmp", ".part", ".partial", ".swp"}) {
        if (file_name.ends_with(suffix)) {
            return false;
        }
    }
    return true;
}

std::uint64_t next_chunk_number(std::optional<std::uint64_t> highest_local,
                                std::optional<std::uint64_t> highest_remote,
                                std::uint64_t start_chunk) {
    std::uint64_t next = std::max<std::uint64_t>(start_chunk, 1);
    for (const auto& highest : {highest_local, highest_remote}) {
        if (highest) {
            next = std::max(next, *highest + 1);
        }
    }
    return next;
}

} // namespace ov2ha::chunks
