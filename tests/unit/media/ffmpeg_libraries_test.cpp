// Loading FFmpeg at run time: the libraries it was built against load, and a
// library that cannot be found is named with the package that has it.
#include "core/media/ffmpeg_libraries.hpp"

extern "C" {
#include <libavutil/version.h>
}

#include <gtest/gtest.h>

namespace ov2ha::media {
namespace {

TEST(FfmpegLibraries, LoadOnceAndAgain) {
    EXPECT_TRUE(load_ffmpeg_libraries());
    EXPECT_TRUE(load_ffmpeg_libraries());
}

TEST(FfmpegLibraries, TheBuiltAgainstLibraryLoads) {
    const FfmpegLibrary avutil{"avutil", LIBAVUTIL_VERSION_MAJOR};
    EXPECT_TRUE(check_libraries_load({&avutil, 1}));
}

TEST(FfmpegLibraries, AMissingLibraryIsNamedWithItsPackage) {
#ifndef OV2HA_LOAD_FFMPEG_AT_RUNTIME
    GTEST_SKIP() << "FFmpeg is linked at build time in this configuration";
#endif
    const FfmpegLibrary libraries[] = {{"avutil", LIBAVUTIL_VERSION_MAJOR}, {"avnothing", 99}};
    const Status loaded = check_libraries_load(libraries);
    ASSERT_FALSE(loaded);
    EXPECT_NE(loaded.message().find("cannot load FFmpeg's libavnothing.so.99"), std::string::npos)
        << loaded.message();
    EXPECT_NE(loaded.message().find("apt install libavnothing99"), std::string::npos)
        << loaded.message();
}

} // namespace
} // namespace ov2ha::media
