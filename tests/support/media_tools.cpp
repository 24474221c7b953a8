// Media helpers for tests; see media_tools.hpp.
#include "tests/support/media_tools.hpp"

#include "tests/support/process.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

namespace ov2ha::test {
namespace {

std::string number_text(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

// ffmpeg arguments for the recipe's sources and encoders, up to the output.
std::vector<std::string> encode_arguments(const ChunkRecipe& recipe, double keyframe_seconds) {
    std::vector<std::string> argv = {"ffmpeg", "-v", "error", "-y"};
    if (recipe.video) {
        argv.insert(argv.end(),
                    {"-f", "lavfi", "-i",
                     "testsrc2=size=" + std::to_string(recipe.width) + "x" +
                         std::to_string(recipe.height) + ":rate=" + std::to_string(recipe.fps)});
    }
    if (recipe.audio) {
        argv.insert(argv.end(), {"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"});
    }
    argv.insert(argv.end(), {"-t", number_text(recipe.total_seconds)});
    if (recipe.video) {
        argv.insert(argv.end(), {"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                                 "-force_key_frames",
                                 "expr:gte(t,n_forced*" + number_text(keyframe_seconds) + ")"});
    }
    if (recipe.audio) {
        argv.insert(argv.end(), {"-c:a", "aac", "-b:a", "64k"});
    }
    return argv;
}

bool run_ffmpeg(const std::vector<std::string>& argv) {
    const RunResult result = run(argv);
    if (result.exit_code != 0) {
        ADD_FAILURE() << "ffmpeg failed (exit " << result.exit_code << "): " << result.err;
        return false;
    }
    return true;
}

std::string ffprobe_value(const std::vector<std::string>& arguments) {
    std::vector<std::string> argv = {"ffprobe", "-v", "error"};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    const RunResult result = run(argv);
    if (result.exit_code != 0) {
        ADD_FAILURE() << "ffprobe failed (exit " << result.exit_code << "): " << result.err;
        return {};
    }
    std::string text = result.out;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
        text.pop_back();
    }
    return text;
}

int integer_or_minus_one(const std::string& text) {
    try {
        return std::stoi(text);
    } catch (const std::exception&) {
        return -1;
    }
}

} // namespace

std::vector<std::string> make_test_chunks(const std::string& folder, const ChunkRecipe& recipe) {
    std::filesystem::create_directories(folder);
    auto argv = encode_arguments(recipe, std::min(1.0, recipe.chunk_seconds));
    argv.insert(argv.end(), {"-f", "segment", "-segment_time", number_text(recipe.chunk_seconds),
                             "-segment_start_number", std::to_string(recipe.first_number),
                             "-segment_format", "mp4"});
    switch (recipe.layout) {
    case ChunkLayout::fragmented_continuous:
        argv.insert(argv.end(),
                    {"-segment_format_options",
                     "movflags=+frag_keyframe+empty_moov+default_base_moof+delay_moov"});
        break;
    case ChunkLayout::fragmented_restarting:
        argv.insert(argv.end(), {"-segment_format_options",
                                 "movflags=+frag_keyframe+empty_moov+default_base_moof"});
        break;
    case ChunkLayout::plain_reset:
        argv.insert(argv.end(), {"-reset_timestamps", "1"});
        break;
    }
    argv.push_back(folder + "/%04d.mp4");
    if (!run_ffmpeg(argv)) {
        return {};
    }
    std::vector<std::pair<std::uint64_t, std::string>> numbered;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
        const std::string name = entry.path().filename().string();
        if (entry.path().extension() == ".mp4" && !name.empty() && name[0] != '.') {
            numbered.emplace_back(std::stoull(entry.path().stem().string()), entry.path().string());
        }
    }
    std::sort(numbered.begin(), numbered.end());
    std::vector<std::string> paths;
    for (const auto& [number, path] : numbered) {
        paths.push_back(path);
    }
    return paths;
}

bool make_test_media(const std::string& path, const ChunkRecipe& recipe) {
    auto argv = encode_arguments(recipe, 1.0);
    argv.push_back(path);
    return run_ffmpeg(argv);
}

