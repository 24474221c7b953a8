// Media helpers for tests. The ffmpeg and ffprobe command-line tools serve as
// independent producers and judges, so a test never grades ov2ha's FFmpeg
// code with that same code. Blocking; tests only. Callers skip first with
// OV2HA_REQUIRE_PROGRAM("ffmpeg") / ("ffprobe"); a tool failure is reported
// with ADD_FAILURE (its stderr included) and an empty or negative result.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ov2ha::test {

// How make_test_chunks writes its chunk files.
enum class ChunkLayout {
    // Fragmented MP4 (+frag_keyframe+empty_moov+default_base_moof+delay_moov)
    // on one running clock: chunk 2 starts where chunk 1 ended, as ov2ha's
    // recorder writes them.
    fragmented_continuous,
    // Fragmented MP4 without delay_moov: ffmpeg's muxer then restarts each
    // chunk's clock at 0.
    fragmented_restarting,
    // Plain MP4 from `ffmpeg -f segment -reset_timestamps 1` (moov at the end):
    // each chunk starts near 0 and is unreadable when cut.
    plain_reset,
};

struct ChunkRecipe {
    double total_seconds = 6;
    double chunk_seconds = 2; // chunks are cut at keyframes, one per second or per chunk
    int width = 320;
    int height = 240;
    int fps = 25;
    bool video = true; // testsrc2, H.264 (libx264 ultrafast, yuv420p)
    bool audio = true; // 440 Hz sine, AAC, 48 kHz
    ChunkLayout layout = ChunkLayout::fragmented_continuous;
    std::uint64_t first_number = 1; // 9999 gives 9999.mp4, 10000.mp4, ...
};

// Encodes the recipe with one ffmpeg run into NNNN.mp4 chunks in `folder`
// (created if missing). Returns the chunk paths in numeric order.
std::vector<std::string> make_test_chunks(const std::string& folder, const ChunkRecipe& recipe);

// Encodes one file like a single chunk of `recipe` (its chunk_seconds,
// layout and first_number are ignored; the file is plain MP4) into `path`.
bool make_test_media(const std::string& path, const ChunkRecipe& recipe);

// ffprobe's format duration in seconds; -1 when ffprobe cannot tell.
double probe_duration(const std::string& path);

// The sum of probe_duration over `paths`.
double total_duration(const std::vector<std::string>& paths);

// The codec_type of every stream in order, e.g. {"video", "audio"}.
std::vector<std::string> stream_types(const std::string& path);

// One field of the first stream of `codec_type` as ffprobe prints it, e.g.
// stream_field(path, "video", "width") == "480"; empty when absent.
std::string stream_field(const std::string& path, const std::string& codec_type,
                         const std::string& field);

// The first video stream's width or height in pixels; -1 when there is none.
int video_width(const std::string& path);
int video_height(const std::string& path);

// The DTS (seconds) of every packet of the first stream of `codec_type`, in
// file order, as ffprobe reads them.
std::vector<double> packet_times(const std::string& path, const std::string& codec_type);

// What `ffprobe -v quiet -print_format json -show_format -show_streams` prints.
std::string ffprobe_json(const std::string& path);

// What `ffmpeg -v error -i path -f null -` complains about: empty when the
// whole file decodes silently, else its messages (and the exit code).
std::string decode_complaints(const std::string& path);

// True when decode_complaints(path) is empty; prefer decode_complaints in
// EXPECT_EQ(..., "") when the complaint text helps the reader of a failure.
bool decodes_silently(const std::string& path);

// The types of the top-level boxes of an MP4 file in file order, e.g.
// {"ftyp", "moov", "free", "mdat"}; read from the bytes, like `head -c`.
std::vector<std::string> top_level_boxes(const std::string& path);

// Cuts `path` to `fraction` of its size, as a writer killed mid-file leaves it.
void cut_file(const std::string& path, double fraction);

// The files in `folder` whose names start with '.', e.g. leftover temporaries.
std::vector<std::string> hidden_files(const std::string& folder);

} // namespace ov2ha::test
