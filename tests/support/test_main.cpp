// The tests' main: loads FFmpeg's libraries once for every test, as the media
// commands do at their start (core/media/ffmpeg_libraries.hpp).
#include "core/media/ffmpeg_libraries.hpp"

#include <gtest/gtest.h>
#include <iostream>

int main(int argc, char** argv) {
    testing::InitGoogleTest(&argc, argv);
    if (auto loaded = ov2ha::media::load_ffmpeg_libraries(); !loaded) {
        std::cerr << "tests: " << loaded.message() << "\n";
        return 1;
    }
    return RUN_ALL_TESTS();
}