double probe_duration(const std::string& path) {
    const std::string text =
        ffprobe_value({"-show_entries", "format=duration", "-of", "csv=p=0", path});
    try {
        return std::stod(text);
    } catch (const std::exception&) {
        return -1;
    }
}

double total_duration(const std::vector<std::string>& paths) {
    double total = 0;
    for (const auto& path : paths) {
        total += probe_duration(path);
    }
    return total;
}

std::vector<std::string> stream_types(const std::string& path) {
    std::istringstream lines(
        ffprobe_value({"-show_entries", "stream=codec_type", "-of", "csv=p=0", path}));
    std::vector<std::string> types;
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty()) {
            types.push_back(line);
        }
    }
    return types;
}

std::string stream_field(const std::string& path, const std::string& codec_type,
                         const std::string& field) {
    const std::string selector = codec_type == "video"   ? "v:0"
                                 : codec_type == "audio" ? "a:0"
                                                         : "0";
    return ffprobe_value(
        {"-select_streams", selector, "-show_entries", "stream=" + field, "-of", "csv=p=0", path});
}

int video_width(const std::string& path) {
    return integer_or_minus_one(stream_field(path, "video", "width"));
}

int video_height(const std::string& path) {
    return integer_or_minus_one(stream_field(path, "video", "height"));
}

std::vector<double> packet_times(const std::string& path, const std::string& codec_type) {
    std::istringstream lines(
        ffprobe_value({"-select_streams", codec_type == "video" ? "v:0" : "a:0", "-show_entries",
                       "packet=dts_time", "-of", "csv=p=0", path}));
    std::vector<double> times;
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty() && line != "N/A") {
            times.push_back(std::stod(line));
        }
    }
    return times;
}

std::string ffprobe_json(const std::string& path) {
    const RunResult result = run(
        {"ffprobe", "-v", "quiet", "-print_format", "json", "-show_format", "-show_streams", path});
    if (result.exit_code != 0) {
        ADD_FAILURE() << "ffprobe failed on " << path << " (exit " << result.exit_code << ")";
    }
    return result.out;
}

std::string decode_complaints(const std::string& path) {
    const RunResult result = run({"ffmpeg", "-v", "error", "-i", path, "-f", "null", "-"});
    std::string complaints = result.err;
    if (result.exit_code != 0) {
        complaints += "(ffmpeg exited with " + std::to_string(result.exit_code) + ")";
    }
    return complaints;
}

bool decodes_silently(const std::string& path) {
    return decode_complaints(path).empty();
}

std::vector<std::string> top_level_boxes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    in.seekg(0, std::ios::end);
    const std::uint64_t file_size = static_cast<std::uint64_t>(in.tellg());
    std::vector<std::string> boxes;
    std::uint64_t position = 0;
    while (position + 8 <= file_size) {
        unsigned char header[16] = {};
        in.seekg(static_cast<std::streamoff>(position));
        in.read(reinterpret_cast<char*>(header), sizeof header);
        std::uint64_t size = (std::uint64_t(header[0]) << 24) | (std::uint64_t(header[1]) << 16) |
                             (std::uint64_t(header[2]) << 8) | header[3];
        if (size == 1) {
            size = 0;
            for (int i = 8; i < 16; ++i) {
                size = (size << 8) | header[i];
            }
        } else if (size == 0) {
            size = file_size - position;
        }
        boxes.emplace_back(reinterpret_cast<const char*>(header) + 4, 4);
        if (size < 8) {
            break;
        }
        position += size;
    }
    return boxes;
}

void cut_file(const std::string& path, double fraction) {
    const auto size = std::filesystem::file_size(path);
    std::filesystem::resize_file(path, static_cast<std::uintmax_t>(std::floor(size * fraction)));
}

std::vector<std::string> hidden_files(const std::string& folder) {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
        const std::string name = entry.path().filename().string();
        if (!name.empty() && name[0] == '.') {
            names.push_back(name);
        }
    }
    return names;
}

} // namespace ov2ha::test
